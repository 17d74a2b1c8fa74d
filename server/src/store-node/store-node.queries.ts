/**
 * SQL of the store node: folio leases (`folio_lease`), the offline sales recorded against them
 * (`offline_sale`), lease sizes per store and the stores' node state. Every function runs in the
 * caller's tenant transaction.
 */
import type { SqlFragment } from '../platform/sql-fragment.ts';
import type { SqlExecutor } from '../platform/sql-session.ts';

/**
 * Binds the hub's sealing key to its credential on first use; answers the key bound now (the
 * one sent when none was, else the one bound before, which may differ).
 */
export async function bindSealKey(
  em: SqlExecutor,
  deviceId: string,
  publicKey: string,
): Promise<string | null> {
  const [row] = await em.execute<{ seal_key: string | null }[]>(
    `update hub_device set seal_key = coalesce(seal_key, ?) where id = ? and revoked_at is null returning seal_key`,
    [publicKey, deviceId],
  );
  return row?.seal_key ?? null;
}

/**
 * Moves the live leases of the credentials this one renewed (and those they renewed) to it: a
 * lease follows its hub through a renewal. Cheap when there are none.
 */
export async function adoptRenewedLeases(em: SqlExecutor, deviceId: string): Promise<void> {
  await em.execute(
    `with recursive replaced(id) as (
       select replaces from hub_device where id = ? and replaces is not null
       union
       select d.replaces from hub_device d join replaced r on d.id = r.id where d.replaces is not null
     )
     update folio_lease set device_id = ? where device_id in (select id from replaced) and revoked_at is null`,
    [deviceId, deviceId],
  );
}

export interface LeaseRow {
  id: string;
  store_id: string;
  device_id: string;
  caf_id: string;
  doc_type: number;
  folio_from: number;
  folio_to: number;
  granted_at: Date;
  revoked_at: Date | null;
  used: number;
}

const LEASE_COLUMNS = `l.id, l.store_id, l.device_id, l.caf_id, l.doc_type, l.folio_from, l.folio_to, l.granted_at,
  l.revoked_at, (select count(*)::int from offline_sale o where o.lease_id = l.id) as used`;

/** A hub's live leases, oldest first, each with how many of its folios have a recorded sale. */
export function liveLeasesOf(em: SqlExecutor, deviceId: string): Promise<LeaseRow[]> {
  return em.execute<LeaseRow[]>(
    `select ${LEASE_COLUMNS} from folio_lease l
      where l.device_id = ? and l.revoked_at is null order by l.doc_type, l.folio_from`,
    [deviceId],
  );
}

/** Every lease of the tenant, or of one store, newest first (the back office's list). */
export function listLeases(em: SqlExecutor, storeId: string | null): Promise<LeaseRow[]> {
  return em.execute<LeaseRow[]>(
    `select ${LEASE_COLUMNS} from folio_lease l
      where (?::uuid is null or l.store_id = ?::uuid) order by l.granted_at desc, l.doc_type`,
    [storeId, storeId],
  );
}

export async function insertLease(
  em: SqlExecutor,
  lease: {
    id: string;
    storeId: string;
    deviceId: string;
    cafId: string;
    docType: number;
    from: number;
    to: number;
  },
): Promise<void> {
  await em.execute(
    `insert into folio_lease (id, tenant_id, store_id, device_id, caf_id, doc_type, folio_from, folio_to)
     values (?, current_tenant_id(), ?, ?, ?, ?, ?, ?)`,
    [lease.id, lease.storeId, lease.deviceId, lease.cafId, lease.docType, lease.from, lease.to],
  );
}

/** Revokes the live leases of a credential (and of those it renewed); their ids. */
export async function revokeLeases(em: SqlExecutor, deviceId: string): Promise<string[]> {
  const rows = await em.execute<{ id: string }[]>(
    `with recursive lineage(id) as (
       select ?::uuid
       union
       select d.replaces from hub_device d join lineage r on d.id = r.id where d.replaces is not null
     )
     update folio_lease set revoked_at = now()
      where device_id in (select id from lineage) and revoked_at is null returning id`,
    [deviceId],
  );
  return rows.map((r) => r.id);
}

