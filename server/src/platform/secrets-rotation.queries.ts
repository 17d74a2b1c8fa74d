import type { SqlExecutor } from './sql-session.ts';

/**
 * The statements of a secrets key rotation. They run as the owner role (the tables' owner, still
 * under forced row-level security): tenant by tenant, each tenant's rows only.
 */

export interface SealedTable {
  table: string;
  columns: string[];
}

/** Table and column names as they may be written into a statement's text. */
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** Every column named `*_sealed`, by table (see SecretBox): the rotation needs no list kept by hand. */
export async function sealedTables(em: SqlExecutor): Promise<SealedTable[]> {
  const rows = await em.execute<{ table: string; columns: string[]; keyed: boolean }[]>(
    `select c.table_name as table, array_agg(c.column_name::text order by c.column_name) as columns,
            bool_and(exists (select 1 from information_schema.columns k
                              where k.table_schema = c.table_schema and k.table_name = c.table_name
                                and k.column_name = 'tenant_id')
                     and exists (select 1 from information_schema.columns k
                                  where k.table_schema = c.table_schema and k.table_name = c.table_name
                                    and k.column_name = 'id')) as keyed
       from information_schema.columns c
      where c.table_schema = 'public' and c.column_name like '%\\_sealed'
      group by c.table_name order by c.table_name`,
  );
  for (const row of rows) {
    if (!row.keyed || ![row.table, ...row.columns].every((name) => IDENTIFIER.test(name))) {
      throw new Error(`sealed columns of ${row.table} need a plain name, an id and a tenant_id`);
    }
  }
  return rows.map(({ table, columns }) => ({ table, columns }));
}

/** Keeps every sealed table's rows still until the rotation commits: nothing is sealed meanwhile. */
export async function lockSealedTables(em: SqlExecutor, tables: SealedTable[]): Promise<void> {
  if (tables.length === 0) return;
  await em.execute(`lock table ${tables.map((t) => t.table).join(', ')} in exclusive mode`);
}

/**
 * Every tenant's id. The owner role is a member of erp_auth (BYPASSRLS, reads `tenant`): it
 * takes that role for this one look-up and drops it again.
 */
export async function allTenantIds(em: SqlExecutor): Promise<string[]> {
  await em.execute('set local role erp_auth');
  const rows = await em.execute<{ id: string }[]>('select id from tenant order by id');
  await em.execute('reset role');
  return rows.map((row) => row.id);
}

/** Row-level security shows the owner this tenant's rows only, until the transaction ends. */
export async function enterTenant(em: SqlExecutor, tenantId: string): Promise<void> {
  await em.execute(`select set_config('app.tenant_id', ?, true)`, [tenantId]);
}

/** The current tenant's sealed values of one table. */
export async function sealedRows(
  em: SqlExecutor,
  { table, columns }: SealedTable,
): Promise<Record<string, string | null>[]> {
  return em.execute(`select id::text as id, ${columns.join(', ')} from ${table}`);
}

/** Writes one row's re-sealed values. */
export async function updateSealedRow(
  em: SqlExecutor,
  { table, columns }: SealedTable,
  id: string,
  values: (string | null)[],
): Promise<void> {
  await em.execute(`update ${table} set ${columns.map((c) => `${c} = ?`).join(', ')} where id::text = ?`, [
    ...values,
    id,
  ]);
}
