/**
 * `npm test`: checks (and if needed starts) PostgreSQL and Redis, installs missing Debian test
 * tools, creates a fresh test database and migrates it, then runs lint, type-check and every
 * test; drops the test database at the end. Exits non-zero if any step fails.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
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
const passed = step(
  'tests (vitest)',
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=.artifacts/vitest.json'],
  env,
);
await dropDatabase(TEST_DATABASE);

try {
  const report = JSON.parse(readFileSync('.artifacts/vitest.json', 'utf8'));
  console.log(
    `\n${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests} skipped`,
  );
} catch {
  console.log('\n0 passed, 1 failed');
}
process.exit(passed ? 0 : 1);
