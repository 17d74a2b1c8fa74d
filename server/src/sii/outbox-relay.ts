import pg from 'pg';
import type { Logger } from '../platform/logger.ts';
import { type PipelineDeps, queueStatus, queueUpload, scheduleEnvelope } from './sii.jobs.ts';
import { jobDefaults, jobIds, type SignJob } from './sii.queues.ts';

const TOPIC = 'sii.document';
const BATCH = 200;
const POLL_MS = 1_000;
const SWEEP_MS = 5_000;

interface OutboxRow {
  id: string;
  tenant_id: string;
  key: string;
  payload: Omit<SignJob, 'tenantId' | 'outboxId'>;
}

/**
 * Moves committed `sii.document` outbox rows of every tenant (or only of `tenants`, which tests
 * set so their workers never take another test file's sales) into the signing queue. A row is
 * claimed (`for update skip locked`, through a SECURITY DEFINER function: the serving role stays
 * under RLS), added with a job id derived from its key (re-adding is a no-op) and marked
 * processed in the same transaction; if Redis is away the add fails fast, the transaction rolls
 * back and the row waits. Woken by NOTIFY on insert, with a 1 s poll as backstop; a slower sweep
 * re-queues work a lost message could have stranded (signed documents, unfinished envelopes).
 */
export class OutboxRelay {
  private readonly pool: pg.Pool;
  private readonly deps: PipelineDeps;
  private readonly logger: Logger;
  /** Postgres array literal of the allowed tenants, or null for every tenant. */
  private readonly tenants: string | null;
  private listener: pg.Client | undefined;
  private timers: NodeJS.Timeout[] = [];
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

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
    this.timers.push(setInterval(() => void this.sweep(), SWEEP_MS));
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    await this.running;
    await this.listener?.end().catch(() => undefined);
    await this.pool.end();
  }

  /** Drains now; a wake-up during a pass makes it run once more. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((err: Error) => this.logger.warn({ err: err.message }, 'outbox relay pass failed; rows wait'))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
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
    await client.query('listen outbox');
    this.listener = client;
  }

  private async drain(): Promise<void> {
    for (;;) {
      const client = await this.pool.connect();
      let moved = 0;
      try {
        await client.query('begin');
        const { rows } = await client.query<OutboxRow>('select * from outbox_claim($1, $2, $3)', [
          TOPIC,
          BATCH,
          this.tenants,
        ]);
        if (rows.length > 0) {
          await this.deps.queues.sign.addBulk(
            rows.map((row) => ({
              name: 'sign',
              data: { ...row.payload, tenantId: row.tenant_id, outboxId: String(row.id) },
              opts: { ...jobDefaults(this.deps.config.SII_RETRY_DELAY_MS, 8), jobId: jobIds.sign(row.key) },
            })),
          );
          await client.query('select outbox_mark_processed($1)', [rows.map((r) => r.id)]);
        }
        await client.query('commit');
        moved = rows.length;
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
    try {
      const { rows } = await this.pool.query<{ tenant_id: string; what: string; ref: string }>(
        `select * from sii_unfinished_work(interval '10 seconds', $1)`,
        [this.tenants],
      );
      for (const row of rows) {
        if (row.what === 'envelope') {
          await scheduleEnvelope(this.deps, row.tenant_id, row.ref as 'EnvioDTE' | 'EnvioBOLETA');
        } else if (row.what === 'upload') {
          await queueUpload(this.deps, row.tenant_id, row.ref);
        } else {
          await queueStatus(this.deps, row.tenant_id, row.ref, 0);
        }
      }
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'SII sweep failed');
    }
  }
}
