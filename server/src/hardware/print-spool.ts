import { randomUUID } from 'node:crypto';
import type { PrintJob, PrintJobReport, PrintJobView, SpoolJobState } from '@erp/shared';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { recordAudit } from '../audit/index.ts';
import { AppError } from '../platform/app-error.ts';
import type { Logger } from '../platform/logger.ts';
import { type SqlExecutor, withTenantSql } from '../platform/sql-session.ts';
import { PendingEvents } from '../realtime/pending-events.ts';
import { rooms } from '../realtime/rooms.ts';
import type { AppNamespace } from '../realtime/types.ts';
import { broadcastToHub } from './hub-requests.ts';
import { RANK_SQL, toView, VIEW_COLUMNS, type ViewRow } from './print-spool.queries.ts';

/**
 * The server's side of exactly-once printing (docs/hardware-protocols.md#exactly-once-printing):
 * at-least-once delivery of each store's jobs to its hub, which de-duplicates by job id. A job keeps its id
 * for life (a receipt's id is its sale id), so a re-send can never print twice; only an explicit reprint
 * makes a new job, marked as a copy.
 */

/** A receipt not printed by then is never printed by surprise later; the cashier reprints it. */
export const RECEIPT_TTL_MS = 10 * 60_000;
/** The hub acks a job once it printed, expired or has to wait (paper out): printing takes seconds. */
export const PRINT_ACK_TIMEOUT_MS = 20_000;

/** A POS lists its terminal's unsettled jobs of this long: older receipts have no customer waiting. */
const OVERVIEW_WINDOW_MS = 12 * 3600_000;

/**
 * States move forward only: a late or repeated report never undoes a newer one. `expired` ranks
 * below `done` and `uncertain` because the server also expires jobs by their deadline: a hub
 * that started printing right before it may still report what really happened.
 */
const STATE_RANK: Record<SpoolJobState, number> = {
  pending: 0,
  received: 1,
  sending: 2,
  expired: 3,
  done: 4,
  uncertain: 4,
};
/** Tells the store's POS screens about a job; each shows those of its own terminal. */
function announce(events: PendingEvents, storeId: string, job: PrintJobView, duplicate = false): void {
  events.push(rooms.storeScreen(storeId, 'pos'), 'print:state', {
    storeId,
    ...job,
    duplicate,
    at: new Date().toISOString(),
  });
}

/**
 * `due`: jobs the hub never acknowledged and not sent within the ack timeout (after a sale, and
 * on the periodic sweep). `unfinished`: every job the hub has not finished, for a hub that just
 * (re)connected; the hub answers a known job with its state and prints nothing.
 */
export type Selection = 'due' | 'unfinished';

export interface SpoolContext {
  orm: MikroORM;
  logger: Logger;
  nsp: AppNamespace;
  tenantId: string;
  storeId: string;
}

type JobToSend = z.input<typeof PrintJob>;

/** Moves the store's committed receipts from the outbox into its print queue, once each. */
async function takeReceiptsFromOutbox(em: SqlExecutor, storeId: string): Promise<void> {
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
    [storeId, RECEIPT_TTL_MS],
  );
}

/**
 * Jobs past their deadline that the hub never started are expired, so the cashier sees them
 * (and may ask for a copy) instead of a receipt that silently never comes. The hub drops the
 * same jobs by the same deadline, so none of them prints late.
 */
async function expireOverdue(em: SqlExecutor, storeId: string): Promise<PrintJobView[]> {
  const rows = await em.execute<ViewRow[]>(
    `update print_job set state = 'expired', updated_at = now()
      where store_id = ? and state in ('pending', 'received') and expires_at <= now()
      returning ${VIEW_COLUMNS}`,
    [storeId],
  );
  return rows.map(toView);
}

