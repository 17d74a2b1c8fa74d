/**
 * The lean tenant session of the sale commit: the same guarantees as `withTenant` (RLS scope,
 * all or nothing, the ORM's exceptions) with prepared statements.
 */
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestServer, TestTenant } from '../../test/harness.ts';
import { useTestServer } from '../../test/test-server-fixture.ts';
import { withTenantSql } from './sql-session.ts';

let server: TestServer;
let a: TestTenant;
let b: TestTenant;

const world = useTestServer(['sqla', 'sqlb']);
beforeAll(() => {
  ({
    server,
    tenants: [a, b],
  } = world);
});

const storeIds = (tenantId: string) =>
  withTenantSql(server.orm, tenantId, (sql) =>
    sql.execute<{ id: string }[]>('select id from store order by id'),
  );

describe('withTenantSql', () => {
  it('sees only its tenant: row-level security applies as in withTenant', async () => {
    const own = (await storeIds(a.tenantId)).map((r) => r.id);
    expect(own.sort()).toEqual(a.stores.map((s) => s.id).sort());
    const other = (await storeIds(b.tenantId)).map((r) => r.id);
    expect(other.some((id) => own.includes(id))).toBe(false);
    // Another tenant's row, asked for by id, is not there.
    const [crossed] = await withTenantSql(server.orm, a.tenantId, (sql) =>
      sql.execute<{ id: string }[]>('select id from store where id = ?', [b.stores[0]!.id]),
    );
    expect(crossed).toBeUndefined();
  });

  it('refuses a tenant id that is not a UUID before it reaches the database', async () => {
    let ran = false;
    const work = async () => {
      ran = true;
    };
    for (const tenantId of [
      `${a.tenantId}', false); select set_config('app.tenant_id', '${b.tenantId}`,
      '',
      'demo',
    ]) {
      await expect(withTenantSql(server.orm, tenantId, work)).rejects.toThrow(/must be a UUID/);
    }
    expect(ran).toBe(false);
  });

  it('binds ? placeholders but leaves ? inside quoted text alone', async () => {
    const [row] = await withTenantSql(server.orm, a.tenantId, (sql) =>
      sql.execute<{ literal: string; value: string; n: number }[]>(
        `select '¿qué?' as literal, ?::text as value, ?::int + 1 as n -- a comment?
         `,
        ["o'hara?", 41],
      ),
    );
    expect(row).toEqual({ literal: '¿qué?', value: "o'hara?", n: 42 });
  });

  it('prepares each statement once per connection and reuses it', async () => {
    const text = 'select count(*)::int as n from store where id <> ?';
    const names = await withTenantSql(server.orm, a.tenantId, async (sql) => {
      await sql.execute(text, [a.stores[0]!.id]);
      await sql.execute(text, [a.stores[0]!.id]);
      return sql.execute<{ name: string; statement: string }[]>(
        `select name, statement from pg_prepared_statements where statement like '%where id <> $1'`,
      );
    });
    expect(names).toHaveLength(1);
    expect(names[0]!.name).toMatch(/^s_/);
  });

  it('rolls everything back when the work fails, and reports the database error as the ORM does', async () => {
    const code = `SQL-${crypto.randomUUID().slice(0, 8)}`;
    const insert = `insert into supplier (id, tenant_id, rut, name) values (gen_random_uuid(), current_tenant_id(), ?, ?)`;
    const failure = withTenantSql(server.orm, a.tenantId, async (sql) => {
      await sql.execute(insert, ['11111111-1', code]);
      await sql.execute(insert, ['11111111-1', code]);
    });
    await expect(failure).rejects.toBeInstanceOf(UniqueConstraintViolationException);
    const [left] = await withTenantSql(server.orm, a.tenantId, (sql) =>
      sql.execute<{ n: number }[]>('select count(*)::int as n from supplier where name = ?', [code]),
    );
    expect(left!.n).toBe(0);
    // The connection went back to the pool clean: the next unit of work runs normally.
    expect(await storeIds(a.tenantId)).toHaveLength(a.stores.length);
  });

  it('closes a connection whose prepared statements went stale, so the retry prepares afresh', async () => {
    let pid = 0;
    const stale = withTenantSql(server.orm, a.tenantId, async (sql) => {
      const [backend] = await sql.execute<{ pid: number }[]>('select pg_backend_pid() as pid');
      pid = backend!.pid;
      await sql.execute('create temp table stale_probe (a int)');
      await sql.execute('select * from stale_probe');
      // What a migration does to a table under a running server.
      await sql.execute('alter table stale_probe add column b int');
      await sql.execute('select * from stale_probe');
    });
    await expect(stale).rejects.toThrow(/cached plan must not change result type/);
    await expect
      .poll(async () => {
        const [row] = await withTenantSql(server.orm, a.tenantId, (sql) =>
          sql.execute<{ n: number }[]>('select count(*)::int as n from pg_stat_activity where pid = ?', [
            pid,
          ]),
        );
        return row!.n;
      })
      .toBe(0);
  });

  it('refuses list and object values instead of guessing how to bind them', async () => {
    const misuse = withTenantSql(server.orm, a.tenantId, (sql) =>
      sql.execute('select 1 where 1 = any(?)', [[1, 2]]),
    );
    await expect(misuse).rejects.toThrow(/JSON or array literals/);
  });
});
