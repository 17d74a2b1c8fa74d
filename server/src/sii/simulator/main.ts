/** The SII simulator as its own process (`npm start` runs it beside the server and the worker). */
import { loadConfig } from '../../platform/config.ts';
import { createLogger } from '../../platform/logger.ts';
import { SiiSimulator } from './simulator.ts';

const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL);
const url = new URL(config.SII_SIMULATOR_URL);
const simulator = new SiiSimulator();
await simulator.listen(Number(url.port || 80), url.hostname);
logger.info({ url: config.SII_SIMULATOR_URL }, 'SII simulator listening');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    await simulator.close();
    process.exit(0);
  });
}
