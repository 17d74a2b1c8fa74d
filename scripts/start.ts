/**
 * `npm start`: brings the whole system up on this machine with the demo tenants — checks (and if
 * needed starts) PostgreSQL and Redis, creates the database and roles, migrates, seeds, builds the
 * client, starts the processes, and prints the URL and the demo logins. Ctrl-C stops everything.
 * Secrets at rest are sealed with SECRETS_KEY, or else with this machine's own key (made on the
 * first start, kept outside the repository: see secrets-key.ts).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ensureDemoHub } from '../server/src/hardware/index.ts';
import { type Config, loadConfig } from '../server/src/platform/config.ts';
import { migrateUp } from '../server/src/platform/migrate.ts';
import { initOrm } from '../server/src/platform/orm.ts';
import { LEGACY_ZERO_KEY, SecretBox } from '../server/src/platform/secrets.ts';
import { rotateSecrets, UnknownSecretsKeyError } from '../server/src/platform/secrets-rotation.ts';
import { DEMO_PASSWORD, DEMO_TENANTS, seedDemo } from '../server/src/tenancy/index.ts';
import { machineSecretsKey, secretsKeyFile } from './secrets-key.ts';
import { ensureDatabase, ensurePostgres, ensureRedis } from './services.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const port = Number(process.env.PORT ?? 3000);
/** The demo store's hub is also its store node: the POS opened from it keeps working offline. */
const hubHttpPort = Number(process.env.HUB_HTTP_PORT ?? 3200);
const database = process.env.DATABASE_NAME ?? 'erp_market';

function machineKey(): string {
  const file = secretsKeyFile();
  const { key, created } = machineSecretsKey(file);
  console.log(`[start] secrets key: ${created ? 'created' : 'read from'} ${file}`);
  return key;
}
const secretsKey = process.env.SECRETS_KEY ?? machineKey();
/** The environment as the processes will see it, checked before anything starts. */
function checkedConfig(): Config {
  try {
    return loadConfig({ ...process.env, SECRETS_KEY: secretsKey });
  } catch (error) {
    console.error(`\n[start] ${(error as Error).message}\n`);
    process.exit(1);
  }
}
const config = checkedConfig();
const box = new SecretBox(secretsKey);

await ensurePostgres();
await ensureRedis();
const urls = await ensureDatabase(database);
const applied = await migrateUp(urls.ownerUrl);
console.log(`[start] migrations: ${applied.length ? applied.join(', ') : 'up to date'}`);
// A database from before the key was required holds secrets sealed with the all-zero key: they
// are re-sealed with this key once (values already sealed with it are left as they are).
try {
  const legacy = await rotateSecrets(urls.ownerUrl, new SecretBox(LEGACY_ZERO_KEY), box);
  if (legacy.rotated > 0) {
    console.log(
      `[start] secrets: ${legacy.rotated} sealed with the old all-zero key, re-sealed with this key`,
    );
  }
} catch (error) {
  if (!(error instanceof UnknownSecretsKeyError)) throw error;
  console.error(
    `\n[start] ${database} holds secrets sealed with another key (${error.where.length} row(s)). Start with ` +
      'SECRETS_KEY set to that key, or re-seal them: npm run erp -- secrets rotate --from <that key> --to <this key>\n',
  );
  process.exit(1);
}
const orm = await initOrm(urls.appUrl, 2);
const seeded = await seedDemo(orm, box);
console.log(`[start] demo data: ${seeded.length ? `created ${seeded.join(', ')}` : 'already present'}`);
// The demo store's hardware hub, simulated: receipts become text + PNG files under var/hub.
const hubDir = `${root}var/hub`;
const demoHub = await ensureDemoHub(
  orm,
  DEMO_TENANTS[0]!,
  `${hubDir}/credential.json`,
  config.HUB_CREDENTIAL_TTL_DAYS,
);
await orm.close(true);

const clientDist = `${root}client/dist`;
if (existsSync(`${root}client/vite.config.ts`)) {
  console.log('[start] building the client');
  const build = spawnSync('npm', ['run', '-s', 'build', '-w', 'client'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(1);
}

const env = {
  ...process.env,
  PORT: String(port),
  DATABASE_URL: urls.appUrl,
  WORKER_DATABASE_URL: urls.workerUrl,
  DATABASE_OWNER_URL: urls.ownerUrl,
  SECRETS_KEY: secretsKey,
  CLIENT_DIST: clientDist,
};

/** Long-running processes of the system; each restarts nothing by itself: if one dies, all stop. */
const processes: { name: string; args: string[]; env?: Record<string, string> }[] = [
  { name: 'server', args: ['server/src/main.ts'] },
  { name: 'worker', args: ['server/src/worker.ts'] },
  { name: 'sii-simulator', args: ['server/src/sii/simulator/main.ts'] },
  {
    name: 'hardware hub',
    args: ['hardware-hub/src/main.ts', '--simulate'],
    env: {
      HUB_SERVER_URL: `http://127.0.0.1:${port}`,
      HUB_TENANT: demoHub.tenantSlug,
      HUB_STORE_ID: demoHub.storeId,
      HUB_TOKEN: demoHub.token,
      HUB_DATA_DIR: hubDir,
      HUB_HTTP_PORT: String(hubHttpPort),
      HUB_CLIENT_DIST: clientDist,
    },
  },
];
const children: ChildProcess[] = processes.map(({ name, args, env: own }) => {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...env, ...own }, stdio: 'inherit' });
  child.on('exit', (code) => {
    console.error(`[start] ${name} exited (${code}); stopping`);
    shutdown(code ?? 1);
  });
  return child;
});

function shutdown(code: number) {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 500);
}
process.once('SIGINT', () => shutdown(0));
process.once('SIGTERM', () => shutdown(0));

for (let i = 0; i < 100; i++) {
  const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then(
    (r) => r.ok,
    () => false,
  );
  if (ok) break;
  await new Promise((r) => setTimeout(r, 200));
}
const users = DEMO_TENANTS.flatMap((t) =>
  t.users.map(
    (u) =>
      `    ${u.email.padEnd(22)} ${u.role.padEnd(11)} ${t.slug}${u.approvalPin ? ` (PIN de autorización ${u.approvalPin})` : ''}`,
  ),
);
// The store node's addresses: this machine's, as the store's terminals would open them.
const storeNodeUrls = [
  `http://127.0.0.1:${hubHttpPort}/`,
  ...Object.values(networkInterfaces())
    .flat()
    .filter((address) => address && address.family === 'IPv4' && !address.internal)
    .map((address) => `http://${address!.address}:${hubHttpPort}/`),
];
console.log(`
ERP Market is running: http://127.0.0.1:${port}/
Store node of ${DEMO_TENANTS[0]!.stores[0]!.name} (its hub: open the POS here, and the page and catalog still load when the central server is down): ${storeNodeUrls.join('  ')}

Demo logins (password ${DEMO_PASSWORD}):
${users.join('\n')}

Receipts of ${DEMO_TENANTS[0]!.stores[0]!.name} (simulated hub printer): ${hubDir}/receipts/*.txt and *.png
Try offline (README): cut the central server with  kill -STOP ${children[0]!.pid}  and bring it back with  kill -CONT ${children[0]!.pid}

Ctrl-C stops it.`);
