import { randomUUID } from 'node:crypto';
import {
  type CashSessionDetail,
  type CashSessionSummary,
  type CashSessionView,
  sessionTotals,
} from '@erp/shared';
import type { z } from 'zod';
import type { ListQuery } from '../platform/list-page.ts';
import type { SqlFragment } from '../platform/sql-fragment.ts';
import type { SqlExecutor } from '../platform/sql-session.ts';

/**
 * Cash sessions (one drawer's shift on a terminal) and their movements: the rows, the statements
 * and the views the POS, the wall and the back office show. Every function runs in the caller's
 * tenant transaction.
 */

type SessionView = z.infer<typeof CashSessionView>;
type Summary = z.infer<typeof CashSessionSummary>;

export interface SessionRow {
  id: string;
  store_id: string;
  terminal_id: string;
  cashier_id: string;
  status: SessionView['status'];
  opened_at: Date;
  opening_float: string;
  /** The store node's id of a close counted at the hub while offline (its idempotency key). */
  offline_close_id: string | null;
  cash_sales: string;
  card_sales: string;
  cash_refunds: string;
  card_refunds: string;
  cash_in: string;
  cash_out: string;
  ticket_count: number;
  return_count: number;
  cash_abonos: string;
  card_abonos: string;
  abono_count: number;
  fiado_sales: string;
  counted_cash: string | null;
  counted_card: string | null;
  closed_at: Date | null;
  approved_by: string | null;
  z_number: number | null;
}

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
    cashAbonos: n(row.cash_abonos),
    cardAbonos: n(row.card_abonos),
    abonoCount: row.abono_count,
    fiadoSales: n(row.fiado_sales),
  };
  return {
    id: row.id,
    storeId: row.store_id,
    terminalId: row.terminal_id,
    cashierId: row.cashier_id,
    status: row.status,
    openedAt: new Date(row.opened_at).toISOString(),
    totals: sessionTotals(totals),
  };
}

/** The session, locked until commit. */
export async function lockSessionRow(em: SqlExecutor, sessionId: string): Promise<SessionRow | undefined> {
  const [row] = await em.execute<SessionRow[]>('select * from cash_session where id = ? for update', [
    sessionId,
  ]);
  return row;
}

export async function sessionRow(em: SqlExecutor, sessionId: string): Promise<SessionRow | undefined> {
  const [row] = await em.execute<SessionRow[]>('select * from cash_session where id = ?', [sessionId]);
  return row;
}

/** The terminal's session that is not closed yet (open or waiting for approval). */
export async function unclosedSessionOf(
  em: SqlExecutor,
  terminalId: string,
): Promise<SessionRow | undefined> {
  const [row] = await em.execute<SessionRow[]>(
    `select * from cash_session where terminal_id = ? and status <> 'closed'`,
    [terminalId],
  );
  return row;
}

/** The store's sessions not closed yet (what its hub keeps to answer the tills offline). */
export async function unclosedSessionsOfStore(em: SqlExecutor, storeId: string): Promise<SessionRow[]> {
  return em.execute<SessionRow[]>(`select * from cash_session where store_id = ? and status <> 'closed'`, [
    storeId,
  ]);
}

/**
 * Opens a session; none when the terminal already has one that is not closed (or, given an id,
 * the session exists). A session opened at the store's hub offline comes with its id and time.
 */
export async function insertSession(
  em: SqlExecutor,
  session: {
    storeId: string;
    terminalId: string;
    cashierId: string;
    openingFloat: number;
    id?: string;
    openedAt?: Date;
  },
): Promise<SessionRow | undefined> {
  const rows = await em.execute<SessionRow[]>(
    `insert into cash_session (id, tenant_id, store_id, terminal_id, cashier_id, opening_float, opened_at)
     values (?, current_tenant_id(), ?, ?, ?, ?, coalesce(?::timestamptz, now()))
     on conflict do nothing returning *`,
    [
      session.id ?? randomUUID(),
      session.storeId,
      session.terminalId,
      session.cashierId,
      session.openingFloat,
      session.openedAt?.toISOString() ?? null,
    ],
  );
  return rows[0];
}