/** Marks the selected jobs as sent now and returns them in print order. */
async function claimJobs(em: SqlExecutor, storeId: string, selection: Selection): Promise<JobToSend[]> {
  const [condition, params] =
    selection === 'due'
      ? [
          `state = 'pending' and (sent_at is null or sent_at < now() - ? * interval '1 millisecond')`,
          [PRINT_ACK_TIMEOUT_MS],
        ]
      : [`state in ('pending', 'received', 'sending')`, []];
  const rows = await em.execute<
    {
      id: string;
      document: JobToSend['document'];
      is_copy: boolean;
      reprint_of: string | null;
      expires_at: Date | string;
      created_at: Date | string;
    }[]
  >(
    `update print_job set sent_at = now(), attempts = attempts + 1
      where id in (select id from print_job
                    where store_id = ? and expires_at > now() and ${condition}
                    for update skip locked)
      returning id, document, is_copy, reprint_of, expires_at, created_at`,
    [storeId, ...params],
  );
  // `returning` keeps no order: print in the order the documents were issued.
  return rows
    .sort((a, b) => new Date(a.created_at).getTime() - new Date(b.created_at).getTime())
    .map((row) => ({
      jobId: row.id,
      document: row.document,
      isCopy: row.is_copy,
      ...(row.reprint_of ? { reprintOf: row.reprint_of } : {}),
      expiresAt: new Date(row.expires_at).toISOString(),
    }));
}

/** Records a hub's report on one of the store's jobs; the job when it moved forward, else null. */
export async function recordPrintState(
  em: SqlExecutor,
  storeId: string,
  report: PrintJobReport,
): Promise<PrintJobView | null> {
  const [row] = await em.execute<ViewRow[]>(
    `update print_job set state = ?, printer_id = ?, updated_at = now()
      where id = ? and store_id = ? and ${RANK_SQL} < ?
      returning ${VIEW_COLUMNS}`,
    [report.state, report.printerId, report.jobId, storeId, STATE_RANK[report.state]],
  );
  return row ? toView(row) : null;
}

/** Stores a hub's report and tells the store's POS screens when the job's state changed. */
export async function applyPrintReport(ctx: SpoolContext, report: PrintJobReport): Promise<void> {
  const events = new PendingEvents();
  await withTenantSql(ctx.orm, ctx.tenantId, async (em) => {
    const job = await recordPrintState(em, ctx.storeId, report);
    if (job) announce(events, ctx.storeId, job, report.duplicate);
  });
  events.publish(ctx.nsp);
}

async function sendJob(ctx: SpoolContext, job: JobToSend): Promise<void> {
  const answers = await broadcastToHub(ctx.nsp, ctx.storeId, 'print:job', job, PRINT_ACK_TIMEOUT_MS).catch(
    (error: unknown) => {
      // Unacknowledged: the sweep or the hub's next connection sends it again.
      ctx.logger.warn({ err: error, jobId: job.jobId, storeId: ctx.storeId }, 'print job not acknowledged');
      return [];
    },
  );
  for (const answer of answers) {
    if (answer?.ok) await applyPrintReport(ctx, answer.data);
    else ctx.logger.warn({ jobId: job.jobId, error: answer?.error }, 'hub refused a print job');
  }
}

/**
 * Sends the store's selected jobs to its hub, in order, and records the hub's answers. Runs
 * after a sale commits, when a hub connects and on a periodic sweep; errors are logged, never
 * thrown, since a later run retries.
 */
export async function deliverPrintJobs(ctx: SpoolContext, selection: Selection): Promise<void> {
  try {
    const events = new PendingEvents();
    const jobs = await withTenantSql(ctx.orm, ctx.tenantId, async (em) => {
      await takeReceiptsFromOutbox(em, ctx.storeId);
      for (const job of await expireOverdue(em, ctx.storeId)) announce(events, ctx.storeId, job);
      return claimJobs(em, ctx.storeId, selection);
    });
    events.publish(ctx.nsp);
    // Emitted in order now (Socket.IO keeps order per connection); the acks are awaited together.
    await Promise.all(jobs.map((job) => sendJob(ctx, job)));
  } catch (error) {
    ctx.logger.error({ err: error, storeId: ctx.storeId }, 'print delivery failed');
  }
}

/**
 * Queues a copy of a sale's receipt at the requester's store: a new job id, `isCopy`, the
 * original job as `reprintOf`, and an audit entry streamed to the wall, in the caller's
 * transaction.
 */
