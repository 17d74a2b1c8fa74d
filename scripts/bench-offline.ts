/**
 * `npm run bench:offline`: offline selling through the store node, on its own fresh database,
 * with the central server, the SII worker, the SII simulator and the hub as real processes.
 *
 * 1. Online, the hub takes its folio lease and its catalog replica; TERMINALS POS sockets connect
 *    through it. The central server is killed (SIGKILL).
 * 2. Offline, the terminals ring SALES sales through the hub (each lane one sale at a time):
 *    `sale:commit` latency p50 / p99 and sales per second.
 * 3. The central server is started again: the hub synchronises the journal in batches of 100.
 *    Prints synchronised sales per second (from the first recorded to the last) and the time
 *    from the server's return until the last boleta is accepted by the simulator.
 *
 * Env: SALES (10000), TERMINALS (4).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTestCertificate } from '@erp/sii-core/test-authority';
import { io, type Socket } from 'socket.io-client';
import { migrateUp } from '../server/src/platform/migrate.ts';
import { initOrm, withTenant } from '../server/src/platform/orm.ts';
import { SecretBox } from '../server/src/platform/secrets.ts';
import { storeCertificate } from '../server/src/sii/certificate.store.ts';
import { connectClient, createTestTenant, tokenFor, UNLIMITED_COMMANDS } from '../server/test/harness.ts';
import { addCaf, addProducts, addTerminals, openTill, receiveStock } from '../server/test/selling.ts';
import { ensureDatabase, ensurePostgres, ensureRedis } from './services.ts';

const SALES = Number(process.env.SALES ?? 10_000);
const TERMINALS = Number(process.env.TERMINALS ?? 4);
const PORT = 3921;
const SIMULATOR_PORT = 3922;
const root = fileURLToPath(new URL('..', import.meta.url));
const serverUrl = `http://127.0.0.1:${PORT}`;
const simulatorUrl = `http://127.0.0.1:${SIMULATOR_PORT}`;

await ensurePostgres();
await ensureRedis();
const urls = await ensureDatabase('erp_market_bench_offline', { fresh: true });
await migrateUp(urls.ownerUrl);
const env = {
  ...process.env,
  ...UNLIMITED_COMMANDS,
  DATABASE_URL: urls.appUrl,
  WORKER_DATABASE_URL: urls.workerUrl,
  DATABASE_OWNER_URL: urls.ownerUrl,
  REDIS_PREFIX: `erp-bench-offline-${process.pid}`,
  SECRETS_KEY: randomBytes(32).toString('hex'),
  LOG_LEVEL: 'warn',
  SII_SIMULATOR_URL: simulatorUrl,
  SII_SIMULATOR_VERIFY: 'light',
  SII_ENVELOPE_WINDOW_MS: '1000',
  SII_STATUS_POLL_MS: '1000',
};

const orm = await initOrm(urls.appUrl, 4);
const backend = { orm, secrets: new SecretBox(env.SECRETS_KEY) };
const tenant = await createTestTenant(backend as never, 'benchoff');
const products = (await addProducts(backend, tenant)).filter((p) => !p.weighable && !p.exempt);
await receiveStock(
  backend,
  tenant,
  tenant.stores[0]!.warehouseId,
  products.map((p) => p.id),
  '1000000',
);
await addCaf(backend, tenant, 39, 1, SALES + 10_000);
await addCaf(backend, tenant, 41, 1, 1000);
const pfx = makeTestCertificate({ rut: '11111111-1', name: 'Firmante Bench', password: 'clave' });
await withTenant(orm, tenant.tenantId, (em) =>
  storeCertificate(em, backend.secrets, tenant.tenantId, pfx, 'clave'),
);
const terminalIds = await addTerminals(backend, tenant, TERMINALS);

const children: ChildProcess[] = [];
function start(script: string, extra: Record<string, string> = {}, stdout: 'ignore' | 'pipe' = 'ignore') {
  const child = spawn(process.execPath, [script], {
    cwd: root,
    env: { ...env, ...extra },
    stdio: ['ignore', stdout, 'inherit'],
  });
  children.push(child);
  return child;
}
process.once('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

async function waitUntil(what: string, probe: () => Promise<boolean> | boolean, ms = 60_000) {
  const deadline = Date.now() + ms;
  while (!(await Promise.resolve(probe()).catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

start('server/src/sii/simulator/main.ts');
let server = start('server/src/main.ts', { PORT: String(PORT) });
await waitUntil('server', async () => (await fetch(`${serverUrl}/api/health`)).ok);
start('server/src/worker.ts');

const admin = await connectClient(serverUrl, tenant.slug, {
  token: await tokenFor(serverUrl, tenant.emails.admin),
  screen: 'backoffice',
});
const sizes = await admin.emitWithAck('folio-lease:save-settings', {
  storeId: tenant.stores[0]!.id,
  sizes: { 39: Math.min(50_000, SALES + 1000), 41: 10, 33: 0 },
});
if (!sizes.ok) throw new Error(JSON.stringify(sizes.error));
const issued = await admin.emitWithAck('hub:create-credential', {
  storeId: tenant.stores[0]!.id,
  name: 'Hub bench',
});
if (!issued.ok) throw new Error(JSON.stringify(issued.error));
admin.close();
const tills = await Promise.all(terminalIds.map((t) => openTill({ url: serverUrl }, tenant, t)));
for (const till of tills) till.socket.close();

// The hub: info logs on stdout, read for its port and its progress.
const dataDir = mkdtempSync(join(tmpdir(), 'bench-offline-'));
const hubLogs: Record<string, unknown>[] = [];
const hub = start(
  'hardware-hub/src/main.ts',
  {
    LOG_LEVEL: 'info',
    HUB_SERVER_URL: serverUrl,
    HUB_TENANT: tenant.slug,
    HUB_STORE_ID: issued.data.storeId,
    HUB_TOKEN: issued.data.token,
    HUB_DATA_DIR: dataDir,
    HUB_HTTP_PORT: '0',
    HUB_HTTP_HOST: '127.0.0.1',
    HUB_OFFLINE_AFTER_MS: '2000',
  },
  'pipe',
);
let buffered = '';
hub.stdout!.on('data', (chunk: Buffer) => {
  buffered += chunk.toString();
  const lines = buffered.split('\n');
  buffered = lines.pop()!;
  for (const line of lines) if (line.startsWith('{')) hubLogs.push(JSON.parse(line));
});
const logged = (msg: string) => hubLogs.find((l) => l.msg === msg);
await waitUntil('the store node', () => logged('store node listening') !== undefined);
const hubUrl = `http://127.0.0.1:${logged('store node listening')!.port}`;
await waitUntil('the lease', () => logged('leases refreshed') !== undefined);

const cashierToken = await tokenFor(serverUrl, tenant.emails.cashier);
type State = { online: boolean; pendingSales: number };
let state: State = { online: true, pendingSales: 0 };
const poses: Socket[] = [];
for (let i = 0; i < TERMINALS; i++) {
  const pos = io(`${hubUrl}/t/${tenant.slug}`, {
    auth: { token: cashierToken, screen: 'pos' },
    transports: ['websocket'],
    forceNew: true,
  });
  pos.on('node:state', (s: State) => {
    if (i === 0) state = s;
  });
  await new Promise<void>((resolve, reject) => {
    pos.once('connect', () => resolve());
    pos.once('connect_error', reject);
  });
  poses.push(pos);
}
await waitUntil('the catalog replica', () => logged('catalog replica refreshed') !== undefined);
await new Promise((r) => setTimeout(r, 2000)); // replica on disk, sessions identified

const exited = new Promise((r) => server.once('exit', r));
server.kill('SIGKILL');
await exited;
await waitUntil('the hub to notice', () => !state.online, 20_000);

console.log(
  `offline: ${SALES} sales through the hub from ${TERMINALS} terminals… (load ${loadavg()[0]!.toFixed(2)})`,
);
const latencies: number[] = [];
let next = 0;
const ringStarted = performance.now();
await Promise.all(
  poses.map(async (pos, lane) => {
    while (next < SALES) {
      next++;
      const product = products[next % products.length]!;
      const sale = {
        saleId: randomUUID(),
        terminalId: tills[lane]!.terminalId,
        cashSessionId: tills[lane]!.cashSessionId,
        lines: [{ productId: product.id, quantity: '1', unitPrice: product.price }],
        payments: [{ method: 'cash' as const, tendered: Math.ceil(product.price / 10) * 10 }],
      };
      const started = performance.now();
      const answer = (await pos.timeout(20_000).emitWithAck('sale:commit', sale)) as {
        ok: boolean;
        error?: unknown;
      };
      latencies.push(performance.now() - started);
      if (!answer.ok) throw new Error(`offline sale failed: ${JSON.stringify(answer.error)}`);
    }
  }),
);
const ringSeconds = (performance.now() - ringStarted) / 1000;
const sorted = latencies.sort((a, b) => a - b);
const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
const loadOffline = loadavg()[0]!;

console.log('central server back; synchronising…');
const back = performance.now();
server = start('server/src/main.ts', { PORT: String(PORT) });
const counts: { at: number; n: number }[] = [];
const count = async (sql: string) =>
  (await withTenant(orm, tenant.tenantId, (em) => em.execute<{ n: number }[]>(sql)))[0]!.n;
await waitUntil(
  'every offline sale recorded',
  async () => {
    const n = await count('select count(*)::int as n from offline_sale');
    counts.push({ at: performance.now(), n });
    return n >= SALES;
  },
  1_800_000,
);
const first = counts.find((c) => c.n > 0)!;
const last = counts.at(-1)!;
const syncRate = (last.n - first.n) / ((last.at - first.at) / 1000);
await waitUntil('the hub to report nothing pending', () => state.pendingSales === 0 && state.online, 120_000);
const synced = performance.now();
await waitUntil(
  'every boleta accepted',
  async () => (await count(`select count(*)::int as n from dte_document where state = 'accepted'`)) >= SALES,
  1_800_000,
);
const accepted = performance.now();
const loadEnd = loadavg()[0]!;

console.log(`
Offline sale:commit through the hub, ${TERMINALS} terminals, ${SALES} sales
  p50 ${q(0.5).toFixed(1)} ms   p99 ${q(0.99).toFixed(1)} ms   max ${sorted.at(-1)!.toFixed(1)} ms   ${(SALES / ringSeconds).toFixed(0)} sales/s
Synchronisation when the central server returned
  ${syncRate.toFixed(0)} sales/s (first to last recorded), all recorded and acknowledged ${((synced - back) / 1000).toFixed(1)} s after the server was started again
  last boleta accepted by the SII simulator ${((accepted - back) / 1000).toFixed(1)} s after the server was started again
Load average (1 min): ${loadOffline.toFixed(2)} while selling offline, ${loadEnd.toFixed(2)} at the end (machine shared with other work)`);

for (const pos of poses) pos.close();
for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
await orm.close();
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
