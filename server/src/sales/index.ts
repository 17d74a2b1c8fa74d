/** The sales domain's front door: what the composition root uses. */
export { registerParkedTicketHandlers } from './parked-tickets.handlers.ts';
export { registerSalesHandlers } from './sales.handlers.ts';
export {
  commitSale,
  type OfflineIssue,
  type SaleCommitInput,
  type SaleResultData,
  type Seller,
} from './sales.service.ts';
export { registerSalesHistoryHandlers } from './sales-history.handlers.ts';
export { SELLING_ROLES } from './seller.ts';
export { type StoreContext, storeContext } from './store-context.ts';