/** Records a cash in or out and adds it to the session's totals (given id and time: the store node's). */
export async function insertMovement(
  em: SqlExecutor,
  movement: {
    sessionId: string;
    kind: 'in' | 'out';
    amount: number;
    reason: string;
    userId: string;
    id?: string;
    at?: Date;
  },
): Promise<SessionRow> {
  await em.execute(
    `insert into cash_movement (id, tenant_id, session_id, kind, amount, reason, user_id, created_at)
     values (?, current_tenant_id(), ?, ?, ?, ?, ?, coalesce(?::timestamptz, now()))`,
    [
      movement.id ?? randomUUID(),
      movement.sessionId,
      movement.kind,
      movement.amount,
      movement.reason,
      movement.userId,
      movement.at?.toISOString() ?? null,
    ],
  );
  const column = movement.kind === 'in' ? 'cash_in' : 'cash_out';
  const [updated] = await em.execute<SessionRow[]>(
    `update cash_session set ${column} = ${column} + ? where id = ? returning *`,
    [movement.amount, movement.sessionId],
  );
  return updated!;
}

export interface SessionTallyInput {
  sessionId: string;
  terminalId?: string;
  /** The store the seller works in: another store's drawer is never touched. */
  storeId: string;
  /** The seller, when only their own session will do; null for a supervisor acting for the store's cashiers. */
  cashierId: string | null;
  cash: number;
  card: number;
  /** A sale's part on a customer account (fiado): tallied, but no money in the drawer. */
  fiado?: number;
  /** A return's refund (taken out), an abono to a customer account (taken in), or else a sale. */
  refund?: boolean;
  abono?: boolean;
}

/**
 * The update behind `recordInSession`, for a caller that sends it within its own statement:
 * it returns the session's row, or none when the session is not open on this terminal of the
 * seller's store, or is another cashier's and the seller no supervisor (the caller must then fail
 * with CASH_SESSION_REQUIRED).
 */
export function sessionTally(input: SessionTallyInput): SqlFragment {
  return {
    sql: `update cash_session set ${
      input.refund
        ? 'cash_refunds = cash_refunds + ?, card_refunds = card_refunds + ?, return_count = return_count + 1'
        : input.abono
          ? 'cash_abonos = cash_abonos + ?, card_abonos = card_abonos + ?, abono_count = abono_count + 1'
          : 'cash_sales = cash_sales + ?, card_sales = card_sales + ?, ticket_count = ticket_count + 1, fiado_sales = fiado_sales + ?'
    }
          where id = ? and status = 'open' and terminal_id = coalesce(?, terminal_id) and store_id = ?
            and cashier_id = coalesce(?, cashier_id) returning *`,
    params: [
      input.cash,
      input.card,
      ...(input.refund || input.abono ? [] : [input.fiado ?? 0]),
      input.sessionId,
      input.terminalId ?? null,
      input.storeId,
      input.cashierId,
    ],
  };
}

/** Stores the cashier's blind count on the session (with the store node's close id when counted offline). */
export async function writeCount(
  em: SqlExecutor,
  count: {
    sessionId: string;
    denominations: unknown;
    cash: number;
    card: number;
    closedBy: string;
    offlineCloseId: string | null;
  },
): Promise<SessionRow> {
  const [counted] = await em.execute<SessionRow[]>(
    `update cash_session set counted_denominations = ?, counted_cash = ?, counted_card = ?, closed_by = ?,
            offline_close_id = ?
      where id = ? returning *`,
    [
      JSON.stringify(count.denominations),
      count.cash,
      count.card,
      count.closedBy,
      count.offlineCloseId,
      count.sessionId,
    ],
  );
  return counted!;
}

