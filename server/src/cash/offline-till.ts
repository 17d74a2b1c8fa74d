import type { CashSessionView, OfflineTillOp } from '@erp/shared';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { recordAudit } from '../audit/index.ts';
import { AppError } from '../platform/app-error.ts';
import type { PendingEvents } from '../realtime/pending-events.ts';
import { assertSameStore, assertStoreScope } from '../tenancy/index.ts';
import {
  insertMovement,
  insertSession,
  movementExists,
  sessionRow,
  toSessionView,
  unclosedSessionOf,
  unclosedSessionsOfStore,
} from './cash.queries.ts';
import { type Actor, assertMayOperate, closeSession, lockSession } from './cash.service.ts';

type SessionView = z.infer<typeof CashSessionView>;

/** The store node that sends an operation: the audit entries name it. */
export interface NodeOrigin {
  deviceId: string;
  storeId: string;
}

const when = (iso: string) =>
  new Date(iso).toLocaleString('es-CL', {
    timeZone: 'America/Santiago',
    dateStyle: 'short',
    timeStyle: 'short',
  });

/**
 * Applies one till operation the store's hub answered itself while offline
 * (docs/store-node.md#tills-offline), in the caller's transaction, exactly once: a session
 * opened there keeps the hub's id and opening time, a movement its id and time, a close its
 * count and time (with the Z number taken now). An operation done before (a re-sent batch)
 * answers `duplicate` and changes nothing. What the central server cannot take as is — the
 * terminal has another session opened online meanwhile, the session was closed there — is
 * refused with TILL_CONFLICT and never merged. Each recorded operation is audited as coming from
 * the store node offline.
 */
export async function applyOfflineTillOp(
  em: EntityManager,
  actor: Actor,
  node: NodeOrigin,
  op: OfflineTillOp,
  events: PendingEvents,
): Promise<{ status: 'recorded' | 'duplicate'; session: SessionView }> {
  const audit = async (session: SessionView, details: Record<string, unknown>) => {
    await recordAudit(
      em,
      { userId: actor.userId, storeId: node.storeId },
      session.terminalId,
      [
        {
          kind: 'till_offline',
          details: { op: op.kind, sessionId: op.sessionId, at: op.at, deviceId: node.deviceId, ...details },
        },
      ],
      events,
    );
    return { status: 'recorded' as const, session };
  };

  if (op.kind === 'open') {
    await assertStoreScope(em, actor, 'terminal', op.terminalId);
    const known = await sessionRow(em, op.sessionId);
    if (known) {
      if (known.terminal_id !== op.terminalId) throw AppError.validation(undefined, 'Id de sesión repetido.');
      return { status: 'duplicate', session: toSessionView(known) };
    }
    const opened = await insertSession(em, {
      id: op.sessionId,
      storeId: node.storeId,
      terminalId: op.terminalId,
      cashierId: actor.userId,
      openingFloat: op.openingFloat,
      openedAt: new Date(op.at),
    });
    if (!opened) {
      const other = await unclosedSessionOf(em, op.terminalId);
      throw new AppError(
        'TILL_CONFLICT',
        `La caja ya tenía otra sesión en la central (abierta el ${other ? when(new Date(other.opened_at).toISOString()) : '?'}); la apertura sin conexión del ${when(op.at)} no se registró. Un supervisor debe revisar esa caja.`,
      );
    }
    return audit(toSessionView(opened), { openingFloat: op.openingFloat });
  }

  if (op.kind === 'move') {
    if (await movementExists(em, op.opId)) {
      const row = await sessionRow(em, op.sessionId);
      if (!row) throw AppError.notFound('la sesión de caja');
      // A repeat answers with the session: only one of the hub's own store.
      assertSameStore(actor, row.store_id, 'cashSession');
      return { status: 'duplicate', session: toSessionView(row) };
    }
    const row = await lockSession(em, op.sessionId);
    assertMayOperate(actor, row);
    if (row.status !== 'open') {
      throw new AppError(
        'TILL_CONFLICT',
        `La caja ya estaba cerrada en la central; el ${op.moveKind === 'in' ? 'ingreso' : 'retiro'} de efectivo sin conexión del ${when(op.at)} no se registró.`,
      );
    }
    const moved = await insertMovement(em, {
      id: op.opId,
      sessionId: op.sessionId,
      kind: op.moveKind,
      amount: op.amount,
      reason: op.reason,
      userId: actor.userId,
      at: new Date(op.at),
    });
    return audit(toSessionView(moved), { kind: op.moveKind, amount: op.amount, reason: op.reason });
  }

  const row = await lockSession(em, op.sessionId);
  assertSameStore(actor, row.store_id, 'cashSession');
  if (row.offline_close_id === op.opId) return { status: 'duplicate', session: toSessionView(row) };
  if (row.status !== 'open') {
    throw new AppError(
      'TILL_CONFLICT',
      `La caja ya fue cerrada en la central; el cierre sin conexión del ${when(op.at)} no se registró.`,
    );
  }
  const report = await closeSession(
    em,
    actor,
    { sessionId: op.sessionId, denominations: op.denominations, countedCard: op.countedCard },
    { closeId: op.opId, closedAt: new Date(op.at) },
  );
  return audit(report.session, {
    countedCash: report.countedCash,
    countedCard: report.countedCard,
    cashDifference: report.cashDifference,
    status: report.session.status,
    zNumber: report.zNumber,
  });
}

/** What the store's hub keeps of its tills: the sessions not closed yet, with every figure. */
export async function storeTillSessions(em: EntityManager, storeId: string): Promise<SessionView[]> {
  return (await unclosedSessionsOfStore(em, storeId)).map(toSessionView);
}
