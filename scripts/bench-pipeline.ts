/**
 * `npm run bench:pipeline`: the SII pipeline end to end on its own fresh database, with the
 * server, the worker and the SII simulator as real processes. Cashiers ring boletas through
 * socket.io; a back-office socket listens to `dte:status`. Per document, the time from the sale's
 * ack to its `accepted` event; prints documents/s through the whole pipeline and p50/p95.
 *
 * Where the time goes: per stage (commit → signed → in envelope → uploaded → accepted, and the
 * PDF after it) from the documents' own state history, and the envelopes' sizes.
 *
 * Env: SALES (5000), CASHIERS (8), STATUS_DELAY_MS (simulator's processing time before a status
 * answers, 1500), ENVELOPE_WINDOW_MS (1000), STATUS_POLL_MS (1000), SII_SIMULATOR_VERIFY (`light`
 * by default here: the simulator checks one document's signature in 25, so its CPU stays off the
 * pipeline's critical path; `full` checks all), SII_SIMULATOR_THREADS, BENCH_PROFILE (CPU
 * profiles of the worker and the simulator into /tmp/prof).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { DteStatusChange } from '@erp/shared';
import { makeTestCertificate } from '@erp/sii-core/test-authority';
import { migrateUp } from '../server/src/platform/migrate.ts';
import { initOrm, withTenant } from '../server/src/platform/orm.ts';
import { SecretBox } from '../server/src/platform/secrets.ts';
import { storeCertificate } from '../server/src/sii/certificate.store.ts';
import { connectClient, createTestTenant, tokenFor, UNLIMITED_COMMANDS } from '../server/test/harness.ts';
import { addCaf, addProducts, addTerminals, openTill, receiveStock } from '../server/test/selling.ts';
import { ensureDatabase, ensurePostgres, ensureRedis } from './services.ts';

const SALES = Number(process.env.SALES ?? 5000);
const CASHIERS = Number(process.env.CASHIERS ?? 32);
const STATUS_DELAY_MS = Number(process.env.STATUS_DELAY_MS ?? 1500);
const ENVELOPE_WINDOW_MS = process.env.ENVELOPE_WINDOW_MS ?? '1000';
const STATUS_POLL_MS = process.env.STATUS_POLL_MS ?? '1000';
const SIMULATOR_VERIFY = process.env.SII_SIMULATOR_VERIFY ?? 'light';
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
  ...UNLIMITED_COMMANDS,
  DATABASE_URL: urls.appUrl,
  WORKER_DATABASE_URL: urls.workerUrl,
  DATABASE_OWNER_URL: urls.ownerUrl,
  REDIS_PREFIX: `erp-bench-pipeline-${process.pid}`,
  // The database is made fresh for this run: so is the key that seals its secrets.
  SECRETS_KEY: randomBytes(32).toString('hex'),
  LOG_LEVEL: 'warn',
  SII_SIMULATOR_URL: simulatorUrl,
  SII_ENVELOPE_WINDOW_MS: ENVELOPE_WINDOW_MS,
  SII_STATUS_POLL_MS: STATUS_POLL_MS,
};

// The tenant, seeded directly (the bench measures the pipeline, not the back office).
const orm = await initOrm(urls.appUrl, 4);
const backend = { orm, secrets: new SecretBox(env.SECRETS_KEY) };
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
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : [];
  const child = spawn(process.execPath, [...profile, script], {
    cwd: root,
    env: { ...env, ...extra },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  return child;
}
/** CPU seconds (user + system) used so far by a process and every live descendant (Chromium…). */
function cpuSeconds(rootPid: number, withChildren = true): number {
  const stats = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return [
          { pid: Number(pid), ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) / 100 },
        ];
      } catch {
        return [];
      }
    });
  const tree = new Set([rootPid]);
  for (let grew = withChildren; grew; ) {
    grew = false;
    for (const s of stats) {
      if (!tree.has(s.pid) && tree.has(s.ppid)) {
        tree.add(s.pid);
        grew = true;
      }
    }
  }
  return stats.filter((s) => tree.has(s.pid)).reduce((sum, s) => sum + s.cpu, 0);
}

/**
 * CPU seconds so far of each PostgreSQL backend serving this bench's database, by pid, with its
 * role: `erp_app` serves the server (sale commits), `erp_worker` the worker and its relay. Other
 * databases on the same PostgreSQL are not counted.
 */
