/**
 * What the serving role may not do even inside its own tenant: run the worker's cross-tenant
 * outbox functions, or rewrite a user that another company shares.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestTenant,
  startTestServer,
  superuserUrl,
  type TestServer,
  type TestTenant,
} from '../../test/harness.ts';

/** The four SECURITY DEFINER functions that read every tenant's queue, called harmlessly. */
const WORKER_FUNCTIONS = [
  `select * from outbox_claim('no-such-topic', 1, array[gen_random_uuid()])`,
  'select outbox_mark_processed(array[]::bigint[])',
  `select * from sii_unfinished_work(interval '1 hour', array[gen_random_uuid()])`,
  'select * from sii_lost_work(array[gen_random_uuid()])',
];

let server: TestServer;
let a: TestTenant;
let b: TestTenant;
let superuser: pg.Client;
let web: pg.Client;
let worker: pg.Client;

/** Runs `sql` in a rolled-back transaction as `client`, with tenant and user set; its outcome. */
async function attempt(
  client: pg.Client,
  sql: string,
  params: unknown[] = [],
  as: { tenantId?: string; userId?: string } = {},
): Promise<{ rows: number } | { refused: string }> {
  await client.query('begin');
  try {
    await client.query(`select set_config('app.tenant_id', $1, true), set_config('app.user_id', $2, true)`, [
      as.tenantId ?? '',
      as.userId ?? '',
    ]);
    return { rows: (await client.query(sql, params)).rowCount ?? 0 };
  } catch (error) {
    return { refused: (error as { code?: string }).code ?? String(error) };
  } finally {
    await client.query('rollback');
  }
}

beforeAll(async () => {
  server = await startTestServer();
  [a, b] = await Promise.all([createTestTenant(server, 'role-a'), createTestTenant(server, 'role-b')]);
  superuser = new pg.Client({ connectionString: superuserUrl() });
  web = new pg.Client({ connectionString: process.env.DATABASE_URL });
  worker = new pg.Client({ connectionString: process.env.WORKER_DATABASE_URL });
  await Promise.all([superuser.connect(), web.connect(), worker.connect()]);
});

afterAll(async () => {
  await Promise.all([superuser?.end(), web?.end(), worker?.end()]);
  await server?.close();
});

describe('worker functions', () => {
  it.each(WORKER_FUNCTIONS)('the web role may not run %s', async (sql) => {
    expect(await attempt(web, sql)).toEqual({ refused: '42501' });
  });

  it.each(WORKER_FUNCTIONS)('the worker role runs %s', async (sql) => {
    expect(await attempt(worker, sql)).toEqual({ rows: expect.any(Number) });
  });

  it('the worker role is still held by row-level security', async () => {
    expect(await attempt(worker, 'select id from store')).toEqual({ rows: 0 });
    expect(await attempt(worker, 'select id from store', [], { tenantId: a.tenantId })).toEqual({ rows: 2 });
  });
});

describe('users shared between companies', () => {
  let shared: string;
  let adminOfA: string;

  beforeAll(async () => {
    shared = b.users[b.emails.supervisor]!;
    adminOfA = a.users[a.emails.admin]!;
    // The supervisor of B also works for A (one person, two companies).
    await superuser.query(
      `insert into membership (id, tenant_id, user_id, role, store_id) values (gen_random_uuid(), $1, $2, 'supervisor', null)`,
      [a.tenantId, shared],
    );
  });

  it("company A sees the shared user but cannot rewrite the user's row", async () => {
    const as = { tenantId: a.tenantId, userId: adminOfA };
    expect(await attempt(web, 'select id from app_user where id = $1', [shared], as)).toEqual({ rows: 1 });
    for (const sql of [
      `update app_user set password_hash = 'taken-over' where id = $1`,
      `update app_user set email = 'otro@test.cl' where id = $1`,
      'delete from app_user where id = $1',
    ]) {
      expect(await attempt(web, sql, [shared], as)).toEqual({ rows: 0 });
    }
    const { rows } = await superuser.query('select email, password_hash from app_user where id = $1', [
      shared,
    ]);
    expect(rows[0].password_hash).not.toBe('taken-over');
    expect(rows[0].email).toBe(b.emails.supervisor);
  });

  it('a user may change their own row', async () => {
    const as = { tenantId: a.tenantId, userId: shared };
    expect(
      await attempt(web, `update app_user set name = 'Nuevo nombre' where id = $1`, [shared], as),
    ).toEqual({
      rows: 1,
    });
  });
});