export interface UnusedRangeRow {
  lease_id: string;
  store_id: string;
  doc_type: number;
  folio_from: number;
  folio_to: number;
  revoked_at: Date | null;
  reason: 'revoked' | 'superseded' | 'refused';
}

/**
 * The folios to annul, as runs of consecutive folios (gaps and islands): those of revoked leases
 * that no recorded sale used, those voided because their sale was committed online first, and
 * those of offline sales the server refused (a refusal counts only inside a lease of its store:
 * a hub cannot put another store's folios on the list).
 */
export function foliosToAnnul(em: SqlExecutor, storeId: string | null): Promise<UnusedRangeRow[]> {
  return em.execute<UnusedRangeRow[]>(
    `with free as (
       select l.id, l.store_id, l.doc_type, l.revoked_at, f.folio,
              case when v.folio is not null then 'superseded'
                   when r.folio is not null then 'refused'
                   else 'revoked' end as reason
         from folio_lease l
         cross join lateral generate_series(l.folio_from, l.folio_to) as f(folio)
         left join folio_lease_void v on v.doc_type = l.doc_type and v.folio = f.folio
         left join lateral (
           select r.folio from offline_sale_refusal r
            where r.lease_id = l.id and r.store_id = l.store_id and r.doc_type = l.doc_type
              and r.folio = f.folio limit 1
         ) r on true
        where (?::uuid is null or l.store_id = ?::uuid)
          and (l.revoked_at is not null or v.folio is not null or r.folio is not null)
          and not exists (select 1 from offline_sale o where o.doc_type = l.doc_type and o.folio = f.folio)
     ), runs as (
       select *, folio - row_number() over (partition by id, reason order by folio) as run from free
     )
     select id as lease_id, store_id, doc_type, min(folio) as folio_from, max(folio) as folio_to, revoked_at, reason
       from runs group by id, store_id, doc_type, revoked_at, reason, run
      order by doc_type, folio_from`,
    [storeId, storeId],
  );
}

export interface OfflineRefusal {
  saleId: string;
  leaseId: string;
  docType: number;
  folio: number;
  total: number;
  cashierId: string;
  issuedAt: string;
  code: string;
  message: string;
}

/** Records offline sales refused at sync (one row per sale id: a sale refused again keeps its first time). */
export async function recordRefusals(
  em: SqlExecutor,
  hub: { storeId: string; deviceId: string },
  refusals: readonly OfflineRefusal[],
): Promise<void> {
  await em.execute(
    `insert into offline_sale_refusal
       (tenant_id, sale_id, store_id, device_id, lease_id, doc_type, folio, total, cashier_id, issued_at, code, message)
     select current_tenant_id(), r.sale_id, ?, ?, r.lease_id, r.doc_type, r.folio, r.total, r.cashier_id, r.issued_at,
            r.code, r.message
       from jsonb_to_recordset(?::jsonb) as r(sale_id uuid, lease_id uuid, doc_type smallint, folio integer,
            total integer, cashier_id uuid, issued_at timestamptz, code text, message text)
     on conflict (tenant_id, sale_id) do update
        set code = excluded.code, message = excluded.message, last_refused_at = now()`,
    [
      hub.storeId,
      hub.deviceId,
      JSON.stringify(
        refusals.map((r) => ({
          sale_id: r.saleId,
          lease_id: r.leaseId,
          doc_type: r.docType,
          folio: r.folio,
          total: r.total,
          cashier_id: r.cashierId,
          issued_at: r.issuedAt,
          code: r.code,
          message: r.message,
        })),
      ),
    ],
  );
}

export interface RefusalRow {
  sale_id: string;
  store_id: string;
  doc_type: number;
  folio: number;
  total: number;
  cashier_name: string | null;
  issued_at: Date;
  code: string;
  message: string;
  last_refused_at: Date;
}