async function postgresBackends(): Promise<Map<number, { role: string; cpu: number }>> {
  const rows = await orm.em
    .getConnection()
    .execute<{ pid: number; role: string }[]>(
      'select pid, usename as role from pg_stat_activity where datname = current_database()',
    );
  return new Map(rows.map((r) => [r.pid, { role: r.role, cpu: cpuSeconds(r.pid) }]));
}
function postgresCpu(
  before: Map<number, { role: string; cpu: number }>,
  after: Map<number, { role: string; cpu: number }>,
  role: string,
): number {
  let sum = 0;
  for (const [pid, now] of after) if (now.role === role) sum += now.cpu - (before.get(pid)?.cpu ?? 0);
  return sum;
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

const simulator = start('server/src/sii/simulator/main.ts', { SII_SIMULATOR_VERIFY: SIMULATOR_VERIFY });
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
const server = start('server/src/main.ts', { PORT: String(PORT) });
await waitUntil('server', async () => (await fetch(`${serverUrl}/api/health`)).ok);
const worker = start('server/src/worker.ts');

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
const processes = { server, worker, simulator };
const cpuAtStart = Object.fromEntries(
  Object.entries(processes).map(([name, child]) => [name, cpuSeconds(child.pid!)]),
);
const workerAlone = () => cpuSeconds(worker.pid!, false);
const workerAloneAtStart = workerAlone();
const loadAtStart = loadavg();
const postgresAtStart = await postgresBackends();
const benchAtStart = process.cpuUsage();
const started = performance.now();
let next = 0;
await Promise.all(
  lanes.map(async (lane) => {
    while (next < SALES) {
      next++;
      const product = sellable[Math.floor(Math.random() * sellable.length)]!;
      const sale = {
        saleId: randomUUID(),
        terminalId: lane.terminalId,
        cashSessionId: lane.cashSessionId,
        docType: 39 as const,
        lines: [{ productId: product.id, quantity: '1', unitPrice: product.price }],
        payments: [{ method: 'cash' as const, tendered: product.price }],
      };
      // As the POS does on a slow answer (a loaded machine): the same sale again, which the
      // server's idempotency key answers with the first result.
      let result: Awaited<ReturnType<typeof lane.socket.emitWithAck<'sale:commit'>>> | undefined;
      for (let attempt = 1; !result; attempt++) {
        try {
          result = await lane.socket.timeout(20_000).emitWithAck('sale:commit', sale);
        } catch (error) {
          if (attempt === 3) throw error;
        }
      }
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
const cpuUsed = Object.fromEntries(
  Object.entries(processes).map(([name, child]) => [name, cpuSeconds(child.pid!) - cpuAtStart[name]!]),
);
const workerNode = workerAlone() - workerAloneAtStart;
const chromium = cpuUsed.worker! - workerNode;
const loadAtEnd = loadavg();
const postgresAtEnd = await postgresBackends();
const postgresServer = postgresCpu(postgresAtStart, postgresAtEnd, 'erp_app');
const postgresWorker = postgresCpu(postgresAtStart, postgresAtEnd, 'erp_worker');
const benchCpu = process.cpuUsage(benchAtStart);
const benchUsed = (benchCpu.user + benchCpu.system) / 1e6;
// Events can be lost only if a socket drops; the database is the truth for the count.
const [states] = await withTenant(orm, tenant.tenantId, (em) =>
  em.execute<{ accepted: number; total: number }[]>(
    `select count(*) filter (where state = 'accepted')::int as accepted, count(*)::int as total from dte_document`,
  ),
);

/** p50 / p95 of a list of milliseconds, as seconds. */
function percentiles(values: number[]): string {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const q = (p: number) =>
    (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN) / 1000;
  return `p50 ${q(0.5).toFixed(2)} s   p95 ${q(0.95).toFixed(2)} s`;
}
// Per document, when it entered each state (the stamped event is the sale's commit).
const stages = await withTenant(orm, tenant.tenantId, (em) =>
  em.execute<
    { stamped: Date; signed: Date; in_envelope: Date; uploaded: Date; accepted: Date; pdf: Date | null }[]
  >(
    `select min(e.created_at) filter (where e.state = 'stamped') as stamped,
            min(e.created_at) filter (where e.state = 'signed') as signed,
            min(e.created_at) filter (where e.state = 'in_envelope') as in_envelope,
            min(e.created_at) filter (where e.state = 'uploaded') as uploaded,
            min(e.created_at) filter (where e.state = 'accepted') as accepted,
            (select p.created_at from dte_pdf p where p.document_id = d.id) as pdf
       from dte_document d join dte_event e on e.document_id = d.id
      group by d.id having min(e.created_at) filter (where e.state = 'accepted') is not null`,
  ),
);
const stage = (from: keyof (typeof stages)[number], to: keyof (typeof stages)[number]) =>
  percentiles(
    stages.map((r) => (r[to] ? new Date(r[to]).getTime() - new Date(r[from]!).getTime() : Number.NaN)),
  );
const [envelopes] = await withTenant(orm, tenant.tenantId, (em) =>
  em.execute<{ n: number; avg: number; max: number }[]>(
    'select count(*)::int as n, avg(document_count)::float as avg, max(document_count) as max from dte_envelope',
  ),
);
const pdfs = stages.filter((r) => r.pdf).length;

const latencies = [...committed].flatMap(([saleId, at]) => {
  const done = accepted.get(saleId);
  return done === undefined ? [] : [done - at];
});
latencies.sort((a, b) => a - b);
const at = (q: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
const lastAccepted = Math.max(...accepted.values());
const perDoc = (seconds: number) => `${((seconds * 1000) / Math.max(1, committed.size)).toFixed(2)} ms/doc`;

console.log(`
SII pipeline, ${committed.size} boletas from ${CASHIERS} cashiers (socket.io sale:commit) through the
outbox relay, sign, envelope, upload and status jobs (one worker process) and the simulator
(status answers ${STATUS_DELAY_MS} ms after upload; envelope window ${ENVELOPE_WINDOW_MS} ms; status poll ${STATUS_POLL_MS} ms;
simulator verification ${SIMULATOR_VERIFY}${process.env.SII_SIMULATOR_THREADS ? `, ${process.env.SII_SIMULATOR_THREADS} threads` : ''})

  committed                ${committed.size} in ${ringSeconds.toFixed(1)} s (${(committed.size / ringSeconds).toFixed(0)} sales/s)
  accepted (dte:status)    ${accepted.size}   other final: ${other.size}   database: ${states!.accepted}/${states!.total} accepted
  first sale → last accepted ${((lastAccepted - started) / 1000).toFixed(1)} s: ${(accepted.size / ((lastAccepted - started) / 1000)).toFixed(1)} documents/s end to end
  commit → signed          ${stage('stamped', 'signed')}
  commit → accepted        p50 ${(at(0.5) / 1000).toFixed(2)} s   p95 ${(at(0.95) / 1000).toFixed(2)} s   max ${(at(1) / 1000).toFixed(2)} s   (status delay ${STATUS_DELAY_MS} ms)

  where the time goes (per document, from its state history)
    commit → signed        ${stage('stamped', 'signed')}   (relay, sign queue, signing)
    signed → in envelope   ${stage('signed', 'in_envelope')}   (envelope window, building the envelope)
    in envelope → uploaded ${stage('in_envelope', 'uploaded')}   (upload queue, upload, simulator's checks)
    uploaded → accepted    ${stage('uploaded', 'accepted')}   (simulator's processing delay, status polls)
    accepted → PDF stored  ${stage('accepted', 'pdf')}   (${pdfs} PDFs by the end)
  CPU seconds (with children) over ${((performance.now() - started) / 1000).toFixed(0)} s on ${availableParallelism()} cores, and per document:
    server (sale commits, dte:status to the back office) ${cpuUsed.server!.toFixed(1)} s  ${perDoc(cpuUsed.server!)}
    worker (relay, sign, envelope, upload, status, PDFs)   ${workerNode.toFixed(1)} s  ${perDoc(workerNode)}
    worker's Chromium (PDFs: ${pdfs} rendered by the end)    ${chromium.toFixed(1)} s  ${perDoc(chromium)}
    PostgreSQL for the server (the commits)              ${postgresServer.toFixed(1)} s  ${perDoc(postgresServer)}
    PostgreSQL for the worker                            ${postgresWorker.toFixed(1)} s  ${perDoc(postgresWorker)}
    bench process (the cashiers' sockets, the listener)  ${benchUsed.toFixed(1)} s  ${perDoc(benchUsed)}
    SII simulator (apart: not the pipeline's cost)       ${cpuUsed.simulator!.toFixed(1)} s  ${perDoc(cpuUsed.simulator!)}
  load average (1/5/15 min) at start ${loadAtStart.map((l) => l.toFixed(1)).join(' ')}, at end ${loadAtEnd.map((l) => l.toFixed(1)).join(' ')}
  envelopes                ${envelopes!.n}, ${envelopes!.avg.toFixed(0)} documents on average, ${envelopes!.max} at most
${timedOut ? '  (stopped waiting after 300 s)\n' : ''}`);

backoffice.close();
for (const lane of lanes) lane.socket.close();
await orm.close(true);
stopAll();
process.exit(0);
