/**
 * Tenant isolation enforced by PostgreSQL. The tables are read from the catalog, so every table
 * a later migration adds with a tenant_id column is covered without editing this file.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { superuserUrl, type TestServer, type TestTenant } from '../../test/harness.ts';
import { addCaf, addProducts, openTill, receiveStock } from '../../test/selling.ts';
import { useTestServer } from '../../test/test-server-fixture.ts';

let server: TestServer;
let a: TestTenant;
let b: TestTenant;
let superuser: pg.Client;
let app: pg.Client;
let tenantTables: string[];

/** Runs `work` as the serving role inside a transaction with app.tenant_id set (or not). */
async function asApp<T>(tenantId: string | null, work: (c: pg.Client) => Promise<T>): Promise<T> {
  await app.query('begin');
  try {
    if (tenantId) await app.query(`select set_config('app.tenant_id', $1, true)`, [tenantId]);
    return await work(app);
  } finally {
    await app.query('rollback');
  }
}

/** A real sale in tenant A, so catalog, stock, cash, folio, sale, outbox and audit tables have its rows. */
async function ringOneSale(s: TestServer, tenant: TestTenant) {
  const [product] = await addProducts(s, tenant, [
    { code: 'ISO', name: 'Producto aislado', price: 1000, exempt: false, weighable: false },
  ]);
  await receiveStock(s, tenant, tenant.stores[0]!.warehouseId, [product!.id], '10');
  await addCaf(s, tenant, 39, 1, 10);
  const till = await openTill(s, tenant, tenant.stores[0]!.terminalIds[0]!);
  const sold = await till.socket.emitWithAck('sale:commit', {
    saleId: crypto.randomUUID(),
    terminalId: till.terminalId,
    cashSessionId: till.cashSessionId,
    lines: [
      {
        productId: product!.id,
        quantity: '1',
        unitPrice: 1000,
        discount: { kind: 'amount', amount: 100, reason: 'damaged' },
      },
    ],
    payments: [{ method: 'cash', tendered: 1000 }],
  });
  till.socket.close();
  if (!sold.ok) throw new Error(JSON.stringify(sold.error));
}

/**
 * Rows an UPDATE or DELETE touched; a statement the serving role may not run at all (append-only
 * tables such as the audit log) touches none. Runs in a savepoint so a refusal keeps the
 * transaction usable.
 */
async function changedRows(c: pg.Client, sql: string, tenantId: string): Promise<number> {
  await c.query('savepoint probe');
  try {
    return (await c.query(sql, [tenantId])).rowCount ?? 0;
  } catch (error) {
    if ((error as { code?: string }).code !== '42501') throw error;
    await c.query('rollback to savepoint probe');
    return 0;
  }
}

const world = useTestServer(['iso-a', 'iso-b']);
beforeAll(async () => {
  ({
    server,
    tenants: [a, b],
  } = world);
  await ringOneSale(server, a);
  superuser = new pg.Client({ connectionString: superuserUrl() });
  app = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await Promise.all([superuser.connect(), app.connect()]);
  const { rows } = await superuser.query<{ table_name: string }>(
    `select c.table_name from information_schema.columns c
       join information_schema.tables t using (table_schema, table_name)
      where c.table_schema = 'public' and c.column_name = 'tenant_id' and t.table_type = 'BASE TABLE'
      order by 1`,
  );
  tenantTables = rows.map((r) => r.table_name);
});

afterAll(async () => {
  await Promise.all([superuser?.end(), app?.end()]);
});

