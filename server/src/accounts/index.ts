/**
 * Customer accounts (fiado): their handlers, and what a fiado sale needs in its own transaction
 * (the account locked with its balance, the debit written with the sale) and a return of one
 * (the credit written with the nota de crédito).
 */
export { registerAccountHandlers } from './accounts.handlers.ts';
export { fiadoCredit, fiadoDebit, fiadoOfSale, type LockedAccount, lockAccount } from './accounts.queries.ts';
