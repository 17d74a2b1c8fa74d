import type { z } from 'zod';
import {
  type CashCloseReport,
  type CashSessionView,
  type CashTotals,
  CLP_DENOMINATIONS,
  type DenominationCount,
  type TillCloseReport,
  type TillSessionView,
} from './events/cash.events.ts';
import { type Role, SUPERVISOR_ROLES } from './roles.ts';

/**
 * A cash session's arithmetic, run by the server (X report, close) and by the store's hub for the
 * tills it keeps while the central server cannot be reached (docs/store-node.md#tills-offline),
 * so both answer the same figures.
 */

type Totals = z.infer<typeof CashTotals>;
type SessionView = z.infer<typeof CashSessionView>;
type CloseReport = z.infer<typeof CashCloseReport>;
/** What a session tallies; the expected cash and card follow from these. */
export type SessionFigures = Omit<Totals, 'expectedCash' | 'expectedCard'>;

/** The totals with what the drawer and the card vouchers should hold. */
export function sessionTotals(f: SessionFigures): Totals {
  return {
    ...f,
    expectedCash: f.openingFloat + f.cashSales - f.cashRefunds + f.cashAbonos + f.cashIn - f.cashOut,
    expectedCard: f.cardSales - f.cardRefunds + f.cardAbonos,
  };
}

/** A new session's totals: the float and nothing else. */
export function openingTotals(openingFloat: number): Totals {
  return sessionTotals({
    openingFloat,
    cashSales: 0,
    cardSales: 0,
    cashRefunds: 0,
    cardRefunds: 0,
    cashIn: 0,
    cashOut: 0,
    ticketCount: 0,
    returnCount: 0,
    cashAbonos: 0,
    cardAbonos: 0,
    abonoCount: 0,
    fiadoSales: 0,
  });
}

/** A sale's payments added to the totals (what `sessionTally` adds on the server). */
export function withSale(totals: Totals, sale: { cash: number; card: number; fiado: number }): Totals {
  return sessionTotals({
    ...totals,
    cashSales: totals.cashSales + sale.cash,
    cardSales: totals.cardSales + sale.card,
    fiadoSales: totals.fiadoSales + sale.fiado,
    ticketCount: totals.ticketCount + 1,
  });
}

/** A cash in or out added to the totals (what `insertMovement` adds on the server). */
export function withMove(totals: Totals, move: { kind: 'in' | 'out'; amount: number }): Totals {
  return sessionTotals({
    ...totals,
    cashIn: totals.cashIn + (move.kind === 'in' ? move.amount : 0),
    cashOut: totals.cashOut + (move.kind === 'out' ? move.amount : 0),
  });
}

/** Sum of a blind count by denomination, in pesos. */
export function countedCash(denominations: z.infer<typeof DenominationCount>): number {
  return CLP_DENOMINATIONS.reduce(
    (sum, d) => sum + d * ((denominations as Record<string, number>)[String(d)] ?? 0),
    0,
  );
}

/**
 * How a blind count compares with the session: the differences, and whether the close may be
 * final at once (within the tolerance, or counted by a supervisor for another cashier's drawer,
 * which settles it; never the supervisor's own drawer). Otherwise a supervisor must approve it.
 */
export function closeOutcome(
  session: Pick<SessionView, 'cashierId' | 'totals'>,
  count: { cash: number; card: number; tolerance: number },
  closer: { userId: string; role: string },
): { cashDifference: number; cardDifference: number; closesNow: boolean; approves: boolean } {
  const cashDifference = count.cash - session.totals.expectedCash;
  const cardDifference = count.card - session.totals.expectedCard;
  const within = Math.abs(cashDifference) <= count.tolerance && Math.abs(cardDifference) <= count.tolerance;
  const approves = SUPERVISOR_ROLES.includes(closer.role as Role) && session.cashierId !== closer.userId;
  return { cashDifference, cardDifference, closesNow: within || approves, approves };
}

/**
 * A session as a cashier's till is told it: the close is counted blind, so neither the expected
 * cash nor the cash sales (which, with the float and the movements, give it away) leave the
 * server (or the hub) for them, before or after the close.
 */
export function blindSession(session: SessionView): z.infer<typeof TillSessionView> {
  const { cashSales: _sales, cashAbonos: _abonos, expectedCash: _expected, ...totals } = session.totals;
  return { ...session, totals };
}

/** A close report as a cashier's till is told it: what they counted, not how far it was off in cash. */
export function blindCloseReport(report: CloseReport): z.infer<typeof TillCloseReport> {
  const { cashDifference: _difference, ...rest } = report;
  return { ...rest, session: blindSession(report.session) };
}

/** The till's view for a role: every figure for supervisors, blind for everyone else. */
export function tillView(session: SessionView, role: string): z.infer<typeof TillSessionView> {
  return SUPERVISOR_ROLES.includes(role as Role) ? session : blindSession(session);
}
