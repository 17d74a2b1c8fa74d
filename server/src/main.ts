import { createServer } from './app.ts';
import { loadConfig } from './platform/config.ts';
import { createLogger } from './platform/logger.ts';

/** API + Socket.IO process. */
const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL);
const server = await createServer(config, logger);
const port = await server.listen();
logger.info({ port }, 'server listening');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    logger.info({ signal }, 'shutting down');
    await server.close();
    process.exit(0);
  });
}
