import {
  type AdditionalTaxCode,
  type DiscountInput,
  type LinePromotion,
  lineDiscount,
  type SaleLineInput,
} from '@erp/shared';
import type { z } from 'zod';
import { AppError } from '../platform/app-error.ts';
import { lineGross, toMilli } from './quantity.ts';
import type { ProductPriceRow } from './sale.queries.ts';

/** A discount as the till sent it: its value, reason and note, and maybe an approval's id. */
export type GivenDiscount = z.output<typeof DiscountInput>;

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
  /** Pesos the line's discount, or its promotions, take off (IVA included). */
  discount: number;
  /** The discount's percentage when given as one: the document carries it (DescuentoPct). */
  discountPercent?: string;
  /** The discount as given; none for a line without one (a return's lines carry none either). */
  given?: GivenDiscount;
  /** The promotions the line took (`sale-promotions.ts`); none on a line discounted by hand. */
  promotions?: LinePromotion[];
  exempt: boolean;
  /** The product's SII additional tax, inside its price (a factura breaks it out). */
  additionalTax: AdditionalTaxCode | null;
  priceOverride: boolean;
  /** round(unitPrice × quantity) − discount, IVA included. */
  amount: number;
}

/**
 * Prices the cart with the server's current prices (`rows`, from `cartProductsQuery`). A line
 * whose shown price differs from the current one, without an explicit override, makes the
 * whole sale fail with PRICE_CHANGED and the current prices so the cashier can confirm. Each
 * line's discount is computed here (`lineDiscount`, the POS's own arithmetic); whether the
 * discounts and lower prices are within the seller's limit is `sale-discounts.ts`'s to say.
 */
export function priceLines(
  rows: readonly ProductPriceRow[],
  lines: z.infer<typeof SaleLineInput>[],
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
    const { discount, discountPercent } = lineDiscount(gross, line.discount);
    if (discount > gross)
      throw AppError.validation(undefined, `El descuento supera el valor de ${product.name}.`);
    return {
      lineNo: i + 1,
      productId: product.id,
      code: product.code,
      name: product.name,
      unit: product.unit,
      quantity: line.quantity,
      unitPrice: line.unitPrice,
      listPrice: product.price,
      discount,
      ...(discountPercent !== undefined ? { discountPercent } : {}),
      ...(line.discount ? { given: line.discount } : {}),
      exempt: product.exempt,
      additionalTax: product.additionalTax,
      priceOverride: line.priceOverride,
      amount: gross - discount,
    };
  });
  if (changes.length > 0) throw new AppError('PRICE_CHANGED', undefined, { changes });
  return priced;
}
