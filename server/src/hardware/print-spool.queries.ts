import type { PrintJob, PrintJobReport, PrintJobView, SpoolJobState } from '@erp/shared';
import type { z } from 'zod';
import { camelView } from '../platform/rows.ts';
import type { SqlExecutor } from '../platform/sql-session.ts';

/**
 * The print spool's statements and its rows as the POS sees them. The delivery after a sale
 * runs on `withTenantSql`, where each text is a statement prepared once per connection: keep
 * the texts stable.
 */

const RANK_SQL = `(case state when 'pending' then 0 when 'received' then 1 when 'sending' then 2
  when 'expired' then 3 else 4 end)`;

/** A job as the POS sees it (PrintJobView), for `select` and `returning`. */
const VIEW_COLUMNS = `id, sale_id, terminal_id, (document->>'documentType')::int as document_type,
  (document->>'folio')::int as folio, is_copy, state, printer_id, created_at, expires_at, resolved_at`;

interface ViewRow {
  id: string;
  sale_id: string;
  terminal_id: string | null;
  document_type: number | null;
  folio: number | null;
  is_copy: boolean;
  state: SpoolJobState;
  printer_id: string | null;
  created_at: Date | string;
  expires_at: Date | string;
  resolved_at: Date | string | null;
}

function toView({ id, ...row }: ViewRow): PrintJobView {
  return { jobId: id, ...camelView(row, { dates: ['created_at', 'expires_at', 'resolved_at'] }) };
}

/** Moves the store's committed receipts from the outbox into its print queue, once each. */
export async function takeReceiptsFromOutbox(em: SqlExecutor, storeId: string, ttlMs: number): Promise<void> {
  await em.execute(
    `with taken as (
       update outbox set processed_at = now()
        where topic = 'print.receipt' and processed_at is null and payload->>'storeId' = ?
        returning payload, created_at)
     insert into print_job (id, tenant_id, store_id, terminal_id, sale_id, document, created_at, expires_at)
     select (payload->>'jobId')::uuid, current_tenant_id(), (payload->>'storeId')::uuid, (payload->>'terminalId')::uuid,
            (payload->>'jobId')::uuid, payload->'document', created_at, created_at + ? * interval '1 millisecond'
       from taken
     on conflict (id) do nothing`,
    [storeId, ttlMs],
  );
}

/** Expires the store's jobs past their deadline that the hub never started. */
export async function expireOverdueJobs(em: SqlExecutor, storeId: string): Promise<PrintJobView[]> {
  const rows = await em.execute<ViewRow[]>(
    `update print_job set state = 'expired', updated_at = now()
      where store_id = ? and state in ('pending', 'received') and expires_at <= now()
      returning ${VIEW_COLUMNS}`,
    [storeId],
  );
  return rows.map(toView);
}

/**
 * `due`: jobs the hub never acknowledged and not sent within the ack timeout (after a sale, and
 * on the periodic sweep). `unfinished`: every job the hub has not finished, for a hub that just
 * (re)connected; the hub answers a known job with its state and prints nothing.
 */
export type Selection = 'due' | 'unfinished';

export interface ClaimedRow {
  id: string;
  document: z.input<typeof PrintJob>['document'];
  is_copy: boolean;
  reprint_of: string | null;
  expires_at: Date | string;
  created_at: Date | string;
}

/** Marks the store's selected jobs not expired as sent now, skipping those another delivery holds; in no order. */
export function claimJobRows(em: SqlExecutor, storeId: string, selection: Selection, ackTimeoutMs: number) {
  const [condition, params] =
    selection === 'due'
      ? [
          `state = 'pending' and (sent_at is null or sent_at < now() - ? * interval '1 millisecond')`,
          [ackTimeoutMs],
        ]
      : [`state in ('pending', 'received', 'sending')`, []];
  return em.execute<ClaimedRow[]>(
    `update print_job set sent_at = now(), attempts = attempts + 1
      where id in (select id from print_job
                    where store_id = ? and expires_at > now() and ${condition}
                    for update skip locked)
      returning id, document, is_copy, reprint_of, expires_at, created_at`,
    [storeId, ...params],
  );
}

