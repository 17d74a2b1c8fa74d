/**
 * Local services the system needs: PostgreSQL and Redis on their default ports. Used by
 * `npm start` and `npm test`: each service is checked, started from the locally installed
 * server if it is down, or reported with what to install.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import pg from 'pg';

const PG_PORT = 5432;
const REDIS_PORT = 6379;

function log(message: string) {
  console.log(`[services] ${message}`);
}

function portOpen(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function waitForPort(port: number, seconds: number): Promise<boolean> {
  for (let i = 0; i < seconds * 4; i++) {
    if (await portOpen(port)) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

function fail(message: string): never {
  console.error(`\n[services] ${message}\n`);
  process.exit(1);
}

export async function ensurePostgres(): Promise<void> {
  if (await portOpen(PG_PORT)) return;
  const versions = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql') : [];
  if (versions.length === 0) {
    fail(
      'PostgreSQL is not answering on 127.0.0.1:5432 and is not installed.\n' +
        'Install it with: apt-get update && apt-get install -y postgresql',
    );
  }
  const version = versions.sort().at(-1)!;
  log(`PostgreSQL is down; starting cluster ${version}/main`);
  const r = spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], {
    stdio: 'inherit',
  });
  if (r.status !== 0 || !(await waitForPort(PG_PORT, 20))) {
    fail(`Could not start PostgreSQL ${version}. Start it by hand: pg_ctlcluster ${version} main start`);
  }
}

export async function ensureRedis(): Promise<void> {
  if (await portOpen(REDIS_PORT)) return;
  const which = spawnSync('sh', ['-c', 'command -v redis-server']);
  if (which.status !== 0) {
    fail(
      'Redis is not answering on 127.0.0.1:6379 and is not installed.\n' +
        'Install it with: apt-get update && apt-get install -y redis-server',
    );
  }
  log('Redis is down; starting redis-server on 6379');
  execFileSync('redis-server', [
    '--daemonize',
    'yes',
    '--port',
    String(REDIS_PORT),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
  ]);
  if (!(await waitForPort(REDIS_PORT, 10))) fail('Could not start Redis on 127.0.0.1:6379.');
}

/** Superuser connection used only to create roles and databases (trust auth on local installs). */
export const ADMIN_URL = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export interface DatabaseUrls {
  appUrl: string;
  workerUrl: string;
  ownerUrl: string;
}

/**
 * Creates the roles (owner; serving role that is neither superuser nor BYPASSRLS and owns
 * nothing; the worker role, the serving role plus the cross-tenant outbox functions; the NOLOGIN
 * auth-function owner) and the database if missing. With `fresh`, drops the database first.
 */
export async function ensureDatabase(database: string, { fresh = false } = {}): Promise<DatabaseUrls> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  try {
    await admin.connect();
  } catch (error) {
    fail(
      `Cannot connect to PostgreSQL as a superuser (${ADMIN_URL}): ${(error as Error).message}\n` +
        'Set PG_ADMIN_URL to a superuser connection string.',
    );
  }
  try {
    for (const [role, extra] of [
      ['erp_owner', ''],
      ['erp_app', 'NOBYPASSRLS'],
      ['erp_worker', 'NOBYPASSRLS'],
    ] as const) {
      const exists = await admin.query('select 1 from pg_roles where rolname = $1', [role]);
      if (exists.rowCount === 0) {
        await admin.query(
          `create role ${role} login password '${role}' nosuperuser nocreatedb nocreaterole ${extra}`,
        );
      }
    }
    // Owns the few SECURITY DEFINER look-ups that run before a tenant is known (login, token
    // check, namespace by slug). It cannot log in; the owner role may hand functions to it.
    const authRole = await admin.query("select 1 from pg_roles where rolname = 'erp_auth'");
    if (authRole.rowCount === 0) await admin.query('create role erp_auth nologin bypassrls');
    await admin.query('grant erp_auth to erp_owner');
    // The worker does what the serving role does, and alone may run the cross-tenant outbox
    // and recovery functions (granted by a migration).
    await admin.query('grant erp_app to erp_worker');
    if (fresh) await admin.query(`drop database if exists "${database}" with (force)`);
    const db = await admin.query('select 1 from pg_database where datname = $1', [database]);
    if (db.rowCount === 0) {
      await admin.query(`create database "${database}" owner erp_owner`);
      log(`created database ${database}`);
    }
  } finally {
    await admin.end();
  }
  return {
    appUrl: withDatabase('postgres://erp_app:erp_app@127.0.0.1:5432/', database),
    workerUrl: withDatabase('postgres://erp_worker:erp_worker@127.0.0.1:5432/', database),
    ownerUrl: withDatabase('postgres://erp_owner:erp_owner@127.0.0.1:5432/', database),
  };
}

export async function dropDatabase(database: string): Promise<void> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`drop database if exists "${database}" with (force)`);
  } finally {
    await admin.end();
  }
}
