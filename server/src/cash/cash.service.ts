import { randomUUID } from 'node:crypto';
import type { CashCloseReport, CashSessionView, DenominationCount } from '@erp/shared';
import { CLP_DENOMINATIONS } from '@erp/shared';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { AppError } from '../platform/app-error.ts';
import type { SqlFragment } from '../platform/sql-fragment.ts';
import { tenantSettings } from '../tenancy/index.ts';

type SessionView = z.infer<typeof CashSessionView>;
type CloseReport = z.infer<typeof CashCloseReport>;

/** Who is acting: the socket's user, role and store. */
export interface Actor {
  userId: string;
  role: string;
  storeId: string | null;
}

interface SessionRow {
  id: string;
  store_id: string;
  terminal_id: string;
  cashier_id: string;
  status: SessionView['status'];
  opened_at: Date;
  opening_float: string;
  cash_sales: string;
  card_sales: string;
  cash_refunds: string;
  card_refunds: string;
  cash_in: string;
  cash_out: string;
  ticket_count: number;
  return_count: number;
  counted_cash: string | null;
  counted_card: string | null;
  closed_at: Date | null;
  approved_by: string | null;
  z_number: number | null;
}

const SUPERVISORS = ['owner', 'admin', 'supervisor'];

export function toSessionView(row: SessionRow): SessionView {
  const n = (v: string) => Number(v);
  const totals = {
    openingFloat: n(row.opening_float),
    cashSales: n(row.cash_sales),
    cardSales: n(row.card_sales),
    cashRefunds: n(row.cash_refunds),
    cardRefunds: n(row.card_refunds),
    cashIn: n(row.cash_in),
    cashOut: n(row.cash_out),
    ticketCount: row.ticket_count,
    returnCount: row.return_count,
  };
  return {
    id: row.id,
    storeId: row.store_id,
    terminalId: row.terminal_id,
    cashierId: row.cashier_id,
    status: row.status,
    openedAt: new Date(row.opened_at).toISOString(),
    totals: {
      ...totals,
      expectedCash:
        totals.openingFloat + totals.cashSales - totals.cashRefunds + totals.cashIn - totals.cashOut,
      expectedCard: totals.cardSales - totals.cardRefunds,
    },
  };
}

/** An open drawer holding more cash than the tenant's threshold: time for a cash drop (retiro). */
export function dropSuggested(session: Pick<SessionView, 'status' | 'totals'>, threshold: number): boolean {
  return session.status === 'open' && session.totals.expectedCash > threshold;
}

/** Sum of a blind count by denomination, in pesos. */
export function countedCash(denominations: z.infer<typeof DenominationCount>): number {
  return CLP_DENOMINATIONS.reduce(
    (sum, d) => sum + d * ((denominations as Record<string, number>)[String(d)] ?? 0),
    0,
  );
}

async function lockSession(em: EntityManager, sessionId: string): Promise<SessionRow> {
  const [row] = await em.execute<SessionRow[]>('select * from cash_session where id = ? for update', [
    sessionId,
  ]);
  if (!row) throw AppError.notFound('la sesión de caja');
  return row;
}

/** The cashier of a session, or a supervisor, may act on it. */
function assertMayOperate(actor: Actor, row: SessionRow) {
  if (row.cashier_id !== actor.userId && !SUPERVISORS.includes(actor.role)) {
    throw AppError.forbidden('Solo el cajero de esta caja o un supervisor pueden operarla.');
  }
  if (actor.storeId && actor.storeId !== row.store_id)
    throw AppError.forbidden('La caja es de otra sucursal.');
}

export async function openSession(em: EntityManager, actor: Actor, terminalId: string, openingFloat: number) {
  const [terminal] = await em.execute<{ store_id: string }[]>('select store_id from terminal where id = ?', [
    terminalId,
  ]);
  if (!terminal) throw AppError.notFound('el terminal');
  if (actor.storeId && terminal.store_id !== actor.storeId)
    throw AppError.forbidden('El terminal es de otra sucursal.');
  const rows = await em.execute<SessionRow[]>(
    `insert into cash_session (id, tenant_id, store_id, terminal_id, cashier_id, opening_float)
     values (?, current_tenant_id(), ?, ?, ?, ?)
     on conflict do nothing returning *`,
    [randomUUID(), terminal.store_id, terminalId, actor.userId, openingFloat],
  );
  if (rows.length === 0) throw new AppError('CONFLICT', 'Ya hay una caja abierta en este terminal.');
  return toSessionView(rows[0]!);
}

export async function currentSession(em: EntityManager, terminalId: string) {
  const [row] = await em.execute<SessionRow[]>(
    `select * from cash_session where terminal_id = ? and status <> 'closed'`,
    [terminalId],
  );
  return row ? toSessionView(row) : null;
}

export async function sessionReport(em: EntityManager, actor: Actor, sessionId: string) {
  const [row] = await em.execute<SessionRow[]>('select * from cash_session where id = ?', [sessionId]);
  if (!row) throw AppError.notFound('la sesión de caja');
  assertMayOperate(actor, row);
  return toSessionView(row);
}

