import { applyPromotions, chileMoment, type LinePromotions, type Promotion } from '@erp/shared/promotions';

/** A ticket line as promotions see it at the till. */
export interface PromotableLine {
  productId: string;
  quantity: string;
  unitPrice: number;
  weighable: boolean;
  /** The product's category (from the catalog); '' when unknown. */
  category: string;
  /** A line with a discount of its own takes no promotion. */
  discount?: unknown;
}

/**
 * Each line's promotions at `at`, with the engine the server charges with (`applyPromotions`) and
 * the same eligibility: whole units at the catalog price, no discount given by hand, not weighed.
 */
export function linePromotions(
  lines: readonly PromotableLine[],
  promotions: readonly Promotion[],
  storeId: string,
  at: Date,
): LinePromotions[] {
  return applyPromotions(
    lines.map((line) => ({
      productId: line.productId,
      category: line.category,
      quantity: line.quantity,
      unitPrice: line.unitPrice,
      eligible: !line.discount && !line.weighable,
    })),
    promotions,
    storeId,
    chileMoment(at),
  );
}
