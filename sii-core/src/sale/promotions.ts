import { applyPromotions, type ChileMoment, formatClp, type Promotion } from '@erp/shared';
import { DteError } from '../errors.ts';
import type { PricedLine, PricingProduct, SaleLine } from './pricing.ts';

/**
 * Promotions at the sale's commit, with the engine the POS previews with (`applyPromotions`):
 * every whole-unit line at its list price and without a discount of its own takes part; what
 * each line takes goes into its discount (a DescuentoMonto on the document) and is named on the
 * receipt. A till that showed other promotion pesos on a line (a promotion ended, or began,
 * while the ticket was open) gets PRICE_CHANGED, as for a price, with what they come to now.
 */
export function promoteLines(
  lines: readonly PricedLine[],
  products: readonly PricingProduct[],
  sent: readonly SaleLine[],
  promotions: readonly Promotion[],
  at: { storeId: string; moment: ChileMoment },
): PricedLine[] {
  const byId = new Map(products.map((p) => [p.id, p]));
  const taken = applyPromotions(
    lines.map((line) => {
      const product = byId.get(line.productId)!;
      return {
        productId: line.productId,
        category: product.category,
        quantity: line.quantity,
        unitPrice: line.unitPrice,
        eligible: !line.given && !line.priceOverride && !product.weighable,
      };
    }),
    promotions,
    at.storeId,
    at.moment,
  );
  const changes = lines.flatMap((line, i) => {
    const shown = sent[i]!.promotionDiscount;
    const current = taken[i]!.discount;
    return shown !== undefined && shown !== current ? [{ productId: line.productId, shown, current }] : [];
  });
  if (changes.length > 0) {
    throw new DteError(
      'PRICE_CHANGED',
      'Cambiaron las promociones de algunos productos (una terminó o comenzó). Revise el total con el cliente.',
      { changes: [], promotions: changes },
    );
  }
  return lines.map((line, i) => {
    const { discount, promotions: applied } = taken[i]!;
    if (discount === 0) return line;
    return { ...line, discount, amount: line.amount - discount, promotions: applied };
  });
}

/** Pesos a line's promotions take off it (0 for a line without any). */
export function promotionPesos(line: PricedLine): number {
  return line.promotions?.reduce((sum, p) => sum + p.amount, 0) ?? 0;
}

/** A line's promotions as the receipt and the sale's result name them. */
export function promotionDiscounts(
  lines: readonly PricedLine[],
): { lineNo: number; label: string; amount: number }[] {
  return lines.flatMap((line) =>
    (line.promotions ?? []).map((p) => ({ lineNo: line.lineNo, label: `Promo ${p.name}`, amount: p.amount })),
  );
}

/**
 * What a promoted line's document says of its promotions (DscItem, printed on the PDF under the
 * line): each with its pesos, whose sum is the line's DescuentoMonto.
 */
export function promotionDescription(line: PricedLine): string | undefined {
  if (!line.promotions?.length) return undefined;
  return line.promotions.map((p) => `Promo ${p.name}: -${formatClp(p.amount)}`).join('; ');
}
