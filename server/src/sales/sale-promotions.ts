import type { ChileMoment, Promotion } from '@erp/shared';
import { promoteLines as corePromoteLines, type PricedLine, type SaleLine } from '@erp/sii-core';
import type { ProductPriceRow } from './sale.queries.ts';
import { saleRule } from './sale-rules.ts';

export { promotionDescription, promotionDiscounts, promotionPesos } from '@erp/sii-core';

/** Promotions at the sale's commit (`@erp/sii-core`, the engine the POS previews with). */
export function promoteLines(
  lines: readonly PricedLine[],
  products: readonly ProductPriceRow[],
  sent: readonly SaleLine[],
  promotions: readonly Promotion[],
  at: { storeId: string; moment: ChileMoment },
): PricedLine[] {
  return saleRule(() => corePromoteLines(lines, products, sent, promotions, at));
}