/** Moves a job to `state` when that ranks above its current one; the job if it moved. */
export async function advanceJobState(
  em: SqlExecutor,
  storeId: string,
  report: PrintJobReport,
  rank: number,
): Promise<PrintJobView | null> {
  const [row] = await em.execute<ViewRow[]>(
    `update print_job set state = ?, printer_id = ?, updated_at = now()
      where id = ? and store_id = ? and ${RANK_SQL} < ?
      returning ${VIEW_COLUMNS}`,
    [report.state, report.printerId, report.jobId, storeId, rank],
  );
  return row ? toView(row) : null;
}

/** The receipt of a sale as first queued: from its print job, or still in the outbox. */
export async function originalReceipt(em: SqlExecutor, saleId: string) {
  const [original] = await em.execute<
    { document: { folio?: number; documentType?: number }; terminal_id: string | null }[]
  >(
    `select document, terminal_id from print_job where id = ? and not is_copy
     union all
     select payload->'document', (payload->>'terminalId')::uuid from outbox where topic = 'print.receipt' and key = ?
     limit 1`,
    [saleId, `sale-${saleId}`],
  );
  return original;
}

export async function countCopies(em: SqlExecutor, saleId: string): Promise<number> {
  const [{ copies } = { copies: 0 }] = await em.execute<{ copies: number }[]>(
    'select count(*)::int as copies from print_job where reprint_of = ?',
    [saleId],
  );
  return copies;
}

export async function insertCopyJob(
  em: SqlExecutor,
  copy: {
    jobId: string;
    storeId: string;
    terminalId: string | null;
    saleId: string;
    document: unknown;
    createdBy: string;
    ttlMs: number;
  },
): Promise<PrintJobView> {
  const [row] = await em.execute<ViewRow[]>(
    `insert into print_job (id, tenant_id, store_id, terminal_id, sale_id, document, is_copy, reprint_of, created_by, expires_at)
     values (?, current_tenant_id(), ?, ?, ?, ?::jsonb, true, ?, ?, now() + ? * interval '1 millisecond')
     returning ${VIEW_COLUMNS}`,
    [
      copy.jobId,
      copy.storeId,
      copy.terminalId,
      copy.saleId,
      JSON.stringify(copy.document),
      copy.saleId,
      copy.createdBy,
      copy.ttlMs,
    ],
  );
  return toView(row!);
}

/** Settles the store's uncertain or expired jobs of a sale not settled yet; those it settled. */
export async function resolveSaleJobs(em: SqlExecutor, saleId: string, storeId: string, userId: string) {
  const rows = await em.execute<ViewRow[]>(
    `update print_job set resolved_at = now(), resolved_by = ?
      where sale_id = ? and store_id = ? and state in ('uncertain', 'expired') and resolved_at is null
      returning ${VIEW_COLUMNS}`,
    [userId, saleId, storeId],
  );
  return rows.map(toView);
}

/** Settles one uncertain or expired job of the store; null when there is no such job to settle. */
export async function resolveJob(em: SqlExecutor, jobId: string, storeId: string, userId: string) {
  const [row] = await em.execute<ViewRow[]>(
    `update print_job set resolved_at = now(), resolved_by = ?
      where id = ? and store_id = ? and state in ('uncertain', 'expired') and resolved_at is null
      returning ${VIEW_COLUMNS}`,
    [userId, jobId, storeId],
  );
  return row ? toView(row) : null;
}

export async function storeHasJob(em: SqlExecutor, jobId: string, storeId: string): Promise<boolean> {
  const [known] = await em.execute('select 1 from print_job where id = ? and store_id = ?', [jobId, storeId]);
  return known !== undefined;
}

/** A terminal's unsettled jobs not done, created within the last `windowMs`, oldest first. */
export async function terminalJobs(em: SqlExecutor, storeId: string, terminalId: string, windowMs: number) {
  const rows = await em.execute<ViewRow[]>(
    `select ${VIEW_COLUMNS} from print_job
      where terminal_id = ? and store_id = ? and resolved_at is null and state <> 'done'
        and created_at > now() - ? * interval '1 millisecond'
      order by created_at`,
    [terminalId, storeId, windowMs],
  );
  return rows.map(toView);
}
