/**
 * Inventory's front door: what other domains, the app, scripts and tests use from it. Only
 * re-exports, so importing it runs nothing.
 */
export { COST_DECIMALS, Dec } from './decimal.ts';
export { registerInventoryHandlers } from './inventory.handlers.ts';
export type { StockActor } from './inventory.service.ts';
export { insertMinimums, warehouseIds } from './stock.queries.ts';
export {
  type AppliedMovement,
  applyDocumentMovements,
  applyMovements,
  LockedStock,
  type MovementActor,
  type MovementInput,
  planMovements,
} from './stock-ledger.ts';
export { registerValuationHandlers } from './valuation.handlers.ts';
