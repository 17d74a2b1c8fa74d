/**
 * `npm test`: checks (and if needed starts) PostgreSQL and Redis, installs missing Debian test
 * tools, creates a fresh test database and migrates it, then runs lint, type-check and every
 * test; drops the test database at the end. Exits non-zero if any step fails.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
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

const urls = await ensureDatabase(TEST_DATABASE, { fresh: true });
await migrateUp(urls.ownerUrl);

mkdirSync('.artifacts', { recursive: true });
// A report left by an earlier run must not stand in for one this run failed to write.
for (const report of ['vitest', 'vitest-latency']) rmSync(`.artifacts/${report}.json`, { force: true });
const env = {
  ...process.env,
  NODE_ENV: 'test',
  DATABASE_URL: urls.appUrl,
  WORKER_DATABASE_URL: urls.workerUrl,
  DATABASE_OWNER_URL: urls.ownerUrl,
  SECRETS_KEY: TEST_SECRETS_KEY,
  REDIS_PREFIX: `erp-test-${process.pid}`,
  ARTIFACTS_DIR: `${process.cwd()}/.artifacts`,
};
/** One vitest run; its JSON report goes to `.artifacts/<report>.json`. */
const vitest = (name: string, project: string, report: string) =>
  step(
    name,
    'npx',
    [
      'vitest',
      'run',
      `--project=${project}`,
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=.artifacts/${report}.json`,
    ],
    env,
  );
// The latency tests run last and alone (see vitest.config.ts), even when the rest failed.
const runs = [
  vitest('tests (vitest)', '!latency', 'vitest'),
  vitest('latency tests (vitest)', 'latency', 'vitest-latency'),
];
const passed = runs.every(Boolean);
await dropDatabase(TEST_DATABASE);

const totals = { passed: 0, failed: 0, skipped: 0 };
for (const report of ['vitest', 'vitest-latency']) {
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
