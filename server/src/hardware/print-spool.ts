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
import { assertStoreScope } from '../tenancy/index.ts';
import { broadcastToHub } from './hub-requests.ts';
import {
  advanceJobState,
  claimJobRows,
  countCopies,
  expireOverdueJobs,
  insertCopyJob,
  originalReceipt,
  resolveJob,
  resolveSaleJobs,
  type Selection,
  storeHasJob,
  takeReceiptsFromOutbox,
  terminalJobs,
} from './print-spool.queries.ts';

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

export interface SpoolContext {
  orm: MikroORM;
  logger: Logger;
  nsp: AppNamespace;
  tenantId: string;
  storeId: string;
}

type JobToSend = z.input<typeof PrintJob>;

/** Marks the selected jobs as sent now and returns them in print order. */
async function claimJobs(em: SqlExecutor, storeId: string, selection: Selection): Promise<JobToSend[]> {
  const rows = await claimJobRows(em, storeId, selection, PRINT_ACK_TIMEOUT_MS);
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

/**
 * Stores a hub's report on one of the store's jobs and tells the store's POS screens when the
 * job moved forward.
 */
export async function applyPrintReport(ctx: SpoolContext, report: PrintJobReport): Promise<void> {
  const events = new PendingEvents();
  await withTenantSql(ctx.orm, ctx.tenantId, async (em) => {
    const job = await advanceJobState(em, ctx.storeId, report, STATE_RANK[report.state]);
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
      await takeReceiptsFromOutbox(em, ctx.storeId, RECEIPT_TTL_MS);
      // Jobs past their deadline that the hub never started are expired, so the cashier sees
      // them (and may ask for a copy) instead of a receipt that silently never comes. The hub
      // drops the same jobs by the same deadline, so none of them prints late.
      for (const job of await expireOverdueJobs(em, ctx.storeId)) announce(events, ctx.storeId, job);
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
 * transaction. The sale must be of that store, and a terminal named for the copy one of its.
 */
export async function createReprint(
  em: EntityManager,
  requester: { userId: string; storeId: string },
  input: { saleId: string; terminalId?: string | undefined },
  events: PendingEvents,
): Promise<{ jobId: string; reprintOf: string }> {
  await assertStoreScope(em, requester, 'sale', input.saleId);
  if (input.terminalId) await assertStoreScope(em, requester, 'terminal', input.terminalId);
  const original = await originalReceipt(em, input.saleId);
  if (!original) throw AppError.notFound('el documento impreso de esa venta');
  const jobId = randomUUID();
  const terminalId = input.terminalId ?? original.terminal_id;
  const copies = await countCopies(em, input.saleId);
  const copy = await insertCopyJob(em, {
    jobId,
    storeId: requester.storeId,
    terminalId,
    saleId: input.saleId,
    document: original.document,
    createdBy: requester.userId,
    ttlMs: RECEIPT_TTL_MS,
  });
  announce(events, requester.storeId, copy);
  // The copy settles the original's uncertainty (or expiry): it leaves the cashier's list.
  const settled = await resolveSaleJobs(em, input.saleId, requester.storeId, requester.userId);
  for (const job of settled) announce(events, requester.storeId, job);
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
  const job = await resolveJob(em, jobId, requester.storeId, requester.userId);
  if (!job) {
    const known = await storeHasJob(em, jobId, requester.storeId);
    if (!known) throw AppError.notFound('el trabajo de impresión');
    throw new AppError('CONFLICT', 'Ese trabajo ya se resolvió o todavía se está imprimiendo.');
  }
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
  for (const job of await expireOverdueJobs(em, storeId)) announce(events, storeId, job);
  return terminalJobs(em, storeId, terminalId, OVERVIEW_WINDOW_MS);
}
