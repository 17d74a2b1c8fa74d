import type { WallSnapshot } from '@erp/shared';
import type { AuditRow } from '../audit/index.ts';
import type { toSessionView } from '../cash/index.ts';
import type { SqlExecutor } from '../platform/sql-session.ts';

/**
 * The wall's reads. `readStoreSales` runs after every sale on `withTenantSql`, where each text
 * is a statement prepared once per connection: keep the texts stable.
 */

/** Today in Chile as instants, and the database clock, read once per unit of work. */
export interface Today {
  day: string;
  asOf: Date;
  starts: Date;
  ends: Date;
}

export async function readToday(em: SqlExecutor): Promise<Today> {
  const [row] = await em.execute<Today[]>(
    `select d::text as day, now() as "asOf",
            d::timestamp at time zone 'America/Santiago' as starts,
            (d + 1)::timestamp at time zone 'America/Santiago' as ends
       from (select (now() at time zone 'America/Santiago')::date as d) x`,
  );
  return row!;
}

/**
 * Today's sales of each store (or of one), read per store through the (tenant, store, issued_at)
 * index, so the cost follows the day's tickets and never the sales history.
 */
const DAY_SALES = `(
  select d.* from store st cross join lateral (
    select id, kind, store_id, terminal_id, cashier_id, doc_type, folio, total, issued_at from sale
     where sale.store_id = st.id and sale.issued_at >= ? and sale.issued_at < ?
     order by sale.issued_at desc limit ?) d
   where (?::uuid is null or st.id = ?::uuid)) s`;

/** The hour of the day in Chile of a sale of DAY_SALES. */
const HOUR = `extract(hour from s.issued_at at time zone 'America/Santiago')::int`;

export interface GroupRow {
  storeId: string;
  cashierId: string | null;
  hour: number | null;
  /** GROUPING(cashier_id, hour): 3 the store, 1 a cashier, 2 an hour. */
  level: 1 | 2 | 3;
  tickets: number;
  gross: string;
  returns: number;
  refunded: string;
}

export interface TicketRow {
  saleId: string;
  kind: 'sale' | 'return';
  storeId: string;
  terminalId: string;
  cashierId: string;
  docType: number;
  folio: number;
  total: string;
  issuedAt: Date;
}

/** The tenant's stores by name, or only `storeId`. */
export function storeIds(em: SqlExecutor, storeId: string | null) {
  return em.execute<{ id: string }[]>(
    'select id from store where (?::uuid is null or id = ?::uuid) order by name',
    [storeId, storeId],
  );
}

/** Today's figures per store, per cashier and per hour, in one grouping-sets aggregate. */
export function daySalesGroups(em: SqlExecutor, now: Today, storeId: string | null) {
  return em.execute<GroupRow[]>(
    `select s.store_id as "storeId", s.cashier_id as "cashierId", ${HOUR} as hour,
            grouping(s.cashier_id, ${HOUR}) as level,
            count(*) filter (where s.kind = 'sale')::int as tickets,
            coalesce(sum(s.total) filter (where s.kind = 'sale'), 0) as gross,
            count(*) filter (where s.kind = 'return')::int as returns,
            coalesce(sum(s.total) filter (where s.kind = 'return'), 0) as refunded
       from ${DAY_SALES}
      group by grouping sets ((s.store_id), (s.store_id, s.cashier_id), (s.store_id, ${HOUR}))`,
    [now.starts, now.ends, null, storeId, storeId],
  );
}

/** Each store's latest `perStore` tickets of today, newest first. */
export function dayTickets(em: SqlExecutor, now: Today, perStore: number, storeId: string | null) {
  return em.execute<TicketRow[]>(
    `select s.id as "saleId", s.kind, s.store_id as "storeId", s.terminal_id as "terminalId",
            s.cashier_id as "cashierId", s.doc_type as "docType", s.folio, s.total, s.issued_at as "issuedAt"
       from ${DAY_SALES}
      order by s.issued_at desc`,
    [now.starts, now.ends, perStore, storeId, storeId],
  );
}

