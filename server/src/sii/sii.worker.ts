import { type Job, Worker } from 'bullmq';
import { createClient } from 'redis';
import type { Config } from '../platform/config.ts';
import type { Logger } from '../platform/logger.ts';
import { initOrm } from '../platform/orm.ts';
import { connectRedis } from '../platform/redis.ts';
import { SecretBox } from '../platform/secrets.ts';
import { createDteAnnouncer } from './dte-announcer.ts';
import { renderPdf, SharedPdfRenderer } from './dte-pdf.ts';
import { OutboxRelay } from './outbox-relay.ts';
import {
  envelopeDocuments,
  type PipelineDeps,
  pollStatus,
  signDocument,
  uploadEnvelope,
} from './sii.jobs.ts';
import { openSiiQueues, type SiiQueueName } from './sii.queues.ts';
import { SiiClient } from './sii-client/sii-client.ts';

/** Concurrency per queue: signing is CPU (RSA), uploads and polls wait on the SII. */
const CONCURRENCY: Readonly<Record<SiiQueueName, number>> = {
  'sii-sign': 4,
  'sii-envelope': 1,
  'sii-upload': 2,
  'sii-status': 4,
  // Pages of the process's one Chromium.
  'sii-pdf': 2,
};

/**
 * The worker process's SII side: the outbox relay, one BullMQ worker per queue and one PDF
 * renderer (Chromium, launched by the first PDF job). Worker Redis
 * connections retry forever (node-redis queues commands while reconnecting, the equivalent of
 * `maxRetriesPerRequest: null`); the producer connection fails fast (see sii.queues.ts).
 */
export async function startSiiWorker(
  config: Config,
  logger: Logger,
  { queuePrefix = `${config.REDIS_PREFIX}-bull` }: { queuePrefix?: string } = {},
) {
  const orm = await initOrm(config.DATABASE_URL, 6);
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
    box: new SecretBox(config.SECRETS_KEY),
    queues,
    client: new SiiClient({ timeoutMs: config.SII_HTTP_TIMEOUT_MS }),
    config,
    logger,
    announce: (tenantId, changes) =>
      void announcer
        .announce(tenantId, changes)
        .catch((err: Error) => logger.warn({ err: err.message }, 'dte:status not announced')),
  };

  const renderer = new SharedPdfRenderer();
  const processors: Record<SiiQueueName, (job: Job, token?: string) => Promise<void>> = {
    'sii-sign': (job) => signDocument(deps, job),
    'sii-envelope': (job) => envelopeDocuments(deps, job),
    'sii-upload': (job) => uploadEnvelope(deps, job),
    'sii-status': (job, token) => pollStatus(deps, job, token),
    'sii-pdf': (job) => renderPdf(deps, renderer, job),
  };
  const workerConnection = createClient({
    url: config.REDIS_URL,
    socket: { reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 1_000) },
  });
  workerConnection.on('error', () => undefined);
  await workerConnection.connect();
  const workers = (Object.keys(processors) as SiiQueueName[]).map((name) => {
    const worker = new Worker(name, processors[name], {
      connection: workerConnection,
      prefix: queuePrefix,
      concurrency: CONCURRENCY[name],
      lockDuration: config.SII_JOB_LOCK_MS,
      stalledInterval: config.SII_STALLED_INTERVAL_MS,
      maxStalledCount: 2,
    } as ConstructorParameters<typeof Worker>[2]);
    worker.on('error', (err) => logger.warn({ queue: name, err: err.message }, 'worker error'));
    worker.on('failed', (job, err) =>
      logger.warn(
        { queue: name, jobId: job?.id, attempts: job?.attemptsMade, err: err.message },
        'SII job failed',
      ),
    );
    return worker;
  });

  const relay = new OutboxRelay(config.DATABASE_URL, deps, config.SII_RELAY_TENANTS);
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
      await workerConnection.quit().catch(() => workerConnection.destroy());
      await redis.quit().catch(() => undefined);
      await orm.close(true);
    },
  };
}

export type SiiWorker = Awaited<ReturnType<typeof startSiiWorker>>;
