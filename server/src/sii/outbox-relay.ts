import pg from 'pg';
import type { Logger } from '../platform/logger.ts';
import { MAIL_TOPIC, type MailRef } from './dte-mail.queries.ts';
import { MAIL_ATTEMPTS } from './dte-mail.ts';
import {
  claimOutbox,
  LISTEN_OUTBOX,
  lostMails,
  markOutboxProcessed,
  type OutboxRow,
  siiWork,
} from './outbox.queries.ts';
import { type PipelineDeps, queuePdfs, queueStatus, queueUpload, scheduleEnvelope } from './sii.jobs.ts';
import { jobDefaults, jobIds } from './sii.queues.ts';

const TOPIC = 'sii.document';
const BATCH = 200;
/**
 * Documents per sign job: one job signs them in one transaction (a handful of round trips for
 * all), where a job per document paid BullMQ's and the transaction's overhead for each.
 */
const SIGN_BATCH = 50;
const POLL_MS = 1_000;
const SWEEP_MS = 5_000;
/**
 * How long a wake-up waits before its pass, so that sales committed meanwhile go in the same
 * sign job: each NOTIFY starting a pass at once made a job (a BullMQ round trip, a transaction,
 * the certificate read) for every one or two sales of a steady flow, at about twice the worker
 * CPU per document of full batches (docs/reliability.md#signing-in-batches).
 */
const GATHER_MS = 50;

/** Claimed rows as sign jobs: per tenant, in claim order, SIGN_BATCH at most per job. */
function signBatches(rows: readonly OutboxRow[]): OutboxRow[][] {
  const byTenant = new Map<string, OutboxRow[]>();
  for (const row of rows) byTenant.set(row.tenant_id, [...(byTenant.get(row.tenant_id) ?? []), row]);
  return [...byTenant.values()].flatMap((own) =>
    Array.from({ length: Math.ceil(own.length / SIGN_BATCH) }, (_, i) =>
      own.slice(i * SIGN_BATCH, (i + 1) * SIGN_BATCH),
    ),
  );
}

/**
 * Runs `pass` `delayMs` after a trigger (triggers meanwhile join it), or once more right after
 * the running pass when triggered during it.
 */
function coalescing(pass: () => Promise<void>, delayMs = 0) {
  let running: Promise<void> | null = null;
  let again = false;
  let waiting: NodeJS.Timeout | null = null;
  const run = (): void => {
    waiting = null;
    running = pass().finally(() => {
      running = null;
      if (again) {
        again = false;
        trigger();
      }
    });
  };
  const trigger = (): void => {
    if (running) {
      again = true;
    } else if (delayMs === 0) {
      run();
    } else {
      waiting ??= setTimeout(run, delayMs);
    }
  };
  return {
    trigger,
    /** The running pass; a pass still waiting is dropped (its rows wait in the outbox). */
    settled: (): Promise<void> => {
      if (waiting) clearTimeout(waiting);
      waiting = null;
      return running ?? Promise.resolve();
    },
  };
}

/**
 * Moves committed `sii.document` outbox rows of every tenant (or only of `tenants`, which tests
 * set so their workers never take another test file's sales) into the signing queue. A row is
 * claimed (`for update skip locked`, through a SECURITY DEFINER function: the serving role stays
 * under RLS), added with a job id derived from its key (re-adding is a no-op) and marked
 * processed in the same transaction; if Redis is away the add fails fast, the transaction rolls
 * back and the row waits. Woken by NOTIFY on insert, with a 1 s poll as backstop; a slower sweep
 * re-queues work a lost message could have stranded (signed documents, unfinished envelopes).
 * `recover()` (on start, and whenever Redis comes back) rebuilds from PostgreSQL everything the
 * queues may have lost, since Redis may return empty.
 */
export class OutboxRelay {
  private readonly pool: pg.Pool;
  private readonly deps: PipelineDeps;
  private readonly logger: Logger;
  /** Postgres array literal of the allowed tenants, or null for every tenant. */
  private readonly tenants: string | null;
  private listener: pg.Client | undefined;
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;
  /** Set by `recover()`; the next sweep rebuilds lost work, and stays due until one succeeds. */
  private recovering = false;
  private readonly drains = coalescing(
    () =>
      this.drain().catch((err: Error) =>
        this.logger.warn({ err: err.message }, 'outbox relay pass failed; rows wait'),
      ),
    GATHER_MS,
  );
  private readonly sweeps = coalescing(() => this.sweep());

  constructor(databaseUrl: string, deps: PipelineDeps, tenants?: readonly string[]) {
    this.pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    this.pool.on('error', () => undefined);
    this.deps = deps;
    this.logger = deps.logger;
    this.tenants = tenants ? `{${tenants.join(',')}}` : null;
  }

