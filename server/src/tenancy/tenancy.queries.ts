import type { TenantProfile, TenantProfileInput, TerminalView, UserListRequest, UserView } from '@erp/shared';
import type { z } from 'zod';
import type { SqlExecutor } from '../platform/sql-session.ts';

/**
 * The tenant's stores, terminals, people and company profile as the back office edits them (the
 * simple reads and creations go through the ORM entities). Every function runs in the caller's
 * tenant transaction.
 */

export async function updateStore(
  em: SqlExecutor,
  store: { id: string; name: string; address: string; comuna: string; siiBranchCode: number | null },
): Promise<boolean> {
  const [updated] = await em.execute(
    'update store set name = ?, address = ?, comuna = ?, sii_branch_code = ? where id = ? returning id',
    [store.name, store.address, store.comuna, store.siiBranchCode, store.id],
  );
  return Boolean(updated);
}

/**
 * A new store with its selling warehouse (`B<n>`, the next free number, as the seed names them:
 * sales take stock from a store's first warehouse).
 */
export async function insertStore(
  em: SqlExecutor,
  store: { id: string; name: string; address: string; comuna: string; siiBranchCode: number | null },
  warehouse: { id: string; name: string },
): Promise<void> {
  await em.execute(
    `insert into store (id, tenant_id, name, address, comuna, sii_branch_code)
     values (?, current_tenant_id(), ?, ?, ?, ?)`,
    [store.id, store.name, store.address, store.comuna, store.siiBranchCode],
  );
  await em.execute(
    `insert into warehouse (id, tenant_id, store_id, code, name)
     select ?, current_tenant_id(), ?, 'B' || (coalesce(max(substring(code from '^B(\\d+)$')::int), 0) + 1), ?
       from warehouse`,
    [warehouse.id, store.id, warehouse.name],
  );
}

export type TerminalRow = z.output<typeof TerminalView>;
const TERMINAL_COLUMNS = 'id, store_id as "storeId", code, name';

export async function listTerminals(
  em: SqlExecutor,
  request: { storeId?: string | undefined; offset: number; limit: number },
) {
  const where = 'where (?::uuid is null or store_id = ?)';
  const params = [request.storeId ?? null, request.storeId ?? null];
  const [items, [count]] = await Promise.all([
    em.execute<TerminalRow[]>(
      `select ${TERMINAL_COLUMNS} from terminal ${where} order by code offset ? limit ?`,
      [...params, request.offset, request.limit],
    ),
    em.execute<{ total: number }[]>(`select count(*)::int as total from terminal ${where}`, params),
  ]);
  return { items, total: count?.total ?? 0 };
}

export async function updateTerminal(
  em: SqlExecutor,
  terminal: { id: string; code: string; name: string },
): Promise<TerminalRow> {
  const [row] = await em.execute<TerminalRow[]>(
    `update terminal set code = ?, name = ? where id = ? returning ${TERMINAL_COLUMNS}`,
    [terminal.code, terminal.name, terminal.id],
  );
  return row!;
}

export async function insertTerminal(
  em: SqlExecutor,
  terminal: { id: string; storeId: string; code: string; name: string },
): Promise<TerminalRow> {
  const [row] = await em.execute<TerminalRow[]>(
    `insert into terminal (id, tenant_id, store_id, code, name) values (?, current_tenant_id(), ?, ?, ?)
     returning ${TERMINAL_COLUMNS}`,
    [terminal.id, terminal.storeId, terminal.code, terminal.name],
  );
  return row!;
}

/** A membership with its user, as the back office lists people. */
export type UserRow = z.output<typeof UserView>;

const USER_COLUMNS = `u.id, m.id as "membershipId", u.email, u.name, m.role, m.store_id as "storeId", m.active,
  exists (select 1 from approval_pin p where p.user_id = u.id) as "approvalPin"`;

export async function listUsers(em: SqlExecutor, request: z.output<typeof UserListRequest>) {
  const pattern = `%${request.query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const where = `where (u.name ilike ? or u.email ilike ?)
      and (?::text is null or m.role = ?) and (?::uuid is null or m.store_id = ?) and (m.active or ?)`;
  const params = [
    pattern,
    pattern,
    request.role ?? null,
    request.role ?? null,
    request.storeId ?? null,
    request.storeId ?? null,
    request.includeInactive,
  ];
  const from = 'from membership m join app_user u on u.id = m.user_id';
  const [items, [count]] = await Promise.all([
    em.execute<UserRow[]>(
      `select ${USER_COLUMNS} ${from} ${where} order by u.name, u.email, m.role offset ? limit ?`,
      [...params, request.offset, request.limit],
    ),
    em.execute<{ total: number }[]>(`select count(*)::int as total ${from} ${where}`, params),
  ]);
  return { items, total: count?.total ?? 0 };
}

export async function userByMembership(em: SqlExecutor, membershipId: string): Promise<UserRow | undefined> {
  const [row] = await em.execute<UserRow[]>(
    `select ${USER_COLUMNS} from membership m join app_user u on u.id = m.user_id where m.id = ?`,
    [membershipId],
  );
  return row;
}

export async function updateMembershipRow(
  em: SqlExecutor,
  membership: { membershipId: string; role: string; storeId: string | null },
): Promise<void> {
  await em.execute('update membership set role = ?, store_id = ? where id = ?', [
    membership.role,
    membership.storeId,
    membership.membershipId,
  ]);
}

export async function setMembershipActiveRow(
  em: SqlExecutor,
  membership: { membershipId: string; active: boolean },
): Promise<void> {
  await em.execute('update membership set active = ? where id = ?', [
    membership.active,
    membership.membershipId,
  ]);
}

type Profile = z.output<typeof TenantProfile>;

/** The company's data as its documents show it, its SII resolution and its settings (as stored). */
export async function tenantProfileRow(
  em: SqlExecutor,
): Promise<(Omit<Profile, 'settings'> & { settings: unknown }) | undefined> {
  const [row] = await em.execute<(Omit<Profile, 'settings'> & { settings: unknown })[]>(
    `select slug, rut, razon_social as "razonSocial", giro, address, comuna, acteco,
            sii_resolution_number as "siiResolutionNumber",
            to_char(sii_resolution_date, 'YYYY-MM-DD') as "siiResolutionDate",
            sii_environment as "siiEnvironment", settings
       from tenant`,
  );
  return row;
}

/** Whether the company has loaded CAFs or issued documents (both belong to its RUT). */
export async function hasCafsOrDocuments(em: SqlExecutor): Promise<boolean> {
  const [used] = await em.execute<{ used: boolean }[]>(
    'select exists (select 1 from caf) or exists (select 1 from sale) as used',
  );
  return Boolean(used?.used);
}

export async function updateTenantProfile(
  em: SqlExecutor,
  input: z.output<typeof TenantProfileInput>,
): Promise<void> {
  await em.execute(
    `update tenant set rut = ?, razon_social = ?, giro = ?, address = ?, comuna = ?, acteco = ?,
            sii_resolution_number = ?, sii_resolution_date = ?, sii_environment = ?, settings = ?::jsonb
      where id = current_tenant_id()`,
    [
      input.rut,
      input.razonSocial,
      input.giro,
      input.address,
      input.comuna,
      input.acteco,
      input.siiResolutionNumber,
      input.siiResolutionDate,
      input.siiEnvironment,
      JSON.stringify(input.settings),
    ],
  );
}
