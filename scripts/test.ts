/**
 * `npm test`: checks (and if needed starts) PostgreSQL and Redis, installs missing Debian test
 * tools, runs lint and type-check, creates and migrates a fresh test database per lane, runs
 * every test (two lanes at once, then the latency tests alone) and drops the test databases at
 * the end. Exits non-zero if any step fails.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { migrateUp } from '../server/src/platform/migrate.ts';
import { TEST_SECRETS_KEY } from './secrets-key.ts';
import { dropDatabase, ensureDatabase, ensurePostgres, ensureRedis } from './services.ts';
import { ensureSystemTools } from './system-packages.ts';

const TEST_DATABASE = process.env.TEST_DATABASE ?? 'erp_market_test';

function step(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = process.env): boolean {
  console.log(`\n=== ${name}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  if (result.status !== 0) console.error(`=== ${name} failed`);
  return result.status === 0;
}

ensureSystemTools();
await ensurePostgres();
await ensureRedis();

if (!step('lint (biome)', 'npx', ['biome', 'check', '.'])) process.exit(1);
if (!step('type-check', 'npm', ['run', '-s', 'typecheck'])) process.exit(1);

/**
 * The suite runs in two lanes at once, each with a database and a Redis prefix of its own, as
 * two developers' runs would share the machine: the server's tests in one, everything else (the
 * browser tests foremost, and the SII pipeline's long test, to even the lanes) in the other. Most of a test's time is spent waiting on PostgreSQL,
 * Redis, Chromium and the processes it starts, so two lanes take about as long as the longer one
 * alone. Inside a lane, one file at a time (vitest's default on 2 cores).
 */
const LANES = [
  { name: 'server', projects: ['server'], database: TEST_DATABASE },
  {
    name: 'rest',
    projects: ['server-pipeline', 'shared', 'sii-core', 'repo', 'hardware-hub', 'client', 'e2e'],
    database: `${TEST_DATABASE}_b`,
  },
] as const;
const REPORTS = [...LANES.map((lane) => `vitest-${lane.name}`), 'vitest-latency'];

const laneEnv = async (database: string, redisPrefix: string): Promise<NodeJS.ProcessEnv> => {
  const urls = await ensureDatabase(database, { fresh: true });
  await migrateUp(urls.ownerUrl);
  return {
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: urls.appUrl,
    WORKER_DATABASE_URL: urls.workerUrl,
    DATABASE_OWNER_URL: urls.ownerUrl,
    SECRETS_KEY: TEST_SECRETS_KEY,
    REDIS_PREFIX: redisPrefix,
    ARTIFACTS_DIR: `${process.cwd()}/.artifacts`,
  };
};

mkdirSync('.artifacts', { recursive: true });
// A report left by an earlier run must not stand in for one this run failed to write.
for (const report of REPORTS) rmSync(`.artifacts/${report}.json`, { force: true });

const vitestArgs = (projects: readonly string[], report: string) => [
  'vitest',
  'run',
  ...projects.map((project) => `--project=${project}`),
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=.artifacts/${report}.json`,
];

/**
 * One lane's vitest run. The first lane writes to the console as it goes; the others to a log
 * file, printed whole once they end, so the two outputs do not interleave.
 */
function runLane(name: string, args: string[], env: NodeJS.ProcessEnv, log: string | null): Promise<boolean> {
  console.log(`\n=== tests (vitest, ${name})${log ? `: output in ${log}, printed when it ends` : ''}`);
  const out = log ? openSync(log, 'w') : 'inherit';
  const child = spawn('npx', args, { stdio: ['ignore', out, out], env });
  return new Promise((resolve) => {
    child.on('exit', (code) => {
      if (log) {
        console.log(`\n=== tests (vitest, ${name}): output\n${readFileSync(log, 'utf8')}`);
      }
      if (code !== 0) console.error(`=== tests (vitest, ${name}) failed`);
      resolve(code === 0);
    });
  });
}

// One after the other: the migrations also create and grant the cluster's roles.
const envs: NodeJS.ProcessEnv[] = [];
for (const [i, lane] of LANES.entries())
  envs.push(await laneEnv(lane.database, `erp-test-${process.pid}-${i}`));
const lanes = await Promise.all(
  LANES.map((lane, i) =>
    runLane(
      lane.name,
      vitestArgs(lane.projects, `vitest-${lane.name}`),
      envs[i]!,
      i === 0 ? null : `.artifacts/vitest-${lane.name}.log`,
    ),
  ),
);
// The latency tests run last and alone (see vitest.config.ts), even when the rest failed.
const latency = step('latency tests (vitest)', 'npx', vitestArgs(['latency'], 'vitest-latency'), envs[0]);
const passed = lanes.every(Boolean) && latency;
for (const lane of LANES) await dropDatabase(lane.database);

const totals = { passed: 0, failed: 0, skipped: 0 };
for (const report of REPORTS) {
  try {
    const counts = JSON.parse(readFileSync(`.artifacts/${report}.json`, 'utf8'));
    totals.passed += counts.numPassedTests;
    totals.failed += counts.numFailedTests;
    totals.skipped += counts.numPendingTests;
  } catch {
    totals.failed += 1;
  }
}
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(passed ? 0 : 1);
