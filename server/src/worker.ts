import { loadConfig } from './platform/config.ts';
import { createLogger } from './platform/logger.ts';
import { startSiiWorker } from './sii/sii.worker.ts';

/** Background process: the outbox relay and the BullMQ workers of the SII pipeline. */
const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL, 'worker');
const worker = await startSiiWorker(config, logger);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    logger.info({ signal }, 'worker shutting down');
    await worker.close();
    process.exit(0);
  });
}
