/**
 * The store's hardware hub: `node src/main.ts [--config hub.config.json] [--simulate]`.
 * Server settings may come from HUB_SERVER_URL, HUB_TENANT, HUB_STORE_ID, HUB_TOKEN; with
 * HUB_HTTP_PORT the hub is also the store node (see node/store-node.ts).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import packageJson from '../package.json' with { type: 'json' };
import { type HubConfig, loadConfig } from './config.ts';
import { createDevices } from './devices.ts';
import { Hub } from './hub.ts';
import { connectHub } from './hub-connection.ts';
import { PrintJournal } from './journal.ts';
import { LocalDevices } from './local-devices.ts';
import { createLogger } from './logger.ts';
import { LinkMonitor } from './node/link-monitor.ts';
import { OfflineSelling } from './node/offline-selling.ts';
import { OfflineTill } from './node/offline-till.ts';
import { StoreNode } from './node/store-node.ts';
import { PrintSpool } from './spool.ts';

const { values } = parseArgs({
  options: { config: { type: 'string' }, simulate: { type: 'boolean', default: false } },
});
const logger = createLogger();
/** The configuration, or the reason the hub cannot start with it (it then exits at once). */
function configuration(): HubConfig {
  try {
    return loadConfig(values.config ?? process.env.HUB_CONFIG);
  } catch (error) {
    logger.fatal({ err: (error as Error).message }, 'cannot start: invalid configuration');
    process.exit(1);
  }
}
const config = configuration();
const devices = createDevices(config, values.simulate, logger);
if (devices.printers.length === 0) logger.warn('no printers configured');

const journal = await PrintJournal.open(join(config.dataDir, 'print-journal.jsonl'));
const spool = new PrintSpool({ journal, printers: devices.printers, logger, timeZone: config.timeZone });
const socket = connectHub(
  {
    serverUrl: config.server.url,
    tenantSlug: config.server.tenant,
    storeId: config.server.storeId,
    token: config.server.token,
  },
  logger,
);
const server = socket as unknown as {
  connected: boolean;
  timeout(ms: number): { emitWithAck(event: string, payload: unknown): Promise<unknown> };
};
const localDevices = new LocalDevices(spool, devices.scales, logger);
new Hub({ socket, spool, devices: localDevices, logger, version: packageJson.version });
await spool.start();

// The store node: the POS and the tablet load from here and keep working without the central server.
let node: StoreNode | null = null;
let link: LinkMonitor | null = null;
let selling: OfflineSelling | null = null;
let till: OfflineTill | null = null;
if (config.node.httpPort !== undefined) {
  link = new LinkMonitor({
    serverUrl: config.server.url,
    logger,
    heartbeatMs: config.node.heartbeatMs,
    offlineAfterMs: config.node.offlineAfterMs,
  });
  // The hub's own connection dropping is the fastest sign the central server went away.
  socket.on('disconnect', () => void link?.probe());
  selling = new OfflineSelling({ dataDir: config.dataDir, storeId: config.server.storeId, spool, logger });
  await selling.load();
  till = new OfflineTill({ dataDir: config.dataDir, journal: selling.journal, spool, logger });
  await till.load();
  const tills = till;
  node = new StoreNode({
    serverUrl: config.server.url,
    tenantSlug: config.server.tenant,
    storeId: config.server.storeId,
    httpPort: config.node.httpPort,
    httpHost: config.node.httpHost,
    clientDist: config.node.clientDist,
    dataDir: config.dataDir,
    link,
    spool,
    devices: localDevices,
    logger,
    offline: { 'sale:commit': selling.commit, ...tills.handlers },
    pendingSales: () => selling?.pending ?? 0,
    relayed: (event) => tills.relayed(event, askServer),
  });
  startNodeSync(selling, tills, node, link);
  // Knowing at once whether the server answers, so the first terminals are served the right way.
  await link.start();
  await node.start();
}
logger.info(
  {
    simulate: values.simulate,
    printers: devices.printers.map((p) => p.info.id),
    scales: devices.scales.map((s) => s.info.id),
  },
  'hardware hub started',
);

/** A command to the central server over the hub's own connection. */
function askServer(event: string, payload: unknown, timeoutMs = 15_000): Promise<unknown> {
  return server.timeout(timeoutMs).emitWithAck(event, payload);
}

/**
 * The store node's side of the central server's hub connection: on every connection, the leases
 * (asked with the cursors), then the offline sales journal synchronised (with the tills), the
 * tills read again, the drawer openings audited, then the node's state reported; the state again whenever the pending count moves (at most every 2 s).
 */
function startNodeSync(
  selling: OfflineSelling,
  tills: OfflineTill,
  node: StoreNode,
  link: LinkMonitor,
): void {
  const ask = askServer;
  let reportTimer: NodeJS.Timeout | null = null;
  const report = () => {
    if (reportTimer || !server.connected) return;
    reportTimer = setTimeout(() => {
      reportTimer = null;
      if (!server.connected) return;
      const { online, since } = link.state;
      ask('node:status', {
        offlineSince: online ? null : since.toISOString(),
        pending: selling.pending,
      }).catch((error: Error) => logger.warn({ err: error.message }, 'node status not reported'));
    }, 2000);
  };
  let retry: NodeJS.Timeout | null = null;
  const catchUp = async () => {
    if (retry) clearTimeout(retry);
    retry = null;
    try {
      await selling.refreshLeases((event, payload) => ask(event, payload));
      await selling.sync(ask, tills);
      await tills.refresh(ask);
      await node.offlineLog.send(ask);
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'store node catch-up failed; trying again');
      if (server.connected) retry = setTimeout(() => void catchUp(), 5000);
    } finally {
      report();
    }
  };
  socket.on('connect', () => void catchUp());
  if (server.connected) void catchUp();
  link.on('change', (state) => {
    report();
    if (state.online && server.connected) void catchUp();
    else if (state.online) {
      // The central server answers its ping again: connect now rather than at the end of the
      // socket's backoff (up to 30 s), so the offline sales start to sync within a second.
      logger.info('central server answers again: reconnecting now');
      socket.disconnect().connect();
    }
  });
  selling.onPendingChange(() => {
    node.broadcastState();
    report();
  });
}

async function shutdown(signal: string): Promise<void> {
  logger.info({ signal }, 'stopping');
  socket.close();
  link?.stop();
  till?.stop();
  await node?.stop();
  await selling?.close();
  await spool.stop();
  await journal.close();
  await Promise.all([...devices.printers, ...devices.scales].map((device) => device.close()));
  process.exit(0);
}
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