/** Closes the session with the terminal's next Z number (at the given time: a close counted offline). */
export async function writeClose(
  em: SqlExecutor,
  close: { sessionId: string; closedBy: string; approvedBy: string | null; closedAt?: Date },
): Promise<SessionRow> {
  const [row] = await em.execute<SessionRow[]>(
    `update cash_session s set status = 'closed', closed_at = coalesce(?::timestamptz, now()),
            closed_by = coalesce(s.closed_by, ?), approved_by = ?,
            z_number = (select coalesce(max(z_number), 0) + 1 from cash_session z where z.terminal_id = s.terminal_id)
      where id = ? returning *`,
    [close.closedAt?.toISOString() ?? null, close.closedBy, close.approvedBy, close.sessionId],
  );
  return row!;
}

export async function markPendingApproval(em: SqlExecutor, sessionId: string): Promise<SessionRow> {
  const [pending] = await em.execute<SessionRow[]>(
    `update cash_session set status = 'pending_approval' where id = ? returning *`,
    [sessionId],
  );
  return pending!;
}

/** A session as the back office lists it: with its store, terminal and people's names. */
export interface SessionHistoryRow extends SessionRow {
  store_name: string;
  terminal_name: string;
  cashier_name: string | null;
  closed_by_name: string | null;
  approved_by_name: string | null;
  counted_denominations: Record<string, number> | null;
}

const SESSION_SELECT = `select cs.*, st.name as store_name, t.name as terminal_name, u.name as cashier_name,
    cb.name as closed_by_name, ab.name as approved_by_name
  from cash_session cs join store st on st.id = cs.store_id join terminal t on t.id = cs.terminal_id
  left join app_user u on u.id = cs.cashier_id left join app_user cb on cb.id = cs.closed_by
  left join app_user ab on ab.id = cs.approved_by`;

/** The back office's list of sessions, newest first. */
export const CASH_SESSION_LIST: ListQuery = {
  from: 'cash_session cs',
  select: SESSION_SELECT,
  orderBy: 'cs.opened_at desc, cs.id desc',
};

export async function sessionHistoryRow(
  em: SqlExecutor,
  sessionId: string,
): Promise<SessionHistoryRow | undefined> {
  const [row] = await em.execute<SessionHistoryRow[]>(`${SESSION_SELECT} where cs.id = ?`, [sessionId]);
  return row;
}

export function toSessionSummary(row: SessionHistoryRow): Summary {
  const session = toSessionView(row);
  const countedCash = row.counted_cash === null ? null : Number(row.counted_cash);
  const countedCard = row.counted_card === null ? null : Number(row.counted_card);
  return {
    ...session,
    storeName: row.store_name,
    terminalName: row.terminal_name,
    cashierName: row.cashier_name ?? '',
    zNumber: row.z_number,
    countedCash,
    countedCard,
    cashDifference: countedCash === null ? null : countedCash - session.totals.expectedCash,
    cardDifference: countedCard === null ? null : countedCard - session.totals.expectedCard,
    closedAt: row.closed_at ? new Date(row.closed_at).toISOString() : null,
    closedByName: row.closed_by_name,
    approvedByName: row.approved_by_name,
  };
}

/** Whether a cash movement with this id was recorded (a store node's move sent again). */
export async function movementExists(em: SqlExecutor, movementId: string): Promise<boolean> {
  const rows = await em.execute('select 1 from cash_movement where id = ?', [movementId]);
  return rows.length > 0;
}

/** The session's cash in and out, oldest first. */
export async function sessionMovements(
  em: SqlExecutor,
  sessionId: string,
): Promise<z.infer<typeof CashSessionDetail>['movements']> {
  const movements = await em.execute<
    { kind: 'in' | 'out'; amount: string; reason: string; user_name: string | null; created_at: Date }[]
  >(
    `select m.kind, m.amount, m.reason, u.name as user_name, m.created_at
       from cash_movement m left join app_user u on u.id = m.user_id
      where m.session_id = ? order by m.created_at, m.id`,
    [sessionId],
  );
  return movements.map((m) => ({
    kind: m.kind,
    amount: Number(m.amount),
    reason: m.reason,
    userName: m.user_name ?? '',
    at: new Date(m.created_at).toISOString(),
  }));
}