/** Refused offline sales still without a recorded sale, newest first. */
export function refusedOfflineSales(em: SqlExecutor, storeId: string | null): Promise<RefusalRow[]> {
  return em.execute<RefusalRow[]>(
    `select r.sale_id, r.store_id, r.doc_type, r.folio, r.total, u.name as cashier_name, r.issued_at, r.code,
            r.message, r.last_refused_at
       from offline_sale_refusal r
       left join app_user u on u.id = r.cashier_id
      where (?::uuid is null or r.store_id = ?::uuid)
        and not exists (select 1 from offline_sale o where o.sale_id = r.sale_id)
      order by r.issued_at desc
      limit 500`,
    [storeId, storeId],
  );
}

/**
 * A leased folio printed on a sale the server committed online under another folio: voided, if it
 * lies in the hub's lease and no sale used it (a repeat keeps the first). Whether it was voided.
 */
export async function voidLeasedFolio(
  em: SqlExecutor,
  v: { leaseId: string; deviceId: string; docType: number; folio: number; saleId: string },
): Promise<boolean> {
  const rows = await em.execute<{ folio: number }[]>(
    `insert into folio_lease_void (tenant_id, lease_id, doc_type, folio, sale_id)
     select current_tenant_id(), l.id, l.doc_type, ?, ? from folio_lease l
      where l.id = ? and l.device_id = ? and l.doc_type = ? and ? between l.folio_from and l.folio_to
        and not exists (select 1 from offline_sale o where o.doc_type = l.doc_type and o.folio = ?)
     on conflict do nothing returning folio`,
    [v.folio, v.saleId, v.leaseId, v.deviceId, v.docType, v.folio, v.folio],
  );
  return rows.length > 0;
}

export interface SaleLeaseRow {
  id: string;
  device_id: string;
  caf_id: string;
  doc_type: number;
  folio_from: number;
  folio_to: number;
  revoked_at: Date | null;
  /** The lease's CAF element (what goes into a TED's DD). */
  caf_xml: string;
}

/**
 * The leases a batch of offline sales names, with their CAFs, locked for share (a revocation
 * waits for the sales being recorded under them). RLS hides another tenant's.
 */
export function leasesForSales(em: SqlExecutor, leaseIds: readonly string[]): Promise<SaleLeaseRow[]> {
  return em.execute<SaleLeaseRow[]>(
    `select l.id, l.device_id, l.caf_id, l.doc_type, l.folio_from, l.folio_to, l.revoked_at, c.caf_xml
       from folio_lease l join caf c on c.id = l.caf_id where l.id = any(?::uuid[]) order by l.id for share of l`,
    [`{${[...new Set(leaseIds)].join(',')}}`],
  );
}

/** The offline sale's use of its leased folio, written in the sale's one statement. */
export function recordOfflineSale(sale: {
  saleId: string;
  leaseId: string;
  deviceId: string;
  docType: number;
  folio: number;
}): SqlFragment {
  return {
    sql: `insert into offline_sale (sale_id, tenant_id, lease_id, device_id, doc_type, folio)
          values (?, current_tenant_id(), ?, ?, ?, ?) returning sale_id`,
    params: [sale.saleId, sale.leaseId, sale.deviceId, sale.docType, sale.folio],
  };
}

/**
 * The people who rang a batch of offline sales: each one's role in this store (bound to it, else
 * company-wide); one missing has none.
 */
export async function sellingRoles(
  em: SqlExecutor,
  userIds: readonly string[],
  storeId: string,
): Promise<Map<string, string>> {
  const rows = await em.execute<{ user_id: string; role: string }[]>(
    `select distinct on (user_id) user_id, role from membership
      where user_id = any(?::uuid[]) and active and (store_id is null or store_id = ?)
      order by user_id, store_id nulls last`,
    [`{${[...new Set(userIds)].join(',')}}`, storeId],
  );
  return new Map(rows.map((r) => [r.user_id, r.role]));
}