  async start(): Promise<void> {
    await this.listen();
    this.timers.push(setInterval(() => this.wake(), POLL_MS));
    this.timers.push(setInterval(() => this.sweeps.trigger(), SWEEP_MS));
    this.wake();
    this.recover();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    await Promise.all([this.drains.settled(), this.sweeps.settled()]);
    await this.listener?.end().catch(() => undefined);
    await this.pool.end();
  }

  /** Drains now; a wake-up during a pass makes it run once more. */
  wake(): void {
    if (!this.stopped) this.drains.trigger();
  }

  /**
   * Rebuilds from PostgreSQL the work the queues may have lost: relayed sales without a signed
   * document go back to the outbox, unfinished envelope steps and missing PDFs are queued again
   * (a job that survived keeps its id, so re-adding it is a no-op).
   */
  recover(): void {
    this.recovering = true;
    if (!this.stopped) this.sweeps.trigger();
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.pool.options.connectionString });
    client.on('notification', () => this.wake());
    client.on('error', () => {
      // The poll keeps the relay going; try to listen again shortly.
      this.listener = undefined;
      if (!this.stopped) setTimeout(() => void this.listen().catch(() => undefined), POLL_MS);
    });
    await client.connect();
    await client.query(LISTEN_OUTBOX);
    this.listener = client;
  }

  private async drain(): Promise<void> {
    for (;;) {
      const client = await this.pool.connect();
      let moved = 0;
      try {
        await client.query('begin');
        const rows = await claimOutbox(client, TOPIC, BATCH, this.tenants);
        if (rows.length > 0) {
          await this.deps.queues.sign.addBulk(
            signBatches(rows).map((batch) => ({
              name: 'sign',
              data: {
                tenantId: batch[0]!.tenant_id,
                documents: batch.map((row) => ({ ...row.payload, outboxId: String(row.id) })),
              },
              opts: {
                ...jobDefaults(this.deps.config.SII_RETRY_DELAY_MS, 8),
                jobId: jobIds.sign(batch[0]!.key, batch.length),
              },
            })),
          );
          await markOutboxProcessed(
            client,
            rows.map((r) => r.id),
          );
        }
        // Documents to e-mail to their buyers (dte-mail.ts), one job per mail and generation.
        const mails = (await claimOutbox(client, MAIL_TOPIC, BATCH, this.tenants)) as unknown as {
          id: string;
          tenant_id: string;
          payload: MailRef;
        }[];
        if (mails.length > 0) {
          await this.deps.queues.mail.addBulk(
            mails.map((row) => ({
              name: 'mail',
              data: { tenantId: row.tenant_id, ...row.payload },
              opts: {
                ...jobDefaults(this.deps.config.SII_RETRY_DELAY_MS, MAIL_ATTEMPTS),
                jobId: jobIds.mail(row.payload.mailId, row.payload.generation),
              },
            })),
          );
          await markOutboxProcessed(
            client,
            mails.map((r) => r.id),
          );
        }
        await client.query('commit');
        moved = Math.max(rows.length, mails.length);
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        // Redis may have come back on a new connection while the old one stays broken.
        await this.deps.queues.reopen().catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
      if (moved < BATCH) return;
    }
  }

  private async sweep(): Promise<void> {
    if (this.stopped) return;
    const recovering = this.recovering;
    this.recovering = false;
    try {
      const rows = await siiWork(this.pool, recovering, this.tenants);
      // Mails whose jobs the queue may have lost go back to the outbox (dte_mail_lost).
      if (recovering && (await lostMails(this.pool, this.tenants)) > 0) this.wake();
      for (const row of rows) {
        if (row.what === 'outbox') {
          this.wake();
        } else if (row.what === 'envelope') {
          await scheduleEnvelope(this.deps, row.tenant_id, row.ref as 'EnvioDTE' | 'EnvioBOLETA');
        } else if (row.what === 'upload') {
          await queueUpload(this.deps, row.tenant_id, row.ref);
        } else if (row.what === 'pdfs') {
          await queuePdfs(this.deps, row.tenant_id, row.ref);
        } else {
          await queueStatus(this.deps, row.tenant_id, row.ref, 0);
        }
      }
      if (recovering) this.logger.info({ rows: rows.length }, 'SII work rebuilt from PostgreSQL');
    } catch (error) {
      // A failed recovery is due again on the next sweep.
      if (recovering) this.recovering = true;
      this.logger.warn({ err: (error as Error).message, recovering }, 'SII sweep failed');
    }
  }
}
