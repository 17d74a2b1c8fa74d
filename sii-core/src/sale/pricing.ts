import { type AdditionalTaxCode, type Discount, type LinePromotion, lineDiscount } from '@erp/shared';
import { DteError } from '../errors.ts';
import { lineGross, toMilli } from './quantity.ts';

/** A discount as the till sent it: its value, reason and note, and maybe an approval's id. */
export type GivenDiscount = Discount & { approvalId?: string | undefined };

/** A line of the POS's `sale:commit` (`SaleLineInput`, parsed). */
export interface SaleLine {
  productId: string;
  quantity: string;
  unitPrice: number;
  discount?: GivenDiscount | undefined;
  priceOverride: boolean;
  promotionDiscount?: number | undefined;
}

/** What pricing needs of a product: the server's cart query row, or the hub's catalog replica. */
export interface PricingProduct {
  id: string;
  code: string;
  name: string;
  unit: string;
  /** IVA-included price in force (the store's own first). */
  price: number;
  active: boolean;
  weighable: boolean;
  exempt: boolean;
  additionalTax: AdditionalTaxCode | null;
  category: string;
}

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
  /** The promotions the line took (`promoteLines`); none on a line discounted by hand. */
  promotions?: LinePromotion[];
  exempt: boolean;
  /** The product's SII additional tax, inside its price (a factura breaks it out). */
  additionalTax: AdditionalTaxCode | null;
  priceOverride: boolean;
  /** round(unitPrice × quantity) − discount, IVA included. */
  amount: number;
}

/**
 * Prices the cart with the prices in force (`products`: the server's, or the hub's replica). A
 * line whose shown price differs from the current one, without an explicit override, makes the
 * whole sale fail with PRICE_CHANGED and the current prices so the cashier can confirm. Each
 * line's discount is computed here (`lineDiscount`, the POS's own arithmetic); whether the
 * discounts and lower prices are within the seller's limit is `discountsOverLimit`'s to say.
 * Refusals are `DteError`s with the shared error codes.
 */
export function priceLines(products: readonly PricingProduct[], lines: readonly SaleLine[]): PricedLine[] {
  const byId = new Map(products.map((r) => [r.id, r]));
  const changes: { productId: string; shown: number; current: number }[] = [];
  const priced = lines.map((line, i): PricedLine => {
    const product = byId.get(line.productId);
    if (!product?.active) throw new DteError('NOT_FOUND', `No se encontró el producto de la línea ${i + 1}.`);
    if (!product.weighable && toMilli(line.quantity) % 1000n !== 0n) {
      throw new DteError('VALIDATION', `${product.name} se vende por unidad: la cantidad debe ser entera.`);
    }
    if (!line.priceOverride && line.unitPrice !== product.price) {
      changes.push({ productId: product.id, shown: line.unitPrice, current: product.price });
    }
    const gross = lineGross(line.unitPrice, line.quantity);
    const { discount, discountPercent } = lineDiscount(gross, line.discount);
    if (discount > gross)
      throw new DteError('VALIDATION', `El descuento supera el valor de ${product.name}.`);
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
  if (changes.length > 0) throw new DteError('PRICE_CHANGED', undefined, { changes });
  return priced;
}
