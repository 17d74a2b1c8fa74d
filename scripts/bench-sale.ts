/**
 * `npm run bench:sale`: cashiers (socket.io-client) ring sales against the real server running
 * as its own process, and the same load against a raw-`pg` floor (bench/raw-sale-server.ts)
 * doing the same writes. Prints p50/p95/p99 latency and sales per second for both and the ratio,
 * and the time to close a cash session holding thousands of tickets.
 *
 * Env: CASHIERS (20), DURATION (60 s, open loop at one sale per second per cashier, run in
 * alternating 10 s rounds on the two servers),
 * CLOSED_SALES (250 per cashier, closed loop).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import { recordInSession } from '../server/src/cash/index.ts';
import { migrateUp } from '../server/src/platform/migrate.ts';
import { initOrm, withTenant } from '../server/src/platform/orm.ts';
import { SecretBox } from '../server/src/platform/secrets.ts';
import {
  connectClient,
  createTestTenant,
  type TestTenant,
  tokenFor,
  UNLIMITED_COMMANDS,
} from '../server/test/harness.ts';
import { connectHub, issueHubCredential } from '../server/test/hubs.ts';
import {
  addCaf,
  addProducts,
  addTerminals,
  openTill,
  receiveStock,
  type TestProduct,
} from '../server/test/selling.ts';
import { ensureDatabase, ensurePostgres, ensureRedis } from './services.ts';

const CASHIERS = Number(process.env.CASHIERS ?? 20);
const DURATION = Number(process.env.DURATION ?? 60);
const CLOSED_SALES = Number(process.env.CLOSED_SALES ?? 250);
const ROUND_SECONDS = 10;
const root = fileURLToPath(new URL('..', import.meta.url));

await ensurePostgres();
await ensureRedis();
const urls = await ensureDatabase('erp_market_bench', { fresh: true });
await migrateUp(urls.ownerUrl);
const env = {
  ...process.env,
  ...UNLIMITED_COMMANDS,
  DATABASE_URL: urls.appUrl,
  WORKER_DATABASE_URL: urls.workerUrl,
  DATABASE_OWNER_URL: urls.ownerUrl,
  REDIS_PREFIX: 'erp-bench',
  // The database is made fresh for this run: so is the key that seals its secrets.
  SECRETS_KEY: randomBytes(32).toString('hex'),
  LOG_LEVEL: 'warn',
};

const orm = await initOrm(urls.appUrl, 4);
const backend = { orm, secrets: new SecretBox(env.SECRETS_KEY) };
const PRODUCTS = Array.from({ length: 50 }, (_, i) => ({
  code: `B${i}`,
  name: `Producto de prueba ${i}`,
  price: 500 + i * 110,
  exempt: false,
  weighable: false,
}));

async function prepareTenant(label: string) {
  const tenant = await createTestTenant(backend as never, label);
  const products = await addProducts(backend, tenant, PRODUCTS);
  await receiveStock(
    backend,
    tenant,
    tenant.stores[0]!.warehouseId,
    products.map((p) => p.id),
    '10000000',
  );
  await addCaf(backend, tenant, 39, 1, 1_000_000);
  return { tenant, products };
}

/** The servers this run started: stopped however the run ends, a failed sale included. */
const started: ChildProcess[] = [];
process.on('exit', () => {
  for (const child of started) if (child.exitCode === null) child.kill('SIGTERM');
});

function startProcess(
  script: string,
  port: number,
  extra: Record<string, string> = {},
): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_PROFILE && script.includes('main.ts')
        ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof']
        : []),
      script,
    ],
    {
      cwd: root,
      env: { ...env, PORT: String(port), ...extra },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  started.push(child);
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 20_000;
    const poll = () => {
      const probe = io(`http://127.0.0.1:${port}`, {
        transports: ['websocket'],
        reconnection: false,
        timeout: 500,
      });
      probe.on('connect', () => {
        probe.close();
        resolve(child);
      });
      probe.on('connect_error', (error: Error & { data?: unknown }) => {
        probe.close();
        // The ERP server refuses the main namespace with a coded error: it is up.
        if (error.data) resolve(child);
        else if (Date.now() > deadline) reject(new Error(`${script} did not start`));
        else setTimeout(poll, 200);
      });
    };
    poll();
  });
}

/**
 * The store's hub, answering as the hub process does once a receipt is printed: a store sells
 * with its hub online, so every sale's receipt is delivered, acknowledged and recorded.
 */
async function connectBenchHub(url: string, tenant: TestTenant) {
  const owner = await connectClient(url, tenant.slug, { token: await tokenFor(url, tenant.emails.owner) });
  const credential = await issueHubCredential(owner, tenant.stores[0]!.id, 'Hub del benchmark');
  owner.close();
  const hub = await connectHub(url, tenant.slug, credential);
  (hub.on as (event: string, listener: (...args: never[]) => void) => void)(
    'print:job',
    (job: { jobId: string }, ack: (result: unknown) => void) =>
      ack({
        ok: true,
        data: {
          jobId: job.jobId,
          printerId: 'boletas',
          state: 'done',
          duplicate: false,
          at: new Date().toISOString(),
        },
      }),
  );
  return hub;
}

