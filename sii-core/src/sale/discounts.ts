import {
  type Discount,
  discountLabel,
  discountValue,
  discountWithinLimit,
  formatPercent,
  withinLimit,
} from '@erp/shared';
import type { SaleSummary, TicketDiscount } from '../sale-amounts.ts';
import type { GivenDiscount, PricedLine } from './pricing.ts';
import { promotionPesos } from './promotions.ts';
import { lineGross } from './quantity.ts';

/**
 * Discounts at the till against the seller's role limit (`discountLimitPercent`, a percentage of
 * what the discount applies to): what counts on a line is everything below its list amount (its
 * discount and a lower price typed by hand) but its promotions; on the ticket, what the ticket
 * discount takes off the total it applies to (the lines after their own discounts). Above the
 * limit a discount needs a supervisor's approval, which only the central server can check.
 */

/** Text of the ticket's discount, before its own words: "Descuento ticket 10% cliente frecuente". */
export const TICKET_DISCOUNT = 'Descuento ticket';

/** A discount as stored and approved: its value, reason and note, without the approval's id. */
export function discountOf(given: Discount): Discount {
  const value =
    given.kind === 'percent'
      ? { kind: given.kind, percent: given.percent }
      : { kind: given.kind, amount: given.amount };
  return { ...value, reason: given.reason, ...(given.note ? { note: given.note } : {}) };
}

export function ticketDiscountText(discount: Discount): string {
  return `${TICKET_DISCOUNT} ${discountLabel(discount)}`;
}

/** The ticket discount as the document's global discount, described as the receipt prints it. */
export function ticketDiscountOf(given: Discount | undefined): TicketDiscount | undefined {
  if (!given) return undefined;
  return { ...discountValue(given), description: ticketDiscountText(discountOf(given)) };
}

/** A reduction of the sale measured against a limit: its line (null: the ticket). */
export interface Reduction {
  line: PricedLine | null;
  given: GivenDiscount | undefined;
  /** What is taken off `base`, the line's list amount: its discount and a lower price. */
  reduction: number;
  /** The line's list amount, or what the ticket's lines come to (IVA included). */
  base: number;
}

/** The line at its list price: what its discount and a lower price are measured against. */
export function listAmount(line: PricedLine): number {
  return lineGross(line.listPrice, line.quantity);
}

/** Every line's reduction below its list amount, and the ticket's discount when there is one. */
export function saleReductions(
  lines: readonly PricedLine[],
  ticket: { given: GivenDiscount | undefined; summary: SaleSummary; subtotal: number },
): Reduction[] {
  const reductions: Reduction[] = lines.map((line) => ({
    line,
    given: line.given,
    // A promotion is the company's price, not the seller's discount: no limit counts it.
    reduction: listAmount(line) - line.amount - promotionPesos(line),
    base: listAmount(line),
  }));
  if (ticket.given) {
    reductions.push({
      line: null,
      given: ticket.given,
      reduction: ticket.summary.ticketDiscount,
      base: ticket.subtotal,
    });
  }
  return reductions;
}

/**
 * A line within a limit: everything below its list amount. The ticket: its discount on what the
 * lines come to after theirs.
 */
export function withinDiscountLimit(r: Reduction, limit: number): boolean {
  return r.line ? withinLimit(r.reduction, r.base, limit) : discountWithinLimit(r.given!, r.base, limit);
}

/** "en Leche entera" or "del ticket": where a discount is, as messages name it. */
export const discountPlace = (line: PricedLine | null) => (line ? `en ${line.name}` : 'del ticket');

/** The refusal of a discount above the seller's limit given without an approval. */
export function overLimitMessage(r: Reduction, limit: number): string {
  return `El descuento ${discountPlace(r.line)} supera el ${formatPercent(String(limit))} permitido para su rol: pida la autorización de un supervisor.`;
}
