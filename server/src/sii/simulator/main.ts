/**
 * The SII simulator as its own process (`npm start` runs it beside the server and the worker).
 * Its own settings: `SII_SIMULATOR_THREADS` (threads that check uploads; one per core, at most 4)
 * and `SII_SIMULATOR_VERIFY` (`full`, the default, or `light`: see LIGHT_SIGNATURE_SAMPLE).
 */
import { z } from 'zod';
import { loadConfig } from '../../platform/config.ts';
import { createLogger } from '../../platform/logger.ts';
import { SiiSimulator } from './simulator.ts';

const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL);
const settings = z
  .object({
    SII_SIMULATOR_THREADS: z.coerce.number().int().min(1).max(64).optional(),
    SII_SIMULATOR_VERIFY: z.enum(['full', 'light']).default('full'),
  })
  .parse(process.env);
const url = new URL(config.SII_SIMULATOR_URL);
const simulator = new SiiSimulator({
  threads: settings.SII_SIMULATOR_THREADS,
  verify: settings.SII_SIMULATOR_VERIFY,
});
await simulator.listen(Number(url.port || 80), url.hostname);
logger.info({ url: config.SII_SIMULATOR_URL, ...settings }, 'SII simulator listening');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    await simulator.close();
    process.exit(0);
  });
}