export async function createReprint(
  em: EntityManager,
  requester: { userId: string; storeId: string },
  input: { saleId: string; terminalId?: string | undefined },
  events: PendingEvents,
): Promise<{ jobId: string; reprintOf: string }> {
  const [original] = await em.execute<
    { document: { folio?: number; documentType?: number }; terminal_id: string | null }[]
  >(
    `select document, terminal_id from print_job where id = ? and not is_copy
     union all
     select payload->'document', (payload->>'terminalId')::uuid from outbox where topic = 'print.receipt' and key = ?
     limit 1`,
    [input.saleId, `sale-${input.saleId}`],
  );
  if (!original) throw AppError.notFound('la boleta de esa venta');
  const jobId = randomUUID();
  const terminalId = input.terminalId ?? original.terminal_id;
  const [{ copies } = { copies: 0 }] = await em.execute<{ copies: number }[]>(
    'select count(*)::int as copies from print_job where reprint_of = ?',
    [input.saleId],
  );
  const [copy] = await em.execute<ViewRow[]>(
    `insert into print_job (id, tenant_id, store_id, terminal_id, sale_id, document, is_copy, reprint_of, created_by, expires_at)
     values (?, current_tenant_id(), ?, ?, ?, ?::jsonb, true, ?, ?, now() + ? * interval '1 millisecond')
     returning ${VIEW_COLUMNS}`,
    [
      jobId,
      requester.storeId,
      terminalId,
      input.saleId,
      JSON.stringify(original.document),
      input.saleId,
      requester.userId,
      RECEIPT_TTL_MS,
    ],
  );
  announce(events, requester.storeId, toView(copy!));
  // The copy settles the original's uncertainty (or expiry): it leaves the cashier's list.
  const settled = await em.execute<ViewRow[]>(
    `update print_job set resolved_at = now(), resolved_by = ?
      where sale_id = ? and store_id = ? and state in ('uncertain', 'expired') and resolved_at is null
      returning ${VIEW_COLUMNS}`,
    [requester.userId, input.saleId, requester.storeId],
  );
  for (const row of settled) announce(events, requester.storeId, toView(row));
  await recordAudit(
    em,
    requester,
    terminalId,
    [
      {
        kind: 'reprint',
        details: {
          saleId: input.saleId,
          jobId,
          documentType: original.document.documentType,
          folio: original.document.folio,
          copy: copies + 1,
        },
      },
    ],
    events,
  );
  return { jobId, reprintOf: input.saleId };
}

/**
 * The cashier confirmed that an uncertain (or expired) job's paper is there, or that the
 * customer needs none: the job leaves the terminal's list without a copy.
 */
export async function dismissPrintJob(
  em: EntityManager,
  requester: { userId: string; storeId: string },
  jobId: string,
  events: PendingEvents,
): Promise<PrintJobView> {
  const [row] = await em.execute<ViewRow[]>(
    `update print_job set resolved_at = now(), resolved_by = ?
      where id = ? and store_id = ? and state in ('uncertain', 'expired') and resolved_at is null
      returning ${VIEW_COLUMNS}`,
    [requester.userId, jobId, requester.storeId],
  );
  if (!row) {
    const [known] = await em.execute('select 1 from print_job where id = ? and store_id = ?', [
      jobId,
      requester.storeId,
    ]);
    if (!known) throw AppError.notFound('el trabajo de impresión');
    throw new AppError('CONFLICT', 'Ese trabajo ya se resolvió o todavía se está imprimiendo.');
  }
  const job = toView(row);
  announce(events, requester.storeId, job);
  return job;
}

/** A terminal's jobs still on their way, and its uncertain or expired ones nobody settled yet. */
export async function terminalPrintJobs(
  em: EntityManager,
  storeId: string,
  terminalId: string,
  events: PendingEvents,
): Promise<PrintJobView[]> {
  for (const job of await expireOverdue(em, storeId)) announce(events, storeId, job);
  const rows = await em.execute<ViewRow[]>(
    `select ${VIEW_COLUMNS} from print_job
      where terminal_id = ? and store_id = ? and resolved_at is null and state <> 'done'
        and created_at > now() - ? * interval '1 millisecond'
      order by created_at`,
    [terminalId, storeId, OVERVIEW_WINDOW_MS],
  );
  return rows.map(toView);
}
