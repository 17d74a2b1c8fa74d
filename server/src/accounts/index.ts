/**
 * Customer accounts (fiado): their handlers, and what a fiado sale needs in its own transaction
 * (the account locked with its balance, the debit written with the sale).
 */
export { registerAccountHandlers } from './accounts.handlers.ts';
export { fiadoDebit, type LockedAccount, lockAccount } from './accounts.queries.ts';
