import { type Job, Worker } from 'bullmq';
import type { Config } from '../platform/config.ts';
import type { Logger } from '../platform/logger.ts';
import { initOrm } from '../platform/orm.ts';
import { connectRedis } from '../platform/redis.ts';
import { SecretBox } from '../platform/secrets.ts';
import { createDteAnnouncer } from './dte-announcer.ts';
import { sendDocumentMail } from './dte-mail.ts';
import { renderPdf, SharedPdfRenderer } from './dte-pdf.ts';
import { OutboxRelay } from './outbox-relay.ts';
import {
  envelopeDocuments,
  type PipelineDeps,
  pollStatus,
  signDocuments,
  uploadEnvelope,
} from './sii.jobs.ts';
import { openSiiQueues, type SiiQueueName } from './sii.queues.ts';
import { SiiClient } from './sii-client/sii-client.ts';
import { connectWorkerRedis } from './worker-redis.ts';

/**
 * Concurrency per queue. A signing job signs a batch of up to 50 documents in one transaction
 * (a few milliseconds of CPU each, a handful of round trips for all), so a few at once keep the
 * CPU busy while another waits on PostgreSQL; uploads and polls wait on the SII.
 */
const CONCURRENCY: Readonly<Record<SiiQueueName, number>> = {
  'sii-sign': 3,
  'sii-envelope': 1,
  'sii-upload': 2,
  'sii-status': 4,
  // One page of the process's one Chromium: PDFs are background work (see renderPdf).
  'sii-pdf': 1,
  // Mails wait on the companies' SMTP servers; a PDF missing is rendered on the shared Chromium.
  'sii-mail': 2,
};

/**
 * A job that failed on a connection error is retried after this long (BullMQ's default is 15 s,
 * which would hold every worker that long after Redis returns).
 */
const RUN_RETRY_DELAY_MS = 1_000;

/**
 * The worker process's SII side: the outbox relay, one BullMQ worker per queue and one PDF
 * renderer (Chromium, launched by the first PDF job). The workers' Redis connection waits out an
 * outage (see worker-redis.ts); while it is down the workers are paused, and when it returns they
 * resume and the relay rebuilds from PostgreSQL whatever the queues lost. The producer connection
 * fails fast instead (see sii.queues.ts).
 */
export async function startSiiWorker(
  config: Config,
  logger: Logger,
  { queuePrefix = `${config.REDIS_PREFIX}-bull` }: { queuePrefix?: string } = {},
) {
  // First: without its key the worker must not start, and has opened nothing yet.
  const box = new SecretBox(config.SECRETS_KEY);
  // A connection for every job that can run at once.
  const orm = await initOrm(
    config.WORKER_DATABASE_URL,
    Object.values(CONCURRENCY).reduce((sum, n) => sum + n, 0),
  );
  const redis = await connectRedis(config.REDIS_URL, (err) =>
    logger.warn({ err: err.message }, 'redis error'),
  );
  const queues = await openSiiQueues({
    redisUrl: config.REDIS_URL,
    prefix: queuePrefix,
    retryDelayMs: config.SII_RETRY_DELAY_MS,
  });
  const announcer = createDteAnnouncer(orm, redis, `${config.REDIS_PREFIX}:socket.io`);
  const deps: PipelineDeps = {
    orm,
    box,
    queues,
    client: new SiiClient({ timeoutMs: config.SII_HTTP_TIMEOUT_MS }),
    config,
    logger,
    announce: (tenantId, changes) =>
      void announcer
        .announce(tenantId, changes)
        .catch((err: Error) => logger.warn({ err: err.message }, 'dte:status not announced')),
    announceMail: (tenantId, documentId, mails) =>
      void announcer
        .announceMail(tenantId, documentId, mails)
        .catch((err: Error) => logger.warn({ err: err.message }, 'dte:mail not announced')),
  };

  const renderer = new SharedPdfRenderer();
  const processors: Record<SiiQueueName, (job: Job, token?: string) => Promise<void>> = {
    'sii-sign': (job) => signDocuments(deps, job),
    'sii-envelope': (job, token) => envelopeDocuments(deps, job, token),
    'sii-upload': (job, token) => uploadEnvelope(deps, job, token),
    'sii-status': (job, token) => pollStatus(deps, job, token),
    'sii-pdf': (job, token) => renderPdf(deps, renderer, job, token),
    'sii-mail': (job) => sendDocumentMail(deps, renderer, job),
  };
  const relay = new OutboxRelay(config.WORKER_DATABASE_URL, deps, config.SII_RELAY_TENANTS);
  let workers: Worker[] = [];
  const link = await connectWorkerRedis(config.REDIS_URL, {
    lost(cause) {
      logger.warn({ err: cause.message }, 'Redis unreachable: SII workers paused until it returns');
      for (const worker of workers) void worker.pause(true);
    },
    restored() {
      logger.info('Redis is back: SII workers resumed');
      for (const worker of workers) void worker.resume();
      relay.recover();
    },
  });
  workers = (Object.keys(processors) as SiiQueueName[]).map((name) => {
    const worker = new Worker(name, processors[name], {
      connection: link.client,
      prefix: queuePrefix,
      concurrency: CONCURRENCY[name],
      lockDuration: config.SII_JOB_LOCK_MS,
      stalledInterval: config.SII_STALLED_INTERVAL_MS,
      maxStalledCount: 2,
      runRetryDelay: RUN_RETRY_DELAY_MS,
    } as ConstructorParameters<typeof Worker>[2]);
    // While Redis is away every command fails; the outage itself was logged once.
    worker.on('error', (err) => {
      if (link.up) logger.warn({ queue: name, err: err.message }, 'worker error');
    });
    worker.on('failed', (job, err) =>
      logger.warn(
        { queue: name, jobId: job?.id, attempts: job?.attemptsMade, err: err.message },
        'SII job failed',
      ),
    );
    return worker;
  });

  await relay.start();
  logger.info({ environment: config.SII_ENVIRONMENT }, 'SII worker started');

  return {
    deps,
    relay,
    async close() {
      await relay.stop();
      await Promise.all(workers.map((w) => w.close().catch(() => undefined)));
      await renderer.close();
      await queues.close();
      await link.client.quit().catch(() => link.client.destroy());
      await redis.quit().catch(() => undefined);
      await orm.close(true);
    },
  };
}

export type SiiWorker = Awaited<ReturnType<typeof startSiiWorker>>;
