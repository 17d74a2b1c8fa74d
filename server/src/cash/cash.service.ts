import type { CashCloseReport, CashSessionView, DenominationCount } from '@erp/shared';
import { closeOutcome, countedCash, type Role, SUPERVISOR_ROLES } from '@erp/shared';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { AppError } from '../platform/app-error.ts';
import { assertSameStore, assertStoreScope, tenantSettings } from '../tenancy/index.ts';
import {
  insertMovement,
  insertSession,
  lockSessionRow,
  markPendingApproval,
  type SessionRow,
  type SessionTallyInput,
  sessionRow,
  sessionTally,
  toSessionView,
  unclosedSessionOf,
  writeClose,
  writeCount,
} from './cash.queries.ts';

/** Who is acting: the socket's user, role and store. */
export interface Actor {
  userId: string;
  role: string;
  storeId: string | null;
}

type SessionView = z.infer<typeof CashSessionView>;
type CloseReport = z.infer<typeof CashCloseReport>;

const SUPERVISORS = ['owner', 'admin', 'supervisor'];

/**
 * Whose drawer a seller may ring into (a sale, a return, an abono): a session of their own
 * store, their own unless they supervise (a supervisor may act for the store's cashiers).
 */
export function drawerOwner(seller: { userId: string; role: Role; storeId: string }): {
  storeId: string;
  cashierId: string | null;
} {
  return {
    storeId: seller.storeId,
    cashierId: SUPERVISOR_ROLES.includes(seller.role) ? null : seller.userId,
  };
}

/** An open drawer holding more cash than the tenant's threshold: time for a cash drop (retiro). */
export function dropSuggested(session: Pick<SessionView, 'status' | 'totals'>, threshold: number): boolean {
  return session.status === 'open' && session.totals.expectedCash > threshold;
}

export async function lockSession(em: EntityManager, sessionId: string): Promise<SessionRow> {
  const row = await lockSessionRow(em, sessionId);
  if (!row) throw AppError.notFound('la sesión de caja');
  return row;
}

/** The cashier of a session, or a supervisor, may act on it. */
export function assertMayOperate(actor: Actor, row: SessionRow) {
  if (row.cashier_id !== actor.userId && !SUPERVISORS.includes(actor.role)) {
    throw AppError.forbidden('Solo el cajero de esta caja o un supervisor pueden operarla.');
  }
  assertSameStore(actor, row.store_id, 'cashSession');
}

export async function openSession(em: EntityManager, actor: Actor, terminalId: string, openingFloat: number) {
  const storeId = await assertStoreScope(em, actor, 'terminal', terminalId);
  const row = await insertSession(em, { storeId, terminalId, cashierId: actor.userId, openingFloat });
  if (!row) throw new AppError('CONFLICT', 'Ya hay una caja abierta en este terminal.');
  return toSessionView(row);
}

/** The terminal's session not yet closed; a store-bound actor asks about their store's terminals only. */
export async function currentSession(em: EntityManager, actor: Actor, terminalId: string) {
  await assertStoreScope(em, actor, 'terminal', terminalId);
  const row = await unclosedSessionOf(em, terminalId);
  return row ? toSessionView(row) : null;
}

export async function sessionReport(em: EntityManager, actor: Actor, sessionId: string) {
  const row = await sessionRow(em, sessionId);
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
  return toSessionView(await insertMovement(em, { ...input, userId: actor.userId }));
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

/**
 * Closes a session with the cashier's blind count. Within the tenant's tolerance it closes at
 * once with the next Z number; above it, the session waits for a supervisor's approval. A close
 * counted at the store's hub offline comes with the hub's close id and time (`offline`).
 */
export async function closeSession(
  em: EntityManager,
  actor: Actor,
  input: { sessionId: string; denominations: z.infer<typeof DenominationCount>; countedCard: number },
  offline?: { closeId: string; closedAt: Date },
): Promise<CloseReport> {
  const row = await lockSession(em, input.sessionId);
  assertMayOperate(actor, row);
  if (row.status !== 'open') throw new AppError('CONFLICT', 'La caja ya fue cerrada o espera aprobación.');
  const tol = await tolerance(em);
  const counted = await writeCount(em, {
    sessionId: input.sessionId,
    denominations: input.denominations,
    cash: countedCash(input.denominations),
    card: input.countedCard,
    closedBy: actor.userId,
    offlineCloseId: offline?.closeId ?? null,
  });
  const outcome = closeOutcome(
    toSessionView(counted),
    { cash: Number(counted.counted_cash), card: Number(counted.counted_card), tolerance: tol },
    actor,
  );
  if (outcome.closesNow) {
    return closeReport(
      await writeClose(em, {
        sessionId: input.sessionId,
        closedBy: actor.userId,
        approvedBy: outcome.approves ? actor.userId : null,
        ...(offline ? { closedAt: offline.closedAt } : {}),
      }),
      tol,
    );
  }
  return closeReport(await markPendingApproval(em, input.sessionId), tol);
}

/** A supervisor approves a close whose difference exceeded the tolerance. */
export async function approveClose(em: EntityManager, actor: Actor, sessionId: string): Promise<CloseReport> {
  if (!SUPERVISORS.includes(actor.role)) throw AppError.forbidden();
  const row = await lockSession(em, sessionId);
  if (actor.storeId && actor.storeId !== row.store_id)
    throw AppError.forbidden('La caja es de otra sucursal.');
  if (row.status !== 'pending_approval') throw new AppError('CONFLICT', 'La caja no espera aprobación.');
  if (row.cashier_id === actor.userId) {
    throw AppError.forbidden('No puede aprobar el cierre de su propia caja. Pídaselo a otro supervisor.');
  }
  const closed = await writeClose(em, { sessionId, closedBy: actor.userId, approvedBy: actor.userId });
  return closeReport(closed, await tolerance(em));
}
