import {
  MAX_PARKED_TICKETS_PER_STORE,
  type ParkedLine,
  type ParkedTicket,
  type ParkedTicketAction,
  type ParkedTicketSummary,
  type ParkTicketInput,
} from '@erp/shared';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { type AuditInput, recordAudit } from '../audit/index.ts';
import { AppError } from '../platform/app-error.ts';
import type { SqlExecutor } from '../platform/sql-session.ts';
import type { PendingEvents } from '../realtime/pending-events.ts';
import { rooms } from '../realtime/rooms.ts';
import { assertSameStore, assertStoreScope } from '../tenancy/index.ts';
import { getCustomer } from './customer.queries.ts';
import {
  type ClosedRow,
  closeParked,
  countWaiting,
  lockStoreParking,
  type ParkedState,
  parkedState,
  parkedSummary,
  summaryView,
  upsertParked,
} from './parked-tickets.queries.ts';
import type { Seller } from './sales.service.ts';

/**
 * Parked tickets (ticket en espera): a till parks its open ticket, every till of the store sees
 * the list change live, and one of them resumes it (or discards it, audited). The ticket is the
 * till's own (lines as its cart keeps them); the server checks where it belongs, how many wait,
 * and that it is taken once.
 */

type Summary = z.output<typeof ParkedTicketSummary>;
type Parked = z.output<typeof ParkedTicket>;
type Action = z.output<typeof ParkedTicketAction>;
type Line = z.output<typeof ParkedLine>;

/** The till screens of the store, which keep the list. */
const tillsOf = (storeId: string) => rooms.storeScreen(storeId, 'pos');

/** Why a ticket cannot be taken or parked again: someone already took it. */
function gone(state: ParkedState | undefined): AppError {
  if (!state || state.status === 'parked') return new AppError('PARKED_TICKET_GONE');
  const verb = state.status === 'resumed' ? 'retomado' : 'descartado';
  const where = state.closedTerminal ? ` en ${state.closedTerminal}` : '';
  return new AppError('PARKED_TICKET_GONE', `«${state.label}» ya fue ${verb}${where}.`);
}

/** Parks the open ticket of one of the seller's tills (or replaces it while it still waits). */
export async function parkTicket(
  em: SqlExecutor,
  seller: Seller,
  input: z.output<typeof ParkTicketInput>,
  events: PendingEvents,
): Promise<Summary> {
  const storeId = await assertStoreScope(em, seller, 'terminal', input.terminalId);
  const known = await parkedState(em, input.id);
  if (known) {
    assertSameStore(seller, known.storeId, 'parkedTicket');
    if (known.status !== 'parked') throw gone(known);
  }
  if (input.customerId) await getCustomer(em, input.customerId);
  await lockStoreParking(em, storeId);
  if ((await countWaiting(em, storeId, input.id)) >= MAX_PARKED_TICKETS_PER_STORE) {
    throw new AppError('PARKED_TICKETS_FULL');
  }
  if (!(await upsertParked(em, { ...input, storeId, parkedBy: seller.userId }))) {
    throw gone(await parkedState(em, input.id));
  }
  const ticket = await parkedSummary(em, input.id);
  events.push(tillsOf(storeId), 'ticket:parked-changed', { status: 'parked', ticket });
  return ticket;
}

/** Takes a waiting ticket of the seller's store off the list for one of their tills. */
async function takeTicket(
  em: SqlExecutor,
  seller: Seller,
  action: Action,
  status: 'resumed' | 'discarded',
  events: PendingEvents,
): Promise<ClosedRow> {
  await assertStoreScope(em, seller, 'terminal', action.terminalId);
  const storeId = await assertStoreScope(em, seller, 'parkedTicket', action.id);
  const row = await closeParked(em, { ...action, status, userId: seller.userId });
  if (!row) throw gone(await parkedState(em, action.id));
  events.push(tillsOf(storeId), 'ticket:parked-changed', { status, id: row.id, storeId });
  return row;
}

/** Resumes a ticket: this till gets its lines, buyer and fields back; no other till can. */
export async function resumeTicket(
  em: SqlExecutor,
  seller: Seller,
  action: Action,
  events: PendingEvents,
): Promise<Parked> {
  const row = await takeTicket(em, seller, action, 'resumed', events);
  return {
    ...summaryView(row),
    lines: row.lines as Line[],
    voidedLines: row.voidedLines as Line[],
    extra: row.extra,
    customer: row.customerId ? await getCustomer(em, row.customerId) : null,
  };
}

/** What the audit keeps of a line: the product, as named then, how much and at what price. */
const audited = ({ productId, name, quantity, unitPrice }: Line) => ({
  productId,
  name,
  quantity,
  unitPrice,
});

/**
 * Discards a ticket. Audited with its lines, as voided lines are: rung up and never paid, a
 * discarded ticket is what a supervisor looks for after a cash difference. Lines voided before
 * it was parked, which its sale would have audited, are audited here as voids.
 */
export async function discardTicket(
  em: EntityManager,
  seller: Seller,
  action: Action,
  events: PendingEvents,
): Promise<{ id: string }> {
  const row = await takeTicket(em, seller, action, 'discarded', events);
  const { id, label, total, parkedBy } = summaryView(row);
  const voids = (row.voidedLines as Line[]).map(
    (line): AuditInput => ({ kind: 'line_void', details: { ticketId: id, ...audited(line) } }),
  );
  const lines = (row.lines as Line[]).map(audited);
  const details = { ticketId: id, label, total, parkedBy: parkedBy.name, lines };
  await recordAudit(em, seller, action.terminalId, [...voids, { kind: 'ticket_discard', details }], events);
  return { id };
}
