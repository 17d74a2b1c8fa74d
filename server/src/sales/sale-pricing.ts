import { priceLines as corePriceLines, type PricedLine, type SaleLine } from '@erp/sii-core';
import type { ProductPriceRow } from './sale.queries.ts';
import { saleRule } from './sale-rules.ts';

/** The pricing itself is `@erp/sii-core`'s (the store's hub prices offline sales with it). */
export type { GivenDiscount, PricedLine } from '@erp/sii-core';

/**
 * Prices the cart with the server's current prices (`rows`, from `cartProductsQuery`): a shown
 * price that differs without an override is PRICE_CHANGED with the current prices.
 */
export function priceLines(rows: readonly ProductPriceRow[], lines: readonly SaleLine[]): PricedLine[] {
  return saleRule(() => corePriceLines(rows, lines));
}
