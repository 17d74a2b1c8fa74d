import type { MovementKind } from '@erp/shared';
import { COST_DECIMALS, Dec } from './decimal.ts';

export interface StockState {
  quantity: Dec;
  averageCost: Dec;
}

/** Movements that bring goods in at their own cost and so re-weigh the average. */
const VALUED_AT_OWN_COST: ReadonlySet<MovementKind> = new Set(['receipt', 'transfer_in']);

export const isValuedAtOwnCost = (kind: MovementKind) => VALUED_AT_OWN_COST.has(kind);

/**
 * Weighted average cost (PPP) after one movement.
 *
 * - Receipts and transfers in: new average = (old qty × old average + qty × unit cost) /
 *   (old qty + qty), rounded half up to 6 decimals. When the old quantity is zero or negative
 *   there is nothing on hand to weigh against (units sold below zero already left at the old
 *   average), so the new average is the unit cost itself.
 * - Everything else (sales, returns, adjustments, transfers out, count adjustments, mermas) moves at
 *   the current average and leaves it unchanged, also when stock reaches zero: the last
 *   average stays as the cost of future returns or sales below zero.
 *
 * With non-negative unit costs the average can never become negative.
 *
 * @example 8 units at $10, then a receipt of 4 at $16 → average $12
 */
export function nextStockState(
  state: StockState,
  kind: MovementKind,
  quantity: Dec,
  ownUnitCost: Dec | null,
): { state: StockState; unitCost: Dec } {
  const resultingQuantity = state.quantity.plus(quantity);
  if (!isValuedAtOwnCost(kind)) {
    return {
      state: { quantity: resultingQuantity, averageCost: state.averageCost },
      unitCost: state.averageCost,
    };
  }
  if (ownUnitCost === null) throw new Error(`${kind} needs a unit cost`);
  const averageCost = state.quantity.lte(0)
    ? ownUnitCost
    : state.quantity
        .times(state.averageCost)
        .plus(quantity.times(ownUnitCost))
        .div(resultingQuantity)
        .toDecimalPlaces(COST_DECIMALS, Dec.ROUND_HALF_UP);
  return { state: { quantity: resultingQuantity, averageCost }, unitCost: ownUnitCost };
}
