/**
 * `npm run test:dev -- <name> [vitest args…]`: runs chosen tests against a persistent database
 * `erp_market_test_<name>` (created on first use, migrated on every run) with its own Redis
 * prefix, so several developers (or agents) can run tests on one machine side by side without
 * the lint/type-check/full-suite cost of `npm test`.
 */
import { spawnSync } from 'node:child_process';
import { migrateUp } from '../server/src/platform/migrate.ts';
import { TEST_SECRETS_KEY } from './secrets-key.ts';
import { ensureDatabase, ensurePostgres, ensureRedis } from './services.ts';
import { ensureSystemTools } from './system-packages.ts';

const [name, ...vitestArgs] = process.argv.slice(2);
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: npm run test:dev -- <name: a-z 0-9 _> [vitest args…]');
  process.exit(2);
}

ensureSystemTools();
await ensurePostgres();
await ensureRedis();
const urls = await ensureDatabase(`erp_market_test_${name}`);
await migrateUp(urls.ownerUrl);

const result = spawnSync('npx', ['vitest', 'run', ...vitestArgs], {
  stdio: 'inherit',
  env: {
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: urls.appUrl,
    WORKER_DATABASE_URL: urls.workerUrl,
    DATABASE_OWNER_URL: urls.ownerUrl,
    SECRETS_KEY: TEST_SECRETS_KEY,
    REDIS_PREFIX: `erp-dev-${name}`,
    ARTIFACTS_DIR: process.env.ARTIFACTS_DIR ?? `${process.cwd()}/.artifacts/${name}`,
    TEST_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
  },
});
process.exit(result.status ?? 1);
