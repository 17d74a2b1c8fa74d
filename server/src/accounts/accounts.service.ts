import type {
  AccountPaymentDocument,
  CustomerAccountInput,
  CustomerAccountStatement,
  CustomerAccountView,
  CustomerPaymentInput,
  CustomerPaymentResult,
  Role,
} from '@erp/shared';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { recordAudit } from '../audit/index.ts';
import { drawerOwner, sessionTally } from '../cash/index.ts';
import { AppError } from '../platform/app-error.ts';
import { isoTime, num } from '../platform/rows.ts';
import type { PendingEvents } from '../realtime/pending-events.ts';
import {
  accountBalance,
  accountMovements,
  accountViews,
  insertPayment,
  type PaymentRow,
  queueVoucher,
  saveAccount,
  storedPayment,
  voucherHeading,
} from './accounts.queries.ts';

type AccountView = z.infer<typeof CustomerAccountView>;
type PaymentResult = z.infer<typeof CustomerPaymentResult>;

/** Who acts at a till or in the back office. */
export interface AccountActor {
  userId: string;
  role: Role;
  storeId: string | null;
}

const ACCOUNT_MISSING = 'La cuenta de cliente no existe.';

export async function findAccount(em: EntityManager, id: string): Promise<AccountView> {
  const [account] = await accountViews(em, { id });
  if (!account) throw new AppError('NOT_FOUND', ACCOUNT_MISSING);
  return account;
}

/** Creates or edits an account (audited); a RUT another account has is CONFLICT. */
export async function upsertAccount(
  em: EntityManager,
  actor: AccountActor,
  input: z.output<typeof CustomerAccountInput>,
  events: PendingEvents,
): Promise<AccountView> {
  const id = input.id ?? crypto.randomUUID();
  try {
    if (!(await saveAccount(em, id, input))) throw new AppError('NOT_FOUND', ACCOUNT_MISSING);
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) {
      throw new AppError('CONFLICT', 'Ya hay una cuenta de cliente con ese RUT.');
    }
    throw error;
  }
  const { id: _, ...fields } = input;
  await recordAudit(
    em,
    actor,
    null,
    [{ kind: 'account_change', details: { accountId: id, created: !input.id, ...fields } }],
    events,
  );
  return findAccount(em, id);
}

export async function accountStatement(
  em: EntityManager,
  accountId: string,
): Promise<z.infer<typeof CustomerAccountStatement>> {
  const account = await findAccount(em, accountId);
  return { account, movements: await accountMovements(em, accountId) };
}

const resultOf = (row: PaymentRow, balance: number): PaymentResult => ({
  paymentId: row.id,
  accountId: row.account_id,
  method: row.method,
  amount: num(row.amount),
  balance,
  createdAt: isoTime(row.created_at),
});

/**
 * An abono at the till, exactly once per payment id: credited to the account, counted in the
 * till's open cash session (cash abonos are cash in the drawer, card ones go with the card
 * totals), audited, and its voucher queued for the store's printer. A repeat answers the first
 * abono as it was; the same id with other data is IDEMPOTENCY_MISMATCH.
 */
export async function recordPayment(
  em: EntityManager,
  actor: AccountActor & { storeId: string },
  input: z.output<typeof CustomerPaymentInput>,
  events: PendingEvents,
): Promise<PaymentResult> {
  const account = await findAccount(em, input.accountId);
  const row = await insertPayment(em, {
    id: input.paymentId,
    accountId: input.accountId,
    method: input.method,
    amount: input.amount,
    authorizationCode: input.authorizationCode ?? null,
    storeId: actor.storeId,
    terminalId: input.terminalId,
    cashSessionId: input.cashSessionId,
    userId: actor.userId,
  });
  if (!row) return repeatedPayment(em, input);

  const tally = sessionTally({
    sessionId: input.cashSessionId,
    terminalId: input.terminalId,
    ...drawerOwner(actor),
    cash: input.method === 'cash' ? input.amount : 0,
    card: input.method === 'card' ? input.amount : 0,
    abono: true,
  });
  const [session] = await em.execute(tally.sql, tally.params);
  if (!session) throw new AppError('CASH_SESSION_REQUIRED');

  const result = resultOf(row, await accountBalance(em, input.accountId));
  const heading = await voucherHeading(em, { ...actor, terminalId: input.terminalId });
  const document: z.input<typeof AccountPaymentDocument> = {
    kind: 'account_payment',
    issuedAt: result.createdAt,
    issuer: {
      rut: heading.rut,
      businessName: heading.razon_social,
      address: heading.address,
      comuna: heading.comuna,
    },
    customer: { name: account.name, ...(account.rut ? { rut: account.rut } : {}) },
    method: input.method === 'cash' ? 'cash' : 'card',
    amount: input.amount,
    balance: result.balance,
    terminal: heading.terminal,
    cashier: heading.cashier,
  };
  await queueVoucher(em, {
    jobId: input.paymentId,
    storeId: actor.storeId,
    terminalId: input.terminalId,
    document,
  });
  await recordAudit(
    em,
    actor,
    input.terminalId,
    [
      {
        kind: 'account_payment',
        details: {
          paymentId: input.paymentId,
          accountId: account.id,
          name: account.name,
          method: input.method,
          amount: input.amount,
          balance: result.balance,
        },
      },
    ],
    events,
  );
  return result;
}

async function repeatedPayment(
  em: EntityManager,
  input: z.output<typeof CustomerPaymentInput>,
): Promise<PaymentResult> {
  const stored = await storedPayment(em, input.paymentId);
  const same =
    stored &&
    stored.account_id === input.accountId &&
    stored.method === input.method &&
    num(stored.amount) === input.amount &&
    stored.cash_session_id === input.cashSessionId &&
    stored.terminal_id === input.terminalId &&
    stored.authorization_code === (input.authorizationCode ?? null);
  if (!same) throw new AppError('IDEMPOTENCY_MISMATCH');
  return resultOf(stored, num(stored.balance));
}