interface Lane {
  socket: Socket;
  terminalId: string;
  cashSessionId: string;
}

function randomSale(lane: Lane, products: TestProduct[], extra: Record<string, unknown> = {}) {
  const count = 1 + Math.floor(Math.random() * 4);
  const picked = Array.from({ length: count }, () => products[Math.floor(Math.random() * products.length)]!);
  const unique = [...new Map(picked.map((p) => [p.id, p])).values()];
  const lines = unique.map((p) => ({
    productId: p.id,
    quantity: String(1 + Math.floor(Math.random() * 3)),
    unitPrice: p.price,
  }));
  const total = lines.reduce((s, l) => s + l.unitPrice * Number(l.quantity), 0);
  return {
    saleId: randomUUID(),
    terminalId: lane.terminalId,
    cashSessionId: lane.cashSessionId,
    lines,
    payments: [{ method: 'cash', tendered: total + 10 }],
    ...extra,
  };
}

async function timedSale(lane: Lane, sale: object, latencies: number[]) {
  const start = performance.now();
  const result = await lane.socket.timeout(10_000).emitWithAck('sale:commit', sale);
  if (!result.ok) throw new Error(`sale failed: ${JSON.stringify(result.error)}`);
  latencies.push(performance.now() - start);
}

/** Each lane rings one sale per second for `seconds` (open loop), starting at a random offset. */
async function openLoop(lanes: Lane[], make: (lane: Lane) => object, seconds: number) {
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    lanes.map(async (lane) => {
      await new Promise((r) => setTimeout(r, Math.random() * 1000));
      const pending: Promise<void>[] = [];
      for (let i = 0; i < seconds; i++) {
        pending.push(timedSale(lane, make(lane), latencies));
        await new Promise((r) => setTimeout(r, 1000));
      }
      await Promise.all(pending);
    }),
  );
  return { latencies, seconds: (performance.now() - started) / 1000 };
}

/** Each lane rings its next sale as soon as the previous is acknowledged. */
async function closedLoop(lanes: Lane[], make: (lane: Lane) => object) {
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    lanes.map(async (lane) => {
      for (let i = 0; i < CLOSED_SALES; i++) await timedSale(lane, make(lane), latencies);
    }),
  );
  return { latencies, seconds: (performance.now() - started) / 1000 };
}

/** CPU seconds (user + system) a child process has used so far, from /proc. */
function cpuSeconds(child: ChildProcess): number {
  const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Runs a load and records the server's CPU time per sale alongside the latencies. */
async function measured(child: ChildProcess, load: () => Promise<{ latencies: number[]; seconds: number }>) {
  const before = cpuSeconds(child);
  const run = await load();
  return { ...run, cpuMsPerSale: ((cpuSeconds(child) - before) * 1000) / run.latencies.length };
}

type Measured = Awaited<ReturnType<typeof measured>>;

/** Several runs of one side as one: latencies together, seconds and CPU time added up. */
function merged(runs: Measured[]): Measured {
  const latencies = runs.flatMap((r) => r.latencies);
  const cpuMs = runs.reduce((sum, r) => sum + r.cpuMsPerSale * r.latencies.length, 0);
  return {
    latencies,
    seconds: runs.reduce((sum, r) => sum + r.seconds, 0),
    cpuMsPerSale: cpuMs / latencies.length,
  };
}

function stats({ latencies, seconds, cpuMsPerSale }: Measured) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return {
    n: sorted.length,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    perSecond: sorted.length / seconds,
    cpuMsPerSale,
  };
}

const fmt = (s: ReturnType<typeof stats>) =>
  `${String(s.n).padStart(6)} sales  p50 ${s.p50.toFixed(2).padStart(7)} ms  p95 ${s.p95.toFixed(2).padStart(7)} ms  p99 ${s.p99.toFixed(2).padStart(7)} ms  ${s.perSecond.toFixed(0).padStart(5)} sales/s  server CPU ${s.cpuMsPerSale.toFixed(2)} ms/sale`;

// Both servers run side by side, each with its own tenant; only one is under load at a time.
// --- ERP Market server -----------------------------------------------------------------------
const real = await prepareTenant('bench');
const terminals = await addTerminals(backend, real.tenant, CASHIERS);
const server = await startProcess('server/src/main.ts', 3901);
const serverUrl = 'http://127.0.0.1:3901';
const lanes: Lane[] = await Promise.all(
  terminals.map((t) => openTill({ url: serverUrl }, real.tenant as TestTenant, t)),
);
const ourSale = (lane: Lane) => randomSale(lane, real.products);
const hub = await connectBenchHub(serverUrl, real.tenant as TestTenant);

