/** The sales domain's front door: what the composition root uses. */
export { registerParkedTicketHandlers } from './parked-tickets.handlers.ts';
export { registerSalesHandlers } from './sales.handlers.ts';
export { registerSalesHistoryHandlers } from './sales-history.handlers.ts';
