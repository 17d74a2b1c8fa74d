import { loadConfig } from './platform/config.ts';
import { createLogger } from './platform/logger.ts';
import { startSiiWorker } from './sii/sii.worker.ts';

/** Background process: the outbox relay and the BullMQ workers of the SII pipeline. */
const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL, 'worker');
const worker = await startSiiWorker(config, logger);

/**
 * How long a graceful stop may take. Every job step is idempotent and a killed worker's jobs are
 * taken up again (the kill -9 tests), so a close that does not finish in time (seen once with
 * thousands of PDFs waiting, not diagnosed) ends the process rather than hang the deploy.
 */
const CLOSE_TIMEOUT_MS = 15_000;

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    logger.info({ signal }, 'worker shutting down');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs: CLOSE_TIMEOUT_MS }, 'worker did not close in time: exiting');
      process.exit(1);
    }, CLOSE_TIMEOUT_MS);
    timer.unref();
    await worker.close();
    process.exit(0);
  });
}
