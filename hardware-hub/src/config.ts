import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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

/** 127.0.0.0/8, ::1 and localhost: traffic that never leaves the machine. */
function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * The server's address: `https://`/`wss://`, or plain `http://`/`ws://` to this machine only.
 * The device token travels in the handshake, and the receipts back: over a store's network
 * anyone on the path could read the token and act as the store's hub.
 */
const ServerUrl = z
  .string()
  .url()
  .refine((value) => !URL.canParse(value) || /^(https|wss|http|ws):$/.test(new URL(value).protocol), {
    message: 'must be an https://, wss://, http:// or ws:// address',
  })
  .refine(
    (value) => {
      if (!URL.canParse(value)) return true; // reported by url()
      const url = new URL(value);
      return url.protocol === 'https:' || url.protocol === 'wss:' || isLoopback(url.hostname);
    },
    {
      message:
        'must use https:// or wss:// (TLS): plain http:// and ws:// are only for a server on this machine (127.0.0.1, ::1, localhost)',
    },
  );

/** The built client in this repository (`npm run build -w client`). */
const REPOSITORY_CLIENT_DIST = fileURLToPath(new URL('../../client/dist', import.meta.url));

/**
 * The store node (README, "Store node"): with `httpPort` set, the hub serves the built client
 * and relays the terminals' connections on the store's network. Without it, the hub only drives
 * the devices for the central server, as before.
 */
const NodeConfig = z.object({
  /** 0 picks a free port (tests). */
  httpPort: z.number().int().min(0).max(65535).optional(),
  /** Every interface by default: the terminals are other machines of the store's network. */
  httpHost: z.string().default('0.0.0.0'),
  clientDist: z.string().default(REPOSITORY_CLIENT_DIST),
  /** No heartbeat answered for this long: the central server counts as unreachable. */
  offlineAfterMs: z.number().int().min(500).default(3000),
  heartbeatMs: z.number().int().min(100).default(1000),
});

/** The hub's configuration file; server settings may come from the environment instead. */
export const HubConfig = z.object({
  server: z.object({
    url: ServerUrl,
    tenant: z.string().min(1),
    storeId: z.string().uuid(),
    token: z.string().min(1),
  }),
  dataDir: z.string().default('var/hub'),
  timeZone: z.string().default(DEFAULT_TIME_ZONE),
  printers: z.array(PrinterConfig).default([]),
  scales: z.array(ScaleConfig).default([]),
  node: NodeConfig.default(NodeConfig.parse({})),
});
export type HubConfig = z.output<typeof HubConfig>;
export type PrinterConfig = z.output<typeof PrinterConfig>;
export type ScaleConfig = z.output<typeof ScaleConfig>;

/**
 * Reads the configuration file (when given) and lets `HUB_SERVER_URL`, `HUB_TENANT`,
 * `HUB_STORE_ID`, `HUB_TOKEN`, `HUB_DATA_DIR`, and for the store node `HUB_HTTP_PORT`,
 * `HUB_HTTP_HOST`, `HUB_CLIENT_DIST` and `HUB_OFFLINE_AFTER_MS` override it, so the token need
 * not be stored in the file.
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
    node: {
      ...((file.node ?? {}) as Record<string, unknown>),
      ...(env.HUB_HTTP_PORT ? { httpPort: Number(env.HUB_HTTP_PORT) } : {}),
      ...(env.HUB_HTTP_HOST ? { httpHost: env.HUB_HTTP_HOST } : {}),
      ...(env.HUB_CLIENT_DIST ? { clientDist: env.HUB_CLIENT_DIST } : {}),
      ...(env.HUB_OFFLINE_AFTER_MS ? { offlineAfterMs: Number(env.HUB_OFFLINE_AFTER_MS) } : {}),
    },
  };
  const parsed = HubConfig.safeParse(merged);
  if (!parsed.success) {
    throw new Error(
      `invalid hub configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}
