/**
 * The cash domain's front door: its handlers, and the session tally the sale and the return
 * write in their own transaction, the drawer view the wall shows (and its announcement), and the
 * store node's offline till operations.
 */

export { registerCashHandlers } from './cash.handlers.ts';
export { sessionTally, toSessionView } from './cash.queries.ts';
export { drawerOwner, dropSuggested, recordInSession } from './cash.service.ts';
export { announceCash } from './cash-announce.ts';
export { registerCashHistoryHandlers } from './cash-history.handlers.ts';
export { applyOfflineTillOp, type NodeOrigin, storeTillSessions } from './offline-till.ts';