/** The command ids of these that an audit entry already records. */
export async function auditedCommands(em: SqlExecutor, commandIds: readonly string[]): Promise<Set<string>> {
  const rows = await em.execute<{ command_id: string }[]>(
    `select details->>'commandId' as command_id from audit_log where details->>'commandId' = any(?::text[])`,
    [`{${commandIds.join(',')}}`],
  );
  return new Set(rows.map((r) => r.command_id));
}

export async function storeTerminalIds(em: SqlExecutor, storeId: string): Promise<Set<string>> {
  const rows = await em.execute<{ id: string }[]>('select id from terminal where store_id = ?', [storeId]);
  return new Set(rows.map((r) => r.id));
}

/** Lease sizes stored per store and type (missing ones take the defaults). */
export function leaseSettingRows(
  em: SqlExecutor,
  storeId: string | null,
): Promise<{ store_id: string; doc_type: number; size: number }[]> {
  return em.execute(
    `select store_id, doc_type, size from store_lease_setting where (?::uuid is null or store_id = ?::uuid)`,
    [storeId, storeId],
  );
}

export async function storeIds(em: SqlExecutor): Promise<string[]> {
  const rows = await em.execute<{ id: string }[]>('select id from store order by name', []);
  return rows.map((r) => r.id);
}

export async function saveLeaseSize(
  em: SqlExecutor,
  storeId: string,
  docType: number,
  size: number,
): Promise<void> {
  await em.execute(
    `insert into store_lease_setting (tenant_id, store_id, doc_type, size) values (current_tenant_id(), ?, ?, ?)
     on conflict (tenant_id, store_id, doc_type) do update set size = excluded.size`,
    [storeId, docType, size],
  );
}

export interface NodeStateRow {
  store_id: string;
  offline_since: Date | null;
  pending: number;
  reported_at: Date | null;
  disconnected_at: Date | null;
}

/** The hub's report: since when it is cut off, and how many sales wait. */
export async function writeNodeReport(
  em: SqlExecutor,
  storeId: string,
  report: { offlineSince: string | null; pending: number },
): Promise<NodeStateRow> {
  const [row] = await em.execute<NodeStateRow[]>(
    `insert into store_node_state (tenant_id, store_id, offline_since, pending, reported_at, disconnected_at)
     values (current_tenant_id(), ?, ?, ?, now(), null)
     on conflict (tenant_id, store_id) do update
       set offline_since = excluded.offline_since, pending = excluded.pending, reported_at = now(), disconnected_at = null
     returning store_id, offline_since, pending, reported_at, disconnected_at`,
    [storeId, report.offlineSince, report.pending],
  );
  return row!;
}

/** The store's hub socket dropped: cut off since now, unless already known to be. */
export async function writeNodeDisconnected(em: SqlExecutor, storeId: string): Promise<NodeStateRow> {
  const [row] = await em.execute<NodeStateRow[]>(
    `insert into store_node_state (tenant_id, store_id, disconnected_at) values (current_tenant_id(), ?, now())
     on conflict (tenant_id, store_id) do update set disconnected_at = coalesce(store_node_state.disconnected_at, now())
     returning store_id, offline_since, pending, reported_at, disconnected_at`,
    [storeId],
  );
  return row!;
}

/** The hub's socket is back (before its first report). */
export async function writeNodeConnected(em: SqlExecutor, storeId: string): Promise<NodeStateRow> {
  const [row] = await em.execute<NodeStateRow[]>(
    `insert into store_node_state (tenant_id, store_id) values (current_tenant_id(), ?)
     on conflict (tenant_id, store_id) do update set disconnected_at = null
     returning store_id, offline_since, pending, reported_at, disconnected_at`,
    [storeId],
  );
  return row!;
}

export function nodeStates(em: SqlExecutor): Promise<NodeStateRow[]> {
  return em.execute<NodeStateRow[]>(
    'select store_id, offline_since, pending, reported_at, disconnected_at from store_node_state',
    [],
  );
}
