/**
 * The supervisors' sales wall: today's figures (the calendar day in Chile, America/Santiago)
 * per store and per cashier, with everything a supervisor watches live.
 *
 * How returns count: a nota de crédito (61) issued today subtracts its total from the day, store,
 * cashier and hour it was issued in (the back office reports count them the same way), so
 * `total` is net sales. A return is not a ticket: `tickets` counts sales documents (boletas,
 * facturas) and `averageTicket` is their gross total ÷ tickets, so refunds do not make the
 * tickets look smaller than they were. Amounts are document totals, IVA included, before cash
 * rounding.
 */
import { z } from 'zod';
import { command } from './define.ts';
import { PrinterStatus } from './hardware.events.ts';
import { LowStockItem } from './inventory.events.ts';
import { SignedPesos, Timestamp, Uuid } from './primitives.ts';
import { AuditEntry } from './sales.events.ts';
import { DteState, FolioState } from './sii.events.ts';

const Count = z.number().int().nonnegative();
/** A Chile calendar day, `AAAA-MM-DD`. */
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/**
 * Audit entries the wall streams: what a supervisor follows at the tills (not back office
 * changes), wrong approval PINs included.
 */
export const WALL_AUDIT_KINDS = [
  'line_void',
  'return',
  'discount',
  'price_override',
  'drawer_open',
  'reprint',
  'approval_refused',
] as const;

export const WallFigures = z.object({
  /** Sales minus returns. */
  total: SignedPesos,
  /** Sales documents; returns are not tickets. */
  tickets: Count,
  /** Gross sales ÷ tickets, rounded; 0 without tickets. */
  averageTicket: SignedPesos,
  returns: Count,
  /** What today's returns gave back (a positive amount). */
  returnsTotal: Count,
});

export const WallCashier = WallFigures.extend({ cashierId: Uuid });

/** One hour of the day in Chile (`hour` 0–23) with sales or returns; hours without are left out. */
export const WallHour = z.object({
  hour: z.number().int().min(0).max(23),
  total: SignedPesos,
  tickets: Count,
});

export const WallTicket = z.object({
  saleId: Uuid,
  kind: z.enum(['sale', 'return']),
  terminalId: Uuid,
  cashierId: Uuid,
  docType: z.number().int(),
  folio: z.number().int(),
  /** Negative for a return. */
  total: SignedPesos,
  issuedAt: Timestamp,
});

/** An open cash drawer (or one waiting for a supervisor to approve its close). */
export const WallDrawer = z.object({
  sessionId: Uuid,
  terminalId: Uuid,
  cashierId: Uuid,
  status: z.enum(['open', 'pending_approval']),
  openedAt: Timestamp,
  /** Float + cash sales − cash refunds + cash in − cash out, from the session's running totals. */
  expectedCash: SignedPesos,
  /** Above the tenant's threshold: time for a cash drop (retiro). */
  dropSuggested: z.boolean(),
});

/**
 * A store's live sales block, whole (never a delta), as of `asOf` (the database clock when it
 * was read). A wall keeps, per store, the block with the latest `asOf`, so late or repeated
 * messages never make a number wrong.
 */
export const WallStoreSales = z.object({
  storeId: Uuid,
  day: Day,
  asOf: Timestamp,
  figures: WallFigures,
  cashiers: z.array(WallCashier),
  hourly: z.array(WallHour),
  /** The store's latest tickets of the day, newest first. */
  tickets: z.array(WallTicket),
  drawers: z.array(WallDrawer),
  /** The tenant's cash-drop threshold the drawers were checked against. */
  cashDropThreshold: Count,
});

export const WallHub = z.object({
  storeId: Uuid,
  /** Hub credentials issued for the store and not revoked. */
  configured: Count,
  online: z.boolean(),
  printers: z.array(PrinterStatus),
});

export const WallSiiProblem = z.object({
  documentId: Uuid,
  docType: z.number().int(),
  folio: z.number().int(),
  state: DteState,
  detail: z.string().nullable(),
  issuedAt: Timestamp,
});

/** Today's electronic documents: still on their way to the SII, or refused by it. */
export const WallSii = z.object({
  /** Issued today and not yet accepted or refused (signing, queued, uploaded, or not started). */
  pending: Count,
  oldestPendingAt: Timestamp.nullable(),
  /** Rejected by the SII or failed before reaching it, today. */
  rejected: Count,
  latest: z.array(WallSiiProblem),
});

const Named = z.object({ id: Uuid, name: z.string() });

export const WallSnapshot = z.object({
  day: Day,
  asOf: Timestamp,
  lowFolioThreshold: Count,
  stores: z.array(Named),
  terminals: z.array(Named.extend({ storeId: Uuid })),
  warehouses: z.array(Named.extend({ storeId: Uuid.nullable() })),
  /** Everyone with a membership in the company, to name cashiers and audit entries. */
  people: z.array(Named),
  sales: z.array(WallStoreSales),
  /** Today's audit entries, newest first. */
  audit: z.array(AuditEntry),
  lowStock: z.object({ count: Count, items: z.array(LowStockItem) }),
  /** Folios left per document type, in CAFs in force, and whether each type's low-folio alert stands. */
  folios: z.array(FolioState),
  hubs: z.array(WallHub),
  sii: WallSii,
});
export type WallSnapshot = z.output<typeof WallSnapshot>;
export type WallStoreSales = z.output<typeof WallStoreSales>;

export const wallCommands = {
  /** Everything the wall shows, read now; the wall asks again after a reconnection it did not recover. */
  'wall:snapshot': command(z.object({}).strict(), WallSnapshot),
};

export const wallNotifications = {
  /** A store's sales block after sales or returns, coalesced per store (see reporting/wall-feed.ts). */
  'wall:update': WallStoreSales,
};
