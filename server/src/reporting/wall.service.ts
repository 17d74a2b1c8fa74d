import { type PrinterStatus, WALL_AUDIT_KINDS, type WallSnapshot, type WallStoreSales } from '@erp/shared';
import type { EntityManager } from '@mikro-orm/postgresql';
import { dropSuggested, toSessionView } from '../cash/index.ts';
import type { SqlExecutor } from '../platform/sql-session.ts';
import { tenantSettings } from '../tenancy/index.ts';

/** Latest tickets of each store the wall receives. */
export const WALL_TICKETS_PER_STORE = 20;
const AUDIT_ENTRIES = 30;
const LOW_STOCK_ITEMS = 20;
const SII_PROBLEMS = 5;

/** Today in Chile as instants, and the database clock, read once per unit of work. */
interface Today {
  day: string;
  asOf: Date;
  starts: Date;
  ends: Date;
}

async function today(em: SqlExecutor): Promise<Today> {
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

interface GroupRow {
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

interface TicketRow {
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

function figures(row: GroupRow | undefined) {
  const gross = Number(row?.gross ?? 0);
  const refunded = Number(row?.refunded ?? 0);
  const tickets = row?.tickets ?? 0;
  return {
    total: gross - refunded,
    tickets,
    averageTicket: tickets > 0 ? Math.round(gross / tickets) : 0,
    returns: row?.returns ?? 0,
    returnsTotal: refunded,
  };
}

/**
 * The live sales block of every store of the tenant, or of `storeId` only: today's figures per
 * store, per cashier and per hour (one grouping-sets aggregate), the latest tickets, and the
 * open drawers with their cash from the sessions' running totals (no ticket is summed for them).
 */
export async function readStoreSales(em: SqlExecutor, storeId: string | null): Promise<WallStoreSales[]> {
  const now = await today(em);
  const stores = await em.execute<{ id: string }[]>(
    'select id from store where (?::uuid is null or id = ?::uuid) order by name',
    [storeId, storeId],
  );
  const groups = await em.execute<GroupRow[]>(
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
  const tickets = await em.execute<TicketRow[]>(
    `select s.id as "saleId", s.kind, s.store_id as "storeId", s.terminal_id as "terminalId",
            s.cashier_id as "cashierId", s.doc_type as "docType", s.folio, s.total, s.issued_at as "issuedAt"
       from ${DAY_SALES}
      order by s.issued_at desc`,
    [now.starts, now.ends, WALL_TICKETS_PER_STORE, storeId, storeId],
  );
  const sessions = await em.execute<Parameters<typeof toSessionView>[0][]>(
    `select * from cash_session where status <> 'closed' and (?::uuid is null or store_id = ?::uuid)
      order by opened_at`,
    [storeId, storeId],
  );
  const { cashDropThreshold } = await tenantSettings(em);
  return stores.map(({ id }) => {
    const own = groups.filter((g) => g.storeId === id);
    return {
      storeId: id,
      day: now.day,
      asOf: new Date(now.asOf).toISOString(),
      figures: figures(own.find((g) => g.level === 3)),
      cashiers: own
        .filter((g) => g.level === 1)
        .map((g) => ({ cashierId: g.cashierId!, ...figures(g) }))
        .sort((a, b) => b.total - a.total),
      hourly: own
        .filter((g) => g.level === 2)
        .map((g) => ({ hour: g.hour!, total: figures(g).total, tickets: g.tickets }))
        .sort((a, b) => a.hour - b.hour),
      tickets: tickets
        .filter((t) => t.storeId === id)
        .map(({ storeId: _store, total, issuedAt, ...t }) => ({
          ...t,
          total: t.kind === 'return' ? -Number(total) : Number(total),
          issuedAt: new Date(issuedAt).toISOString(),
        })),
      drawers: sessions
        .filter((row) => row.store_id === id)
        .map((row) => {
          const session = toSessionView(row);
          return {
            sessionId: session.id,
            terminalId: session.terminalId,
            cashierId: session.cashierId,
            status: session.status as 'open' | 'pending_approval',
            openedAt: session.openedAt,
            expectedCash: session.totals.expectedCash,
            dropSuggested: dropSuggested(session, cashDropThreshold),
          };
        }),
      cashDropThreshold,
    };
  });
}

/** What the store hubs connected right now report (read from every server's sockets). */
export interface ConnectedHub {
  storeId: string;
  printers: PrinterStatus[];
}

const iso = (value: Date | string) => new Date(value).toISOString();

/**
 * Everything the wall shows, for the tenant of the unit of work: the sales blocks of every store,
 * names for the ids they carry, today's audit entries of the kinds the wall watches, products
 * below their minimum, folios left, hub and printer status, and today's SII documents that are
 * still pending or were refused.
 */
export async function readWallSnapshot(em: EntityManager, connected: ConnectedHub[]): Promise<WallSnapshot> {
  const now = await today(em);
  const settings = await tenantSettings(em);
  const sales = await readStoreSales(em, null);
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
  const audit = await em.execute<
    {
      kind: string;
      storeId: string | null;
      terminalId: string | null;
      userId: string;
      details: Record<string, unknown>;
      createdAt: Date;
    }[]
  >(
    `select kind, store_id as "storeId", terminal_id as "terminalId", user_id as "userId", details,
            created_at as "createdAt"
       from audit_log where created_at >= ? and kind = any(?::text[])
      order by created_at desc limit ?`,
    [now.starts, `{${WALL_AUDIT_KINDS.join(',')}}`, AUDIT_ENTRIES],
  );
  const [lowCount] = await em.execute<{ n: number }[]>(
    'select count(*)::int as n from stock_level where below_min',
  );
  const lowItems = await em.execute<WallSnapshot['lowStock']['items']>(
    `select l.warehouse_id as "warehouseId", l.product_id as "productId", p.name as "productName",
            l.quantity::text as quantity, l.min_quantity::text as minimum
       from stock_level l join product p on p.id = l.product_id
      where l.below_min order by l.updated_at desc limit ?`,
    [LOW_STOCK_ITEMS],
  );
  // Mirrors takeFolio: only CAFs in force count.
  const folios = await em.execute<{ docType: number; remaining: number }[]>(
    `select doc_type as "docType",
            coalesce(sum(folio_to - next_folio + 1)
                     filter (where next_folio <= folio_to and (expires_on is null or expires_on >= current_date)), 0)::int
              as remaining
       from caf group by doc_type order by doc_type`,
  );
  const hubDevices = await em.execute<{ storeId: string; n: number }[]>(
    `select store_id as "storeId", count(*)::int as n from hub_device where revoked_at is null group by store_id`,
  );
  // A sale's document is pending until the SII accepts or refuses it, also before the worker
  // has created its row (no dte_document yet: still in the outbox or the signing queue).
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
  const problems = await em.execute<
    {
      documentId: string;
      docType: number;
      folio: number;
      state: WallSnapshot['sii']['latest'][number]['state'];
      detail: string | null;
      issuedAt: Date;
    }[]
  >(
    `select id as "documentId", doc_type as "docType", folio, state, sii_detail as detail, issued_at as "issuedAt"
       from dte_document where state in ('rejected', 'failed') and issued_at >= ?
      order by issued_at desc limit ?`,
    [now.starts, SII_PROBLEMS],
  );

  return {
    day: now.day,
    asOf: iso(now.asOf),
    lowFolioThreshold: settings.lowFolioThreshold,
    stores,
    terminals,
    warehouses,
    people,
    sales,
    audit: audit.map((a) => ({ ...a, createdAt: iso(a.createdAt) })),
    lowStock: { count: lowCount!.n, items: lowItems },
    folios,
    hubs: stores.map((store) => {
      const online = connected.filter((hub) => hub.storeId === store.id);
      return {
        storeId: store.id,
        configured: hubDevices.find((d) => d.storeId === store.id)?.n ?? 0,
        online: online.length > 0,
        printers: online.flatMap((hub) => hub.printers),
      };
    }),
    sii: {
      pending: sii!.pending,
      oldestPendingAt: sii!.oldestPendingAt ? iso(sii!.oldestPendingAt) : null,
      rejected: sii!.rejected,
      latest: problems.map((p) => ({ ...p, issuedAt: iso(p.issuedAt) })),
    },
  };
}