/** The drawers not closed yet (open or waiting for a supervisor), of every store or of one. */
export function openCashSessions(em: SqlExecutor, storeId: string | null) {
  return em.execute<Parameters<typeof toSessionView>[0][]>(
    `select * from cash_session where status <> 'closed' and (?::uuid is null or store_id = ?::uuid)
      order by opened_at`,
    [storeId, storeId],
  );
}

/** Names for the ids the wall's blocks carry. */
export async function wallNames(em: SqlExecutor) {
  const stores = await em.execute<{ id: string; name: string }[]>('select id, name from store order by name');
  const terminals = await em.execute<{ id: string; name: string; storeId: string }[]>(
    'select id, name, store_id as "storeId" from terminal order by name',
  );
  const warehouses = await em.execute<{ id: string; name: string; storeId: string | null }[]>(
    'select id, name, store_id as "storeId" from warehouse order by name',
  );
  const people = await em.execute<{ id: string; name: string }[]>(
    'select distinct u.id, u.name from membership m join app_user u on u.id = m.user_id order by u.name',
  );
  return { stores, terminals, warehouses, people };
}

/** An audit entry as the wall shows it, its time still a `Date`. */
type AuditEntryRow = Omit<AuditRow, 'createdAt'> & { createdAt: Date };

/** The latest `limit` audit entries of the `kinds` since `since`. */
export function auditEntriesSince(em: SqlExecutor, since: Date, kinds: readonly string[], limit: number) {
  return em.execute<AuditEntryRow[]>(
    `select kind, store_id as "storeId", terminal_id as "terminalId", user_id as "userId", details,
            created_at as "createdAt"
       from audit_log where created_at >= ? and kind = any(?::text[])
      order by created_at desc limit ?`,
    [since, `{${kinds.join(',')}}`, limit],
  );
}

/** How many products are below their minimum, and the `limit` latest of them. */
export async function lowStock(em: SqlExecutor, limit: number): Promise<WallSnapshot['lowStock']> {
  const [lowCount] = await em.execute<{ n: number }[]>(
    'select count(*)::int as n from stock_level where below_min',
  );
  const items = await em.execute<WallSnapshot['lowStock']['items']>(
    `select l.warehouse_id as "warehouseId", l.product_id as "productId", p.name as "productName",
            l.quantity::text as quantity, l.min_quantity::text as minimum
       from stock_level l join product p on p.id = l.product_id
      where l.below_min order by l.updated_at desc limit ?`,
    [limit],
  );
  return { count: lowCount!.n, items };
}

/** Hub credentials not revoked, per store. */
export function hubDeviceCounts(em: SqlExecutor) {
  return em.execute<{ storeId: string; n: number }[]>(
    `select store_id as "storeId", count(*)::int as n from hub_device where revoked_at is null group by store_id`,
  );
}

/**
 * Today's SII documents pending and refused. A sale's document is pending until the SII accepts
 * or refuses it, also before the worker has created its row (no dte_document yet: still in the
 * outbox or the signing queue).
 */
export async function daySiiCounts(em: SqlExecutor, now: Today) {
  const [sii] = await em.execute<{ pending: number; oldestPendingAt: Date | null; rejected: number }[]>(
    `select count(*) filter (where d.state is null or d.state not in ('accepted', 'objected', 'rejected', 'failed'))::int
              as pending,
            min(s.issued_at) filter (where d.state is null or d.state not in ('accepted', 'objected', 'rejected', 'failed'))
              as "oldestPendingAt",
            count(*) filter (where d.state in ('rejected', 'failed'))::int as rejected
       from ${DAY_SALES}
       left join dte_document d on d.sale_id = s.id`,
    [now.starts, now.ends, null, null, null],
  );
  return sii!;
}

export interface SiiProblemRow {
  documentId: string;
  docType: number;
  folio: number;
  state: WallSnapshot['sii']['latest'][number]['state'];
  detail: string | null;
  issuedAt: Date;
}

/** The latest `limit` documents refused or failed since `since`. */
export function siiProblemsSince(em: SqlExecutor, since: Date, limit: number) {
  return em.execute<SiiProblemRow[]>(
    `select id as "documentId", doc_type as "docType", folio, state, sii_detail as detail, issued_at as "issuedAt"
       from dte_document where state in ('rejected', 'failed') and issued_at >= ?
      order by issued_at desc limit ?`,
    [since, limit],
  );
}
