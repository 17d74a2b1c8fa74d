import { type PrinterStatus, WALL_AUDIT_KINDS, type WallSnapshot, type WallStoreSales } from '@erp/shared';
import type { EntityManager } from '@mikro-orm/postgresql';
import { dropSuggested, toSessionView } from '../cash/index.ts';
import { isoTime } from '../platform/rows.ts';
import type { SqlExecutor } from '../platform/sql-session.ts';
import { folioStates } from '../sii/index.ts';
import { tenantSettings } from '../tenancy/index.ts';
import {
  auditEntriesSince,
  daySalesGroups,
  daySiiCounts,
  dayTickets,
  type GroupRow,
  hubDeviceCounts,
  lowStock,
  openCashSessions,
  readToday,
  siiProblemsSince,
  storeIds,
  wallNames,
} from './wall.queries.ts';

/** Latest tickets of each store the wall receives. */
export const WALL_TICKETS_PER_STORE = 20;
const AUDIT_ENTRIES = 30;
const LOW_STOCK_ITEMS = 20;
const SII_PROBLEMS = 5;

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
  const now = await readToday(em);
  const stores = await storeIds(em, storeId);
  const groups = await daySalesGroups(em, now, storeId);
  const tickets = await dayTickets(em, now, WALL_TICKETS_PER_STORE, storeId);
  const sessions = await openCashSessions(em, storeId);
  const { cashDropThreshold } = await tenantSettings(em);
  return stores.map(({ id }) => {
    const own = groups.filter((g) => g.storeId === id);
    return {
      storeId: id,
      day: now.day,
      asOf: isoTime(now.asOf),
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
          issuedAt: isoTime(issuedAt),
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

/**
 * Everything the wall shows, for the tenant of the unit of work: the sales blocks of every store,
 * names for the ids they carry, today's audit entries of the kinds the wall watches, products
 * below their minimum, folios left, hub and printer status, and today's SII documents that are
 * still pending or were refused.
 */
export async function readWallSnapshot(em: EntityManager, connected: ConnectedHub[]): Promise<WallSnapshot> {
  const now = await readToday(em);
  const settings = await tenantSettings(em);
  const sales = await readStoreSales(em, null);
  const { stores, terminals, warehouses, people } = await wallNames(em);
  const audit = await auditEntriesSince(em, now.starts, WALL_AUDIT_KINDS, AUDIT_ENTRIES);
  const belowMinimum = await lowStock(em, LOW_STOCK_ITEMS);
  const folios = await folioStates(em);
  const hubDevices = await hubDeviceCounts(em);
  const sii = await daySiiCounts(em, now);
  const problems = await siiProblemsSince(em, now.starts, SII_PROBLEMS);

  return {
    day: now.day,
    asOf: isoTime(now.asOf),
    lowFolioThreshold: settings.lowFolioThreshold,
    stores,
    terminals,
    warehouses,
    people,
    sales,
    audit: audit.map((a) => ({ ...a, createdAt: isoTime(a.createdAt) })),
    lowStock: belowMinimum,
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
      pending: sii.pending,
      oldestPendingAt: sii.oldestPendingAt ? isoTime(sii.oldestPendingAt) : null,
      rejected: sii.rejected,
      latest: problems.map((p) => ({ ...p, issuedAt: isoTime(p.issuedAt) })),
    },
  };
}
