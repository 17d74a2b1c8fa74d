import { type DiscountValue, discountValue, lineDiscount } from '@erp/shared/discount';
import type { DiscountInput } from '@erp/shared/events/index';
import type { AdditionalTaxCode } from '@erp/shared/tax';
import { saleSummary, type TillLine, tillLineAmount } from '@erp/sii-core/sale-amounts';
import type { z } from 'zod';

/** A discount as the server is sent it: value, reason, note and, above the limit, the approval's id. */
export type WireDiscount = z.input<typeof DiscountInput>;

/** A discount on a ticket line or on the ticket, as the till keeps it: also who approved it, for the cashier's eyes. */
export type CartDiscount = WireDiscount & { approvedBy?: string };

export function wireDiscount(discount: CartDiscount): WireDiscount {
  const { approvedBy: _, ...wire } = discount;
  // The rest of a discriminated union loses its discriminant in TypeScript; it is still one of them.
  return wire as WireDiscount;
}

/** What the amounts of a ticket depend on: its lines' quantities, prices and discounts. */
export interface AmountsLine {
  quantity: string;
  unitPrice: number;
  exempt?: boolean;
  additionalTax?: AdditionalTaxCode | null | undefined;
  discount?: CartDiscount;
  /** Pesos its promotions take off (`linePromotions`); a line with a discount of its own takes none. */
  promotionDiscount?: number;
}

export interface TicketAmounts {
  /** Each line: its gross, the pesos its discount takes off and what is left (IVA included). */
  lines: { gross: number; discount: number; amount: number }[];
  /** What the lines come to after their discounts: what a ticket discount applies to. */
  subtotal: number;
  /** What the ticket discount takes off the total. */
  ticketDiscount: number;
  /** The document's total: what the customer pays (before cash rounding). */
  total: number;
}

const amountOf = (discount: CartDiscount | undefined): DiscountValue | undefined =>
  discount && discountValue(discount as DiscountValue);

/**
 * The ticket as the server will total it, with the server's own code (`lineDiscount`,
 * `saleSummary`, and the promotions of `linePromotions`): a boleta adds the line amounts less the ticket discount, a factura its net
 * lines plus 19 % IVA and their additional taxes. The POS shows and charges these amounts; the server recomputes them.
 */
export function ticketAmounts(
  docType: 39 | 33,
  lines: readonly AmountsLine[],
  discount?: CartDiscount,
): TicketAmounts {
  const till = lines.map((line): TillLine => {
    const gross = tillLineAmount({ quantity: line.quantity, unitPrice: line.unitPrice, discount: 0 });
    return {
      quantity: line.quantity,
      unitPrice: line.unitPrice,
      exempt: line.exempt ?? false,
      additionalTax: line.additionalTax,
      ...(line.discount
        ? lineDiscount(gross, amountOf(line.discount))
        : { discount: line.promotionDiscount ?? 0 }),
    };
  });
  const amounts = till.map((line) => {
    const amount = tillLineAmount(line);
    return { gross: amount + line.discount, discount: line.discount, amount };
  });
  const subtotal = amounts.reduce((sum, line) => sum + line.amount, 0);
  const ticket = amountOf(discount);
  // A ticket discount above what the lines come to is no discount the server takes: none is shown.
  const applies = ticket && (ticket.kind === 'percent' || ticket.amount <= subtotal);
  const summary = saleSummary(docType, till, applies ? { ...ticket, description: '' } : undefined);
  return { lines: amounts, subtotal, ticketDiscount: summary.ticketDiscount, total: summary.totals.total };
}