export async function moveCash(
  em: EntityManager,
  actor: Actor,
  input: { sessionId: string; kind: 'in' | 'out'; amount: number; reason: string },
) {
  const row = await lockSession(em, input.sessionId);
  assertMayOperate(actor, row);
  if (row.status !== 'open') throw new AppError('CASH_SESSION_REQUIRED', 'La caja no está abierta.');
  if (input.kind === 'out' && input.amount > toSessionView(row).totals.expectedCash) {
    throw AppError.validation(undefined, 'No hay suficiente efectivo en la caja para ese retiro.');
  }
  await em.execute(
    `insert into cash_movement (id, tenant_id, session_id, kind, amount, reason, user_id)
     values (?, current_tenant_id(), ?, ?, ?, ?, ?)`,
    [randomUUID(), input.sessionId, input.kind, input.amount, input.reason, actor.userId],
  );
  const column = input.kind === 'in' ? 'cash_in' : 'cash_out';
  const [updated] = await em.execute<SessionRow[]>(
    `update cash_session set ${column} = ${column} + ? where id = ? returning *`,
    [input.amount, input.sessionId],
  );
  return toSessionView(updated!);
}

/**
 * Adds a sale (or a refund, with `refund: true`) to the open session of a terminal in one
 * statement, so the X report and the close never aggregate tickets. Throws when the session is
 * not open (or, given `terminalId`, is another terminal's).
 */
export async function recordInSession(em: EntityManager, input: SessionTallyInput): Promise<SessionView> {
  const { sql, params } = sessionTally(input);
  const [row] = await em.execute<SessionRow[]>(sql, params);
  if (!row) throw new AppError('CASH_SESSION_REQUIRED');
  return toSessionView(row);
}

export interface SessionTallyInput {
  sessionId: string;
  terminalId?: string;
  cash: number;
  card: number;
  refund?: boolean;
}

/**
 * The update behind `recordInSession`, for a caller that sends it within its own statement:
 * it returns the session's row, or none when the session is not open on this terminal (the
 * caller must then fail with CASH_SESSION_REQUIRED).
 */
export function sessionTally(input: SessionTallyInput): SqlFragment {
  return {
    sql: input.refund
      ? `update cash_session set cash_refunds = cash_refunds + ?, card_refunds = card_refunds + ?, return_count = return_count + 1
          where id = ? and status = 'open' and terminal_id = coalesce(?, terminal_id) returning *`
      : `update cash_session set cash_sales = cash_sales + ?, card_sales = card_sales + ?, ticket_count = ticket_count + 1
          where id = ? and status = 'open' and terminal_id = coalesce(?, terminal_id) returning *`,
    params: [input.cash, input.card, input.sessionId, input.terminalId ?? null],
  };
}

const tolerance = async (em: EntityManager) => (await tenantSettings(em)).cashCloseTolerance;

function closeReport(row: SessionRow, tol: number): CloseReport {
  const session = toSessionView(row);
  const cash = Number(row.counted_cash ?? 0);
  const card = Number(row.counted_card ?? 0);
  return {
    session,
    zNumber: row.z_number,
    countedCash: cash,
    countedCard: card,
    cashDifference: cash - session.totals.expectedCash,
    cardDifference: card - session.totals.expectedCard,
    tolerance: tol,
    approvedBy: row.approved_by,
    closedAt: row.closed_at ? new Date(row.closed_at).toISOString() : null,
  };
}

async function finishClose(em: EntityManager, sessionId: string, actor: Actor, approvedBy: string | null) {
  const [row] = await em.execute<SessionRow[]>(
    `update cash_session s set status = 'closed', closed_at = now(), closed_by = coalesce(s.closed_by, ?), approved_by = ?,
            z_number = (select coalesce(max(z_number), 0) + 1 from cash_session z where z.terminal_id = s.terminal_id)
      where id = ? returning *`,
    [actor.userId, approvedBy, sessionId],
  );
  return row!;
}

/**
 * Closes a session with the cashier's blind count. Within the tenant's tolerance it closes at
 * once with the next Z number; above it, the session waits for a supervisor's approval.
 */
export async function closeSession(
  em: EntityManager,
  actor: Actor,
  input: { sessionId: string; denominations: z.infer<typeof DenominationCount>; countedCard: number },
): Promise<CloseReport> {
  const row = await lockSession(em, input.sessionId);
  assertMayOperate(actor, row);
  if (row.status !== 'open') throw new AppError('CONFLICT', 'La caja ya fue cerrada o espera aprobación.');
  const tol = await tolerance(em);
  const [counted] = await em.execute<SessionRow[]>(
    `update cash_session set counted_denominations = ?, counted_cash = ?, counted_card = ?, closed_by = ?
      where id = ? returning *`,
    [
      JSON.stringify(input.denominations),
      countedCash(input.denominations),
      input.countedCard,
      actor.userId,
      input.sessionId,
    ],
  );
  const report = closeReport(counted!, tol);
  const withinTolerance = Math.abs(report.cashDifference) <= tol && Math.abs(report.cardDifference) <= tol;
  if (withinTolerance || SUPERVISORS.includes(actor.role)) {
    return closeReport(
      await finishClose(em, input.sessionId, actor, SUPERVISORS.includes(actor.role) ? actor.userId : null),
      tol,
    );
  }
  const [pending] = await em.execute<SessionRow[]>(
    `update cash_session set status = 'pending_approval' where id = ? returning *`,
    [input.sessionId],
  );
  return closeReport(pending!, tol);
}

/** A supervisor approves a close whose difference exceeded the tolerance. */
export async function approveClose(em: EntityManager, actor: Actor, sessionId: string): Promise<CloseReport> {
  if (!SUPERVISORS.includes(actor.role)) throw AppError.forbidden();
  const row = await lockSession(em, sessionId);
  if (actor.storeId && actor.storeId !== row.store_id)
    throw AppError.forbidden('La caja es de otra sucursal.');
  if (row.status !== 'pending_approval') throw new AppError('CONFLICT', 'La caja no espera aprobación.');
  return closeReport(await finishClose(em, sessionId, actor, actor.userId), await tolerance(em));
}
