import { z } from 'zod';
import { checkDayRange, IsoDay } from './date-range.ts';
import { command } from './define.ts';
import { PageRequest, pageOf } from './paging.ts';
import { EnteredPesos, Uuid } from './primitives.ts';

/** Chilean bills and coins in circulation (the $1 and $5 coins are no longer used). */
export const CLP_DENOMINATIONS = [20000, 10000, 5000, 2000, 1000, 500, 100, 50, 10] as const;

export const DenominationCount = z
  .object(Object.fromEntries(CLP_DENOMINATIONS.map((d) => [String(d), z.number().int().min(0).max(100_000)])))
  .partial()
  .strict();

export const CashTotals = z.object({
  openingFloat: z.number().int(),
  cashSales: z.number().int(),
  cardSales: z.number().int(),
  cashRefunds: z.number().int(),
  cardRefunds: z.number().int(),
  cashIn: z.number().int(),
  cashOut: z.number().int(),
  ticketCount: z.number().int(),
  returnCount: z.number().int(),
  /** Abonos to customer accounts (fiado) taken in this session, by method. */
  cashAbonos: z.number().int(),
  cardAbonos: z.number().int(),
  abonoCount: z.number().int(),
  /** What this session's sales put on customer accounts (fiado): no money in the drawer. */
  fiadoSales: z.number().int(),
  /** Cash that should be in the drawer: float + cash sales − cash refunds + cash abonos + in − out. */
  expectedCash: z.number().int(),
  /** Card payments that should match the vouchers: card sales − card refunds + card abonos. */
  expectedCard: z.number().int(),
});

/** A session with every figure, as supervisors (and the wall and back office) see it. */
export const CashSessionView = z.object({
  id: Uuid,
  storeId: Uuid,
  terminalId: Uuid,
  cashierId: Uuid,
  status: z.enum(['open', 'pending_approval', 'closed']),
  openedAt: z.string(),
  totals: CashTotals,
});

/**
 * A session as the till's commands answer it. A cashier counts blind, before and after the
 * close: the expected cash is absent, and so are the cash sales, which with the float and the
 * movements the cashier knows would give it away. Supervisors (SUPERVISOR_ROLES) get them.
 */
export const TillSessionView = CashSessionView.extend({
  totals: CashTotals.partial({ cashSales: true, cashAbonos: true, expectedCash: true }),
});

export const CashCloseReport = z.object({
  session: CashSessionView,
  zNumber: z.number().int().nullable(),
  countedCash: z.number().int(),
  countedCard: z.number().int(),
  cashDifference: z.number().int(),
  cardDifference: z.number().int(),
  tolerance: z.number().int(),
  approvedBy: Uuid.nullable(),
  closedAt: z.string().nullable(),
});

/** The close as `cash:close` answers it: without the cash difference for a cashier (blind count). */
export const TillCloseReport = CashCloseReport.extend({
  session: TillSessionView,
  cashDifference: z.number().int().optional(),
});

export const cashCommands = {
  'cash:open': command(z.object({ terminalId: Uuid, openingFloat: EnteredPesos }).strict(), TillSessionView),
  'cash:current': command(z.object({ terminalId: Uuid }).strict(), TillSessionView.nullable()),
  'cash:move': command(
    z
      .object({
        sessionId: Uuid,
        kind: z.enum(['in', 'out']),
        amount: EnteredPesos.min(1),
        reason: z.string().trim().min(3).max(200),
      })
      .strict(),
    TillSessionView,
  ),
  /** Blind count: the cashier sends the count without having seen the expected cash. */
  'cash:close': command(
    z.object({ sessionId: Uuid, denominations: DenominationCount, countedCard: EnteredPesos }).strict(),
    TillCloseReport,
  ),
  'cash:approve-close': command(z.object({ sessionId: Uuid }).strict(), CashCloseReport),
  /** Live X report of a session (blind for a cashier, see TillSessionView). */
  'cash:report': command(z.object({ sessionId: Uuid }).strict(), TillSessionView),
};

export const CashChange = z.object({
  sessionId: Uuid,
  storeId: Uuid,
  terminalId: Uuid,
  status: z.enum(['open', 'pending_approval', 'closed']),
  expectedCash: z.number().int(),
  /** Above the tenant's threshold: time for a cash drop. */
  dropSuggested: z.boolean(),
});

export const cashNotifications = {
  'cash:changed': z.object({ changes: z.array(CashChange) }),
  'cash:approval-requested': CashCloseReport,
};

/** Back office: cash sessions of a period, newest first. */
export const CashSessionListQuery = z
  .object({
    from: IsoDay.optional(),
    to: IsoDay.optional(),
    storeId: Uuid.optional(),
    terminalId: Uuid.optional(),
    cashierId: Uuid.optional(),
    status: z.enum(['open', 'pending_approval', 'closed']).optional(),
    ...PageRequest,
  })
  .strict()
  .superRefine(checkDayRange());

export const CashSessionSummary = CashSessionView.extend({
  storeName: z.string(),
  terminalName: z.string(),
  cashierName: z.string(),
  zNumber: z.number().int().nullable(),
  /** The blind count; null until the cashier sends it. */
  countedCash: z.number().int().nullable(),
  countedCard: z.number().int().nullable(),
  /** counted − expected, per method; null until counted. */
  cashDifference: z.number().int().nullable(),
  cardDifference: z.number().int().nullable(),
  closedAt: z.string().nullable(),
  closedByName: z.string().nullable(),
  /** The supervisor who approved a close above the tolerance (or who closed it). */
  approvedByName: z.string().nullable(),
});

export const CashSessionDetail = CashSessionSummary.extend({
  /** The tenant's close tolerance now. */
  tolerance: z.number().int(),
  /** Bills and coins counted, by denomination. */
  denominations: z.record(z.string(), z.number().int()).nullable(),
  movements: z.array(
    z.object({
      kind: z.enum(['in', 'out']),
      amount: z.number().int(),
      reason: z.string(),
      userName: z.string(),
      at: z.string(),
    }),
  ),
});

export const cashHistoryCommands = {
  'cash:sessions': command(CashSessionListQuery, pageOf(CashSessionSummary)),
  'cash:session': command(z.object({ sessionId: Uuid }).strict(), CashSessionDetail),
};
