import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { CODE_PAGES } from './drivers/printer/code-pages.ts';
import { SCALE_PROTOCOLS } from './drivers/scale/protocols.ts';
import { DEFAULT_TIME_ZONE } from './receipts/format.ts';

const DeviceId = z.string().regex(/^[a-z0-9-]+$/);
const SerialSettings = z.object({
  baudRate: z.number().int().positive(),
  dataBits: z.literal([7, 8]),
  parity: z.enum(['none', 'even', 'odd']),
  stopBits: z.literal([1, 2]),
});

const PrinterConfig = z.object({
  id: DeviceId,
  name: z.string().default('Impresora'),
  connection: z.discriminatedUnion('type', [
    z.object({ type: z.literal('tcp'), host: z.string(), port: z.number().int().default(9100) }),
    z.object({ type: z.literal('serial'), path: z.string(), serial: SerialSettings.partial().default({}) }),
  ]),
  paperWidthMm: z.literal([58, 80]).default(80),
  codePage: z.enum(CODE_PAGES).default('cp858'),
  pdf417: z.enum(['native', 'raster']).default('native'),
});

const ScaleConfig = z.object({
  id: DeviceId,
  name: z.string().default('Balanza'),
  protocol: z.enum(Object.keys(SCALE_PROTOCOLS) as [keyof typeof SCALE_PROTOCOLS]),
  path: z.string(),
  serial: SerialSettings.partial().default({}),
});

/** The hub's configuration file; server settings may come from the environment instead. */
export const HubConfig = z.object({
  server: z.object({
    url: z.string().url(),
    tenant: z.string().min(1),
    storeId: z.string().uuid(),
    token: z.string().min(1),
  }),
  dataDir: z.string().default('var/hub'),
  timeZone: z.string().default(DEFAULT_TIME_ZONE),
  printers: z.array(PrinterConfig).default([]),
  scales: z.array(ScaleConfig).default([]),
});
export type HubConfig = z.output<typeof HubConfig>;
export type PrinterConfig = z.output<typeof PrinterConfig>;
export type ScaleConfig = z.output<typeof ScaleConfig>;

/**
 * Reads the configuration file (when given) and lets `HUB_SERVER_URL`, `HUB_TENANT`,
 * `HUB_STORE_ID`, `HUB_TOKEN` and `HUB_DATA_DIR` override it, so the token need not be stored
 * in the file.
 */
export function loadConfig(path: string | undefined, env: NodeJS.ProcessEnv = process.env): HubConfig {
  const file = path ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>) : {};
  const server = (file.server ?? {}) as Record<string, unknown>;
  const merged = {
    ...file,
    server: {
      ...server,
      ...(env.HUB_SERVER_URL ? { url: env.HUB_SERVER_URL } : {}),
      ...(env.HUB_TENANT ? { tenant: env.HUB_TENANT } : {}),
      ...(env.HUB_STORE_ID ? { storeId: env.HUB_STORE_ID } : {}),
      ...(env.HUB_TOKEN ? { token: env.HUB_TOKEN } : {}),
    },
    ...(env.HUB_DATA_DIR ? { dataDir: env.HUB_DATA_DIR } : {}),
  };
  const parsed = HubConfig.safeParse(merged);
  if (!parsed.success) {
    throw new Error(
      `invalid hub configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}
