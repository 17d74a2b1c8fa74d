import type { ParkedTicketSummary, ParkTicketInput } from '@erp/shared';
import type { z } from 'zod';
import { isoTime, num } from '../platform/rows.ts';
import type { SqlExecutor } from '../platform/sql-session.ts';

/** Parked tickets' SQL. Every function runs in the caller's tenant transaction (RLS). */

type Summary = z.output<typeof ParkedTicketSummary>;
type ParkInput = z.output<typeof ParkTicketInput>;

export type ParkedStatus = 'parked' | 'resumed' | 'discarded';

interface SummaryRow {
  id: string;
  storeId: string;
  label: string;
  docType: number;
  itemCount: number;
  total: string;
  customerName: string | null;
  parkedAt: Date;
  parkedById: string;
  parkedByName: string;
  terminalId: string;
  terminalName: string;
}

/** A ticket taken off the list, with what the till needs to put it back on screen. */
export interface ClosedRow extends SummaryRow {
  lines: Record<string, unknown>[];
  voidedLines: Record<string, unknown>[];
  extra: Record<string, unknown>;
  customerId: string | null;
}

const SUMMARY_COLUMNS = `p.id, p.store_id as "storeId", p.label, p.doc_type as "docType",
  p.item_count as "itemCount", p.total, c.razon_social as "customerName", p.parked_at as "parkedAt",
  p.parked_by as "parkedById", coalesce(u.name, '') as "parkedByName",
  p.terminal_id as "terminalId", t.name as "terminalName"`;

/** `source` is the table or a CTE with its columns, named `p`. */
const joined = (source: string) => `${source} p
  join terminal t on t.id = p.terminal_id
  left join app_user u on u.id = p.parked_by
  left join customer c on c.id = p.customer_id`;

export function summaryView(row: SummaryRow): Summary {
  return {
    id: row.id,
    storeId: row.storeId,
    label: row.label,
    docType: row.docType,
    itemCount: row.itemCount,
    total: num(row.total),
    customerName: row.customerName,
    parkedAt: isoTime(row.parkedAt),
    parkedBy: { id: row.parkedById, name: row.parkedByName },
    terminal: { id: row.terminalId, name: row.terminalName },
  };
}

/** The tickets waiting in a store, oldest first. */
export async function waitingTickets(em: SqlExecutor, storeId: string): Promise<Summary[]> {
  const rows = await em.execute<SummaryRow[]>(
    `select ${SUMMARY_COLUMNS} from ${joined('parked_ticket')}
      where p.store_id = ? and p.status = 'parked'
      order by p.parked_at, p.id`,
    [storeId],
  );
  return rows.map(summaryView);
}

export async function parkedSummary(em: SqlExecutor, id: string): Promise<Summary> {
  const [row] = await em.execute<SummaryRow[]>(
    `select ${SUMMARY_COLUMNS} from ${joined('parked_ticket')} where p.id = ?`,
    [id],
  );
  return summaryView(row!);
}

export interface ParkedState {
  storeId: string;
  status: ParkedStatus;
  label: string;
  /** The till that resumed or discarded it. */
  closedTerminal: string | null;
}

/** Where a ticket is and whether it still waits; undefined when the tenant has no such ticket. */
export async function parkedState(em: SqlExecutor, id: string): Promise<ParkedState | undefined> {
  const [row] = await em.execute<ParkedState[]>(
    `select p.store_id as "storeId", p.status, p.label, t.name as "closedTerminal"
       from parked_ticket p left join terminal t on t.id = p.closed_terminal_id
      where p.id = ?`,
    [id],
  );
  return row;
}

/**
 * Holds the store's parking until the transaction ends, so two tills parking at once count the
 * waiting tickets one after the other. `no key update` leaves the foreign-key checks of sales and
 * sessions on the store row unblocked.
 */
export async function lockStoreParking(em: SqlExecutor, storeId: string): Promise<void> {
  await em.execute('select id from store where id = ? for no key update', [storeId]);
}

/** Tickets waiting in the store besides `exceptId` (a ticket parked again replaces itself). */
export async function countWaiting(em: SqlExecutor, storeId: string, exceptId: string): Promise<number> {
  const [row] = await em.execute<{ n: number }[]>(
    `select count(*)::int as n from parked_ticket where store_id = ? and status = 'parked' and id <> ?`,
    [storeId, exceptId],
  );
  return row!.n;
}

/**
 * Parks the ticket, or replaces it while it still waits in the same store; false when its id is
 * already spent (resumed or discarded) or another store's.
 */
export async function upsertParked(
  em: SqlExecutor,
  ticket: ParkInput & { storeId: string; parkedBy: string },
): Promise<boolean> {
  const rows = await em.execute<{ id: string }[]>(
    `insert into parked_ticket (tenant_id, id, store_id, terminal_id, label, doc_type, customer_id,
                                lines, voided_lines, extra, item_count, total, parked_by)
     values (current_tenant_id(), ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?, ?)
     on conflict (tenant_id, id) do update set
       terminal_id = excluded.terminal_id, label = excluded.label, doc_type = excluded.doc_type,
       customer_id = excluded.customer_id, lines = excluded.lines, voided_lines = excluded.voided_lines,
       extra = excluded.extra, item_count = excluded.item_count, total = excluded.total,
       parked_by = excluded.parked_by, parked_at = now()
     where parked_ticket.status = 'parked' and parked_ticket.store_id = excluded.store_id
     returning id`,
    [
      ticket.id,
      ticket.storeId,
      ticket.terminalId,
      ticket.label,
      ticket.docType,
      ticket.customerId ?? null,
      JSON.stringify(ticket.lines),
      JSON.stringify(ticket.voidedLines),
      JSON.stringify(ticket.extra),
      ticket.itemCount,
      ticket.total,
      ticket.parkedBy,
    ],
  );
  return rows.length > 0;
}

/**
 * Takes a waiting ticket off the list (resumed or discarded) in one statement. Of two tills at
 * once, the second waits for the first's row lock, finds the ticket no longer waiting and gets
 * nothing. The till that resumed it may ask again for a while (its answer was lost on the way)
 * and gets the same ticket; no other till does.
 */
export async function closeParked(
  em: SqlExecutor,
  close: { id: string; status: Exclude<ParkedStatus, 'parked'>; userId: string; terminalId: string },
): Promise<ClosedRow | undefined> {
  const [row] = await em.execute<ClosedRow[]>(
    `with closed as (
       update parked_ticket
          set status = ?, closed_by = coalesce(closed_by, ?), closed_terminal_id = ?,
              closed_at = coalesce(closed_at, now())
        where id = ?
          and (status = 'parked'
               or (status = 'resumed' and status = ? and closed_terminal_id = ?
                   and closed_at > now() - interval '10 minutes'))
       returning *
     )
     select ${SUMMARY_COLUMNS}, p.lines, p.voided_lines as "voidedLines", p.extra,
            p.customer_id as "customerId"
       from ${joined('closed')}`,
    [close.status, close.userId, close.terminalId, close.id, close.status, close.terminalId],
  );
  return row;
}
