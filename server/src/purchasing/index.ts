/**
 * Purchasing's front door: what other domains, the app, scripts and tests use from it. Only
 * re-exports, so importing it runs nothing.
 */

export { registerPurchasingHandlers } from './purchasing.handlers.ts';
export { createReceipt, saveSupplier } from './purchasing.service.ts';
export { registerPurchasingHistoryHandlers } from './purchasing-history.handlers.ts';