// --- raw pg floor ----------------------------------------------------------------------------
const raw = await prepareTenant('raw');
const rawTerminals = await addTerminals(backend, raw.tenant, CASHIERS);
const rawSessions = await withTenant(orm, raw.tenant.tenantId, async (em) => {
  const ids: string[] = [];
  for (const terminalId of rawTerminals) {
    const id = randomUUID();
    await em.execute(
      `insert into cash_session (id, tenant_id, store_id, terminal_id, cashier_id, opening_float) values (?, current_tenant_id(), ?, ?, ?, 0)`,
      [id, raw.tenant.stores[0]!.id, terminalId, raw.tenant.users[raw.tenant.emails.cashier]],
    );
    ids.push(id);
  }
  return ids;
});
const rawServer = await startProcess('scripts/bench/raw-sale-server.ts', 3902, {
  TENANT_ID: raw.tenant.tenantId,
});
const rawLanes: Lane[] = rawTerminals.map((terminalId, i) => ({
  socket: io('http://127.0.0.1:3902', { transports: ['websocket'] }),
  terminalId,
  cashSessionId: rawSessions[i]!,
}));
const rawExtra = { storeId: raw.tenant.stores[0]!.id, warehouseId: raw.tenant.stores[0]!.warehouseId };
const rawSale = (lane: Lane) => randomSale(lane, raw.products, rawExtra);

console.log('warming up…');
await closedLoop(lanes.slice(0, 2), ourSale);
await closedLoop(rawLanes.slice(0, 2), rawSale);

// Open loop in alternating rounds of ROUND_SECONDS, so that whatever the machine does meanwhile
// (a checkpoint, autovacuum, another process) weighs on both sides alike.
const rounds = Math.max(1, Math.round(DURATION / ROUND_SECONDS));
const ourRounds: Measured[] = [];
const rawRounds: Measured[] = [];
for (let round = 0; round < rounds; round++) {
  ourRounds.push(await measured(server, () => openLoop(lanes, ourSale, DURATION / rounds)));
  rawRounds.push(await measured(rawServer, () => openLoop(rawLanes, rawSale, DURATION / rounds)));
}
const ourOpen = stats(merged(ourRounds));
const rawOpen = stats(merged(rawRounds));
const ourClosed = stats(await measured(server, () => closedLoop(lanes, ourSale)));
const rawClosed = stats(await measured(rawServer, () => closedLoop(rawLanes, rawSale)));
for (const lane of rawLanes) lane.socket.close();
rawServer.kill('SIGTERM');

// Closing is a read of running totals that every sale keeps up to date (cash_session), so its
// cost must not grow with the tickets: fill one session with 5,000 tickets through the same
// statement the sale commit runs, then close it through the socket.
const [closingTerminal] = await addTerminals(backend, real.tenant, 1);
const closingTill = await openTill({ url: serverUrl }, real.tenant as TestTenant, closingTerminal!);
await withTenant(orm, real.tenant.tenantId, async (em) => {
  for (let i = 0; i < 5000; i++)
    await recordInSession(em, {
      sessionId: closingTill.cashSessionId,
      storeId: real.tenant.stores[0]!.id,
      cashierId: null,
      cash: 1990,
      card: 0,
    });
});
const closeStart = performance.now();
const closed = (await closingTill.socket.emitWithAck('cash:close', {
  sessionId: closingTill.cashSessionId,
  denominations: {},
  countedCard: 0,
})) as { ok: boolean; data?: { session: { totals: { ticketCount: number } } } };
const closeMs = performance.now() - closeStart;
closingTill.socket.close();
hub.close();
for (const lane of lanes) lane.socket.close();
server.kill('SIGTERM');
await orm.close(true);

console.log(`
Sale commit, ${CASHIERS} cashiers, 1–4 lines per sale (socket.io → server → PostgreSQL → ack)

Open loop, 1 sale/s per cashier for ${DURATION} s (${rounds} rounds each, alternating)
  ERP Market   ${fmt(ourOpen)}
  raw pg floor ${fmt(rawOpen)}
  ratio        p50 ${(ourOpen.p50 / rawOpen.p50).toFixed(2)}×  p99 ${(ourOpen.p99 / rawOpen.p99).toFixed(2)}×

Closed loop, ${CLOSED_SALES} sales per cashier, each on its own till (one tenant: one folio counter)
  ERP Market   ${fmt(ourClosed)}
  raw pg floor ${fmt(rawClosed)}
  ratio        p50 ${(ourClosed.p50 / rawClosed.p50).toFixed(2)}×  throughput ${(ourClosed.perSecond / rawClosed.perSecond).toFixed(2)}×

Cash close of a session with ${closed.data?.session.totals.ticketCount ?? '?'} tickets: ${closeMs.toFixed(1)} ms (${closed.ok ? 'closed' : 'failed'})
`);
process.exit(0);