describe('row-level security', () => {
  it('covers every table with a tenant_id column: enabled, forced and with a policy', async () => {
    expect(tenantTables).toEqual(expect.arrayContaining(['membership', 'store', 'terminal', 'warehouse']));
    const { rows } = await superuser.query<{
      relname: string;
      rls: boolean;
      forced: boolean;
      policies: number;
    }>(
      `select c.relname, c.relrowsecurity as rls, c.relforcerowsecurity as forced,
              (select count(*)::int from pg_policy p where p.polrelid = c.oid) as policies
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relname = any($1)`,
      [[...tenantTables, 'tenant']],
    );
    expect(rows).toHaveLength(tenantTables.length + 1);
    for (const row of rows) {
      expect({ table: row.relname, rls: row.rls, forced: row.forced }).toEqual({
        table: row.relname,
        rls: true,
        forced: true,
      });
      expect(row.policies, row.relname).toBeGreaterThan(0);
    }
    console.info(`isolation suite covers: tenant, ${tenantTables.join(', ')}`);
  });

  it('serves through a role that is not superuser, has no BYPASSRLS and owns no table', async () => {
    const { rows } = await app.query(
      `select r.rolsuper, r.rolbypassrls,
              (select count(*)::int from pg_class c where c.relowner = r.oid and c.relkind = 'r') as owned
         from pg_roles r where r.rolname = current_user`,
    );
    expect(rows[0]).toEqual({ rolsuper: false, rolbypassrls: false, owned: 0 });
  });

  it('with tenant B set, no row of tenant A can be read, updated or deleted', async () => {
    const exercised: string[] = [];
    for (const table of tenantTables) {
      const { rows } = await superuser.query(
        `select count(*)::int as n from "${table}" where tenant_id = $1`,
        [a.tenantId],
      );
      const ownRows = rows[0].n as number;
      if (ownRows === 0) continue;
      exercised.push(table);
      await asApp(a.tenantId, async (c) => {
        const seen = await c.query(`select count(*)::int as n from "${table}"`);
        expect(seen.rows[0].n, `${table} as its own tenant`).toBe(ownRows);
      });
      await asApp(b.tenantId, async (c) => {
        const read = await c.query(`select count(*)::int as n from "${table}" where tenant_id = $1`, [
          a.tenantId,
        ]);
        expect(read.rows[0].n, `${table} read`).toBe(0);
        const update = `update "${table}" set tenant_id = tenant_id where tenant_id = $1`;
        expect(await changedRows(c, update, a.tenantId), `${table} update`).toBe(0);
        const remove = `delete from "${table}" where tenant_id = $1`;
        expect(await changedRows(c, remove, a.tenantId), `${table} delete`).toBe(0);
      });
    }
    console.info(`cross-tenant read/update/delete exercised on: ${exercised.join(', ')}`);
    expect(exercised.length).toBeGreaterThanOrEqual(15);
    const after = await superuser.query('select count(*)::int as n from store where tenant_id = $1', [
      a.tenantId,
    ]);
    expect(after.rows[0].n).toBe(2);
  });

  it("refuses to write a row into another tenant's data", async () => {
    await asApp(b.tenantId, async (c) => {
      await expect(
        c.query(
          `insert into store (id, tenant_id, name, address, comuna) values (gen_random_uuid(), $1, 'X', 'X', 'X')`,
          [a.tenantId],
        ),
      ).rejects.toThrow(/row-level security/);
    });
  });

  it('with no tenant set, nothing is visible', async () => {
    await asApp(null, async (c) => {
      for (const table of [...tenantTables, 'tenant', 'app_user', 'auth_session']) {
        const { rows } = await c.query(`select count(*)::int as n from "${table}"`);
        expect(rows[0].n, table).toBe(0);
      }
    });
  });

  it("tenant B cannot see tenant A's company or users", async () => {
    await asApp(b.tenantId, async (c) => {
      const tenants = await c.query('select id from tenant');
      expect(tenants.rows).toEqual([{ id: b.tenantId }]);
      const users = await c.query('select email from app_user where email = $1', [a.emails.admin]);
      expect(users.rowCount).toBe(0);
    });
  });

  it('the tenant setting dies with the transaction, so a pooled connection carries nothing over', async () => {
    await app.query('begin');
    await app.query(`select set_config('app.tenant_id', $1, true)`, [a.tenantId]);
    await app.query('commit');
    const { rows } = await app.query(`select coalesce(current_setting('app.tenant_id', true), '') as v`);
    expect(rows[0].v).toBe('');
    const stores = await app.query('select count(*)::int as n from store');
    expect(stores.rows[0].n).toBe(0);
  });
});
