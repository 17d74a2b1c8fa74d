/**
 * `npm run bench:pipeline`: the SII pipeline end to end on its own fresh database, with the
 * server, the worker and the SII simulator as real processes. Cashiers ring boletas through
 * socket.io (`sale:commit`, as the POS does); a back-office socket listens to `dte:status`.
 *
 * Two phases of SALES boletas each:
 * 1. live: the tills ring while the pipeline runs. Per document, the time from the sale's ack to
 *    its `accepted` event (p50/p95) and the time per stage from the documents' own state history;
 *    documents/s from the first sale to the last acceptance, which on a small machine is bounded
 *    by the ringing itself (the commits share the cores with everything else).
 * 2. capacity: the same number rung with the worker stopped (the documents wait in the outbox, as
 *    after a worker outage), then the worker started: documents/s from its start to the last
 *    acceptance is the pipeline's own throughput, with only the simulator beside it.
 * Each phase prints the CPU per document of every part (PostgreSQL by role: the commits apart
 * from the worker's work), the simulator's apart, and the load average.
 *
 * Env: SALES (5000 per phase), CASHIERS (32), STATUS_DELAY_MS (simulator's processing time before a status
 * answers, 1500), ENVELOPE_WINDOW_MS (1000), STATUS_POLL_MS (1000), SII_SIMULATOR_VERIFY (`light`
 * by default here: signatures through the fast path, the generic check on one document in 25,
 * the schema with the system's xmllint, so the simulator's CPU stays small and is reported apart;
 * `full` checks every signature generically), SII_SIMULATOR_THREADS, BENCH_PROFILE (CPU profiles
 * of the processes into /tmp/prof).
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
// Two phases of SALES boletas each.
await addCaf(backend, tenant, 39, 1, 2 * SALES + 100);
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
let worker = start('server/src/worker.ts');

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

/** Rings `count` boletas on every till at once; returns each sale's commit time. */
async function ring(count: number): Promise<{ committed: Map<string, number>; seconds: number }> {
  const committed = new Map<string, number>();
  const started = performance.now();
  let next = 0;
  await Promise.all(
    lanes.map(async (lane) => {
      while (next < count) {
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
  return { committed, seconds: (performance.now() - started) / 1000 };
}

/** Waits until every sale's document is final (5 minutes at most); false on timeout. */
async function settled(sales: Map<string, number>): Promise<boolean> {
  const deadline = Date.now() + 300_000;
  const open = () => [...sales.keys()].some((id) => !accepted.has(id) && !other.has(id));
  while (open() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  return !open();
}

/** CPU seconds so far of every part, to subtract: the phases are measured apart. */
async function snapshot() {
  return {
    server: cpuSeconds(server.pid!),
    worker: cpuSeconds(worker.pid!),
    workerNode: cpuSeconds(worker.pid!, false),
    simulator: cpuSeconds(simulator.pid!),
    postgres: await postgresBackends(),
    bench: process.cpuUsage(),
    load: loadavg(),
  };
}
type Snapshot = Awaited<ReturnType<typeof snapshot>>;

/** p50 / p95 of a list of milliseconds, as seconds. */
function percentiles(values: number[]): string {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const q = (p: number) =>
    (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN) / 1000;
  return `p50 ${q(0.5).toFixed(2)} s   p95 ${q(0.95).toFixed(2)} s`;
}

/** Per document of these sales, when it entered each state (the stamped event is the sale's commit). */
async function stagesOf(sales: Map<string, number>) {
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
        where d.sale_id = any(?::uuid[])
        group by d.id having min(e.created_at) filter (where e.state = 'accepted') is not null`,
      [`{${[...sales.keys()].join(',')}}`],
    ),
  );
  const stage = (from: keyof (typeof stages)[number], to: keyof (typeof stages)[number]) =>
    percentiles(
      stages.map((r) => (r[to] ? new Date(r[to]).getTime() - new Date(r[from]!).getTime() : Number.NaN)),
    );
  return { stage, pdfs: stages.filter((r) => r.pdf).length };
}

/** What the documents of a phase used, in CPU seconds and per document. */
function cpuReport(from: Snapshot, to: Snapshot, documents: number, seconds: number): string {
  const workerNode = to.workerNode - from.workerNode;
  const chromium = to.worker - from.worker - workerNode;
  const bench = (to.bench.user + to.bench.system - from.bench.user - from.bench.system) / 1e6;
  const perDoc = (cpu: number) =>
    `${cpu.toFixed(1).padStart(6)} s ${((cpu * 1000) / documents).toFixed(2).padStart(6)} ms/doc`;
  return `  CPU (user + system) over ${seconds.toFixed(0)} s on ${availableParallelism()} cores, and per document:
    server (sale commits, dte:status to the back office)      ${perDoc(to.server - from.server)}
    PostgreSQL for the server (the commits)                   ${perDoc(postgresCpu(from.postgres, to.postgres, 'erp_app'))}
    worker (relay, sign, envelope, upload, status, PDF417s)   ${perDoc(workerNode)}
    worker's Chromium (PDF pages)                             ${perDoc(chromium)}
    PostgreSQL for the worker                                 ${perDoc(postgresCpu(from.postgres, to.postgres, 'erp_worker'))}
    bench process (the cashiers' sockets, the listener)       ${perDoc(bench)}
    SII simulator (apart: not the pipeline's cost)            ${perDoc(to.simulator - from.simulator)}
  load average (1/5/15 min) at start ${from.load.map((l) => l.toFixed(1)).join(' ')}, at end ${to.load.map((l) => l.toFixed(1)).join(' ')}`;
}

const latencyOf = (sales: Map<string, number>) =>
  [...sales].flatMap(([saleId, at]) => {
    const done = accepted.get(saleId);
    return done === undefined ? [] : [done - at];
  });
const countAccepted = (sales: Map<string, number>) =>
  [...sales.keys()].filter((id) => accepted.has(id)).length;
const lastAcceptedOf = (sales: Map<string, number>) =>
  Math.max(...[...sales.keys()].flatMap((id) => (accepted.has(id) ? [accepted.get(id)!] : [])));

console.log(`SII pipeline bench: ${SALES} boletas from ${CASHIERS} cashiers (socket.io sale:commit) in each of two phases;
the outbox relay, sign, envelope, upload and status jobs (one worker process) and the simulator
(status answers ${STATUS_DELAY_MS} ms after upload; envelope window ${ENVELOPE_WINDOW_MS} ms; status poll ${STATUS_POLL_MS} ms;
simulator verification ${SIMULATOR_VERIFY}${process.env.SII_SIMULATOR_THREADS ? `, ${process.env.SII_SIMULATOR_THREADS} threads` : ''})`);

// Phase 1, live: the tills ring while the pipeline runs, every part sharing the machine.
console.log(`\n1. live: ringing ${SALES} boletas with the pipeline running…`);
const liveFrom = await snapshot();
const liveStarted = performance.now();
const live = await ring(SALES);
console.log(`   rung in ${live.seconds.toFixed(1)} s; waiting for the SII…`);
const liveDone = await settled(live.committed);
const liveTo = await snapshot();
const liveStages = await stagesOf(live.committed);
const liveLatency = latencyOf(live.committed).sort((a, b) => a - b);
const at = (q: number) =>
  liveLatency[Math.min(liveLatency.length - 1, Math.floor(q * liveLatency.length))] ?? Number.NaN;
const liveSeconds = (lastAcceptedOf(live.committed) - liveStarted) / 1000;
console.log(`
  committed                ${live.committed.size} in ${live.seconds.toFixed(1)} s (${(live.committed.size / live.seconds).toFixed(0)} sales/s)
  accepted                 ${countAccepted(live.committed)}${liveDone ? '' : '   (stopped waiting after 300 s)'}
  first sale → last accepted ${liveSeconds.toFixed(1)} s: ${(countAccepted(live.committed) / liveSeconds).toFixed(1)} documents/s end to end (bounded by the ringing when near its sales/s)
  commit → signed          ${liveStages.stage('stamped', 'signed')}
  commit → accepted        p50 ${(at(0.5) / 1000).toFixed(2)} s   p95 ${(at(0.95) / 1000).toFixed(2)} s   max ${(at(1) / 1000).toFixed(2)} s   (status delay ${STATUS_DELAY_MS} ms)

  where the time goes (per document, from its state history)
    commit → signed        ${liveStages.stage('stamped', 'signed')}   (relay, sign queue, signing)
    signed → in envelope   ${liveStages.stage('signed', 'in_envelope')}   (envelope window, building the envelope)
    in envelope → uploaded ${liveStages.stage('in_envelope', 'uploaded')}   (upload queue, upload, simulator's checks)
    uploaded → accepted    ${liveStages.stage('uploaded', 'accepted')}   (simulator's processing delay, status polls)
    accepted → PDF stored  ${liveStages.stage('accepted', 'pdf')}   (${liveStages.pdfs} PDFs by the end: they step aside while documents are on their way)
${cpuReport(liveFrom, liveTo, live.committed.size, (performance.now() - liveStarted) / 1000)}`);

// Phase 2, the pipeline's own capacity: the same number of sales rung with the worker stopped
// (their documents wait in the outbox, as after a worker outage), then the worker started: from
// its start to the last acceptance the machine runs the pipeline and the simulator only.
console.log(`\n2. capacity: ringing ${SALES} boletas with the worker stopped, then starting it…`);
worker.kill('SIGTERM');
await new Promise((resolve) => worker.once('exit', resolve));
const backlog = await ring(SALES);
console.log(`   rung in ${backlog.seconds.toFixed(1)} s; starting the worker…`);
const drainFrom = { ...(await snapshot()), worker: 0, workerNode: 0 };
const drainStarted = performance.now();
worker = start('server/src/worker.ts');
const drainDone = await settled(backlog.committed);
const drainTo = await snapshot();
const drainStages = await stagesOf(backlog.committed);
const drainSeconds = (lastAcceptedOf(backlog.committed) - drainStarted) / 1000;
console.log(`
  accepted                 ${countAccepted(backlog.committed)}${drainDone ? '' : '   (stopped waiting after 300 s)'}
  worker start → last accepted ${drainSeconds.toFixed(1)} s: ${(countAccepted(backlog.committed) / drainSeconds).toFixed(1)} documents/s through the pipeline (the worker's start-up included)
  per document             signed → in envelope ${drainStages.stage('signed', 'in_envelope')}
                           in envelope → uploaded ${drainStages.stage('in_envelope', 'uploaded')}
                           uploaded → accepted ${drainStages.stage('uploaded', 'accepted')}
${cpuReport(drainFrom, drainTo, backlog.committed.size, (performance.now() - drainStarted) / 1000)}`);

// Events can be lost only if a socket drops; the database is the truth for the count.
const [states] = await withTenant(orm, tenant.tenantId, (em) =>
  em.execute<{ accepted: number; total: number }[]>(
    `select count(*) filter (where state = 'accepted')::int as accepted, count(*)::int as total from dte_document`,
  ),
);
const [envelopes] = await withTenant(orm, tenant.tenantId, (em) =>
  em.execute<{ n: number; avg: number; max: number }[]>(
    'select count(*)::int as n, avg(document_count)::float as avg, max(document_count) as max from dte_envelope',
  ),
);
console.log(`
database: ${states!.accepted}/${states!.total} documents accepted (dte:status events: ${accepted.size} accepted, ${other.size} other final)
envelopes: ${envelopes!.n}, ${envelopes!.avg.toFixed(0)} documents on average, ${envelopes!.max} at most
`);

backoffice.close();
for (const lane of lanes) lane.socket.close();
await orm.close(true);
stopAll();
process.exit(0);
