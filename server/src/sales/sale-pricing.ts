import type { Role, SaleLineInput, TenantSettings } from '@erp/shared';
import type { z } from 'zod';
import { AppError } from '../platform/app-error.ts';
import { lineGross, toMilli } from './quantity.ts';
import type { ProductPriceRow } from './sale.queries.ts';

export interface PricedLine {
  lineNo: number;
  productId: string;
  code: string;
  name: string;
  unit: string;
  quantity: string;
  /** IVA-included unit price charged (the list price unless overridden). */
  unitPrice: number;
  listPrice: number;
  discount: number;
  exempt: boolean;
  priceOverride: boolean;
  /** round(unitPrice × quantity) − discount, IVA included. */
  amount: number;
}

/**
 * Prices the cart with the server's current prices (`rows`, from `cartProductsQuery`). A line
 * whose shown price differs from the current one, without an explicit override, makes the
 * whole sale fail with PRICE_CHANGED and the current prices so the cashier can confirm.
 * Discounts and price overrides are limited by the role's percentage.
 */
export function priceLines(
  rows: readonly ProductPriceRow[],
  lines: z.infer<typeof SaleLineInput>[],
  role: Role,
  limits: TenantSettings['discountLimitPercent'],
): PricedLine[] {
  const products = new Map(rows.map((r) => [r.id, r]));
  const changes: { productId: string; shown: number; current: number }[] = [];
  const priced = lines.map((line, i): PricedLine => {
    const product = products.get(line.productId);
    if (!product?.active) throw AppError.notFound(`el producto de la línea ${i + 1}`);
    if (!product.weighable && toMilli(line.quantity) % 1000n !== 0n) {
      throw AppError.validation(
        undefined,
        `${product.name} se vende por unidad: la cantidad debe ser entera.`,
      );
    }
    if (!line.priceOverride && line.unitPrice !== product.price) {
      changes.push({ productId: product.id, shown: line.unitPrice, current: product.price });
    }
    const gross = lineGross(line.unitPrice, line.quantity);
    if (line.discount > gross)
      throw AppError.validation(undefined, `El descuento supera el valor de ${product.name}.`);
    const listAmount = lineGross(product.price, line.quantity);
    const amount = gross - line.discount;
    // Everything below the list amount counts against the role's limit: discounts and lower prices.
    if ((listAmount - amount) * 100 > limits[role] * listAmount) {
      throw new AppError(
        'DISCOUNT_NOT_ALLOWED',
        `El descuento en ${product.name} supera el ${limits[role]}% permitido para su rol.`,
      );
    }
    return {
      lineNo: i + 1,
      productId: product.id,
      code: product.code,
      name: product.name,
      unit: product.unit,
      quantity: line.quantity,
      unitPrice: line.unitPrice,
      listPrice: product.price,
      discount: line.discount,
      exempt: product.exempt,
      priceOverride: line.priceOverride,
      amount,
    };
  });
  if (changes.length > 0) throw new AppError('PRICE_CHANGED', undefined, { changes });
  return priced;
}
