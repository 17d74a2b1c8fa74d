/**
 * `npm run bench:pipeline`: the SII pipeline end to end on its own fresh database, with the
 * server, the worker and the SII simulator as real processes. Cashiers ring boletas through
 * socket.io; a back-office socket listens to `dte:status`. Per document, the time from the sale's
 * ack to its `accepted` event; prints documents/s through the whole pipeline and p50/p95.
 *
 * Env: SALES (2000), CASHIERS (8), STATUS_DELAY_MS (simulator's processing time before a status
 * answers, 1500), ENVELOPE_WINDOW_MS (1000), STATUS_POLL_MS (1000).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { DteStatusChange } from '@erp/shared';
import { migrateUp } from '../server/src/platform/migrate.ts';
import { initOrm, withTenant } from '../server/src/platform/orm.ts';
import { SecretBox } from '../server/src/platform/secrets.ts';
import { storeCertificate } from '../server/src/sii/certificate.store.ts';
import { makeTestCertificate } from '../server/src/sii/dte/certificate.ts';
import { connectClient, createTestTenant, tokenFor } from '../server/test/harness.ts';
import { addCaf, addProducts, addTerminals, openTill, receiveStock } from '../server/test/selling.ts';
import { ensureDatabase, ensurePostgres, ensureRedis } from './services.ts';

const SALES = Number(process.env.SALES ?? 2000);
const CASHIERS = Number(process.env.CASHIERS ?? 8);
const STATUS_DELAY_MS = Number(process.env.STATUS_DELAY_MS ?? 1500);
const ENVELOPE_WINDOW_MS = process.env.ENVELOPE_WINDOW_MS ?? '1000';
const STATUS_POLL_MS = process.env.STATUS_POLL_MS ?? '1000';
const PORT = 3911;
const SIMULATOR_PORT = 3912;
const root = fileURLToPath(new URL('..', import.meta.url));
const serverUrl = `http://127.0.0.1:${PORT}`;
const simulatorUrl = `http://127.0.0.1:${SIMULATOR_PORT}`;

await ensurePostgres();
await ensureRedis();
const urls = await ensureDatabase('erp_market_bench_pipeline', { fresh: true });
await migrateUp(urls.ownerUrl);
const env = {
  ...process.env,
  DATABASE_URL: urls.appUrl,
  DATABASE_OWNER_URL: urls.ownerUrl,
  REDIS_PREFIX: `erp-bench-pipeline-${process.pid}`,
  LOG_LEVEL: 'warn',
  SII_SIMULATOR_URL: simulatorUrl,
  SII_ENVELOPE_WINDOW_MS: ENVELOPE_WINDOW_MS,
  SII_STATUS_POLL_MS: STATUS_POLL_MS,
};

// The tenant, seeded directly (the bench measures the pipeline, not the back office).
const orm = await initOrm(urls.appUrl, 4);
const backend = { orm, secrets: new SecretBox(process.env.SECRETS_KEY ?? '0'.repeat(64)) };
const tenant = await createTestTenant(backend as never, 'bench');
const products = await addProducts(backend, tenant);
const sellable = products.filter((p) => !p.weighable && !p.exempt);
await receiveStock(
  backend,
  tenant,
  tenant.stores[0]!.warehouseId,
  sellable.map((p) => p.id),
  '1000000',
);
await addCaf(backend, tenant, 39, 1, SALES + 100);
const pfx = makeTestCertificate({ rut: '11111111-1', name: 'Firmante Bench', password: 'clave' });
await withTenant(orm, tenant.tenantId, (em) =>
  storeCertificate(em, backend.secrets, tenant.tenantId, pfx, 'clave'),
);
const terminals = await addTerminals(backend, tenant, CASHIERS);

const children: ChildProcess[] = [];
function start(script: string, extra: Record<string, string> = {}) {
  const child = spawn(process.execPath, [script], {
    cwd: root,
    env: { ...env, ...extra },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  return child;
}
function stopAll() {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
}
process.once('exit', stopAll);

async function waitUntil(what: string, probe: () => Promise<boolean>, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what} did not start`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

start('server/src/sii/simulator/main.ts');
await waitUntil(
  'simulator',
  async () =>
    (
      await fetch(`${simulatorUrl}/__simulator/faults`, {
        method: 'POST',
        body: JSON.stringify({ statusDelayMs: STATUS_DELAY_MS }),
      })
    ).ok,
);
start('server/src/main.ts', { PORT: String(PORT) });
await waitUntil('server', async () => (await fetch(`${serverUrl}/api/health`)).ok);
start('server/src/worker.ts');

const accepted = new Map<string, number>();
const backoffice = await connectClient(serverUrl, tenant.slug, {
  token: await tokenFor(serverUrl, tenant.emails.admin),
  screen: 'backoffice',
});
const other = new Map<string, string>();
backoffice.on('dte:status', ({ changes }: { changes: DteStatusChange[] }) => {
  const now = performance.now();
  for (const change of changes) {
    if (change.state === 'accepted') accepted.set(change.saleId, now);
    else if (['rejected', 'objected', 'failed'].includes(change.state))
      other.set(change.saleId, change.state);
  }
});

const lanes = await Promise.all(terminals.map((t) => openTill({ url: serverUrl }, tenant, t)));
const committed = new Map<string, number>();
console.log(`ringing ${SALES} boletas on ${CASHIERS} tills (simulator status delay ${STATUS_DELAY_MS} ms)…`);
const started = performance.now();
let next = 0;
await Promise.all(
  lanes.map(async (lane) => {
    while (next < SALES) {
      next++;
      const product = sellable[Math.floor(Math.random() * sellable.length)]!;
      const result = await lane.socket.timeout(10_000).emitWithAck('sale:commit', {
        saleId: randomUUID(),
        terminalId: lane.terminalId,
        cashSessionId: lane.cashSessionId,
        docType: 39,
        lines: [{ productId: product.id, quantity: '1', unitPrice: product.price }],
        payments: [{ method: 'cash', tendered: product.price }],
      });
      if (!result.ok) throw new Error(`sale failed: ${JSON.stringify(result.error)}`);
      committed.set(result.data.saleId, performance.now());
    }
  }),
);
const ringSeconds = (performance.now() - started) / 1000;
console.log(`rung in ${ringSeconds.toFixed(1)} s; waiting for the SII…`);

const deadline = Date.now() + 300_000;
while (accepted.size + other.size < committed.size && Date.now() < deadline) {
  await new Promise((r) => setTimeout(r, 250));
}
const timedOut = accepted.size + other.size < committed.size;
// Events can be lost only if a socket drops; the database is the truth for the count.
const [states] = await withTenant(orm, tenant.tenantId, (em) =>
  em.execute<{ accepted: number; total: number }[]>(
    `select count(*) filter (where state = 'accepted')::int as accepted, count(*)::int as total from dte_document`,
  ),
);

const latencies = [...committed].flatMap(([saleId, at]) => {
  const done = accepted.get(saleId);
  return done === undefined ? [] : [done - at];
});
latencies.sort((a, b) => a - b);
const at = (q: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
const lastAccepted = Math.max(...accepted.values());

console.log(`
SII pipeline, ${committed.size} boletas from ${CASHIERS} cashiers (socket.io sale:commit) through the
outbox relay, sign, envelope, upload and status jobs (one worker process) and the simulator
(status answers ${STATUS_DELAY_MS} ms after upload; envelope window ${ENVELOPE_WINDOW_MS} ms; status poll ${STATUS_POLL_MS} ms)

  committed                ${committed.size} in ${ringSeconds.toFixed(1)} s (${(committed.size / ringSeconds).toFixed(0)} sales/s)
  accepted (dte:status)    ${accepted.size}   other final: ${other.size}   database: ${states!.accepted}/${states!.total} accepted
  first sale → last accepted ${((lastAccepted - started) / 1000).toFixed(1)} s: ${(accepted.size / ((lastAccepted - started) / 1000)).toFixed(1)} documents/s end to end
  commit → accepted        p50 ${(at(0.5) / 1000).toFixed(2)} s   p95 ${(at(0.95) / 1000).toFixed(2)} s   max ${(at(1) / 1000).toFixed(2)} s
${timedOut ? '  (stopped waiting after 300 s)\n' : ''}`);

backoffice.close();
for (const lane of lanes) lane.socket.close();
await orm.close(true);
stopAll();
process.exit(0);
