/**
 * Discounts given at the till, on a line or on the whole ticket: the one arithmetic the POS
 * previews with and the server charges with, so both always agree to the peso.
 *
 * A discount is a value (a percentage or an amount in pesos) with a reason. Amounts are
 * IVA-included pesos, like catalog prices. A percentage has at most two decimals and is applied
 * to the amount it discounts (the line's gross, the ticket's total) rounded once, half up, to
 * whole pesos: `percentOf(1990, '10')` = round(199.0) = 199, `percentOf(1995, '10')` =
 * round(199.5) = 200. The tax documents apply DescuentoPct and DscRcgGlobal percentages the same
 * way (`@erp/sii-core` amounts), so a boleta's DescuentoMonto is exactly the till's discount.
 */

import { toScaled } from './dte/decimal.ts';
import { divRoundHalfUp } from './money.ts';

/** Why a discount was given; promotions will add their own reason with a label of theirs. */
export const DISCOUNT_REASONS = ['damaged', 'frequent_customer', 'price_adjustment', 'other'] as const;
export type DiscountReason = (typeof DISCOUNT_REASONS)[number];

/** Short words for receipts and documents: "Desc. 10% dañado". */
export const DISCOUNT_REASON_WORDS: Readonly<Record<DiscountReason, string>> = {
  damaged: 'dañado',
  frequent_customer: 'cliente frecuente',
  price_adjustment: 'ajuste de precio',
  other: 'otro',
};

export type DiscountValue = { kind: 'percent'; percent: string } | { kind: 'amount'; amount: number };

/** A discount as given: its value, its reason and, for "otro" or to say more, a short note. */
export type Discount = DiscountValue & { reason: DiscountReason; note?: string | undefined };

/** Only the value of a discount (its percentage or amount), whatever else it carries. */
export function discountValue(discount: DiscountValue): DiscountValue {
  return discount.kind === 'percent'
    ? { kind: 'percent', percent: discount.percent }
    : { kind: 'amount', amount: discount.amount };
}

/** Percentages carry two decimals: `'12.5'` → 1250n hundredths of a percent. */
const PERCENT_SCALE = 2;
const PERCENT_DENOMINATOR = 10_000n;

/** round(amount × percent / 100), half up, in integer arithmetic. */
export function percentOf(amount: bigint, percent: string): bigint {
  return divRoundHalfUp(amount * toScaled(percent, PERCENT_SCALE), PERCENT_DENOMINATOR);
}

/** The pesos a discount takes off `base` (IVA-included pesos); may exceed it (the caller refuses). */
export function discountPesos(base: number, value: DiscountValue): number {
  return value.kind === 'percent' ? Number(percentOf(BigInt(base), value.percent)) : value.amount;
}

/**
 * A line's discount as the documents carry it: the pesos it takes off the line's IVA-included
 * gross and, when given as a percentage, the percentage (DescuentoPct: a document applies it to
 * its own line gross, which on a factura is net).
 */
export function lineDiscount(
  gross: number,
  value: DiscountValue | undefined,
): { discount: number; discountPercent?: string } {
  if (!value) return { discount: 0 };
  const discount = discountPesos(gross, value);
  return value.kind === 'percent' ? { discount, discountPercent: value.percent } : { discount };
}

/**
 * Whether taking `reduction` off `base` stays within `limitPercent` % of it (a role's limit, up
 * to two decimals): at most the pesos a discount of exactly that percentage takes, rounded the
 * same way, so a 10 % discount is always within a 10 % limit (10 % of $1.995 is $200).
 */
export function withinLimit(reduction: number, base: number, limitPercent: number): boolean {
  return reduction <= limitPesos(base, limitPercent);
}

/** The most pesos a `limitPercent` % limit lets off `base`: that percentage of it, rounded half up. */
export function limitPesos(base: number, limitPercent: number): number {
  const hundredths = BigInt(Math.round(limitPercent * 100));
  return Number(divRoundHalfUp(BigInt(base) * hundredths, PERCENT_DENOMINATOR));
}

/**
 * Whether a discount on `base` is within `limitPercent`: a percentage by itself (the pesos it
 * takes from each tax group of a ticket may round a peso above the limit's own), an amount by
 * `withinLimit`.
 */
export function discountWithinLimit(value: DiscountValue, base: number, limitPercent: number): boolean {
  if (value.kind === 'amount') return withinLimit(value.amount, base, limitPercent);
  return toScaled(value.percent, PERCENT_SCALE) <= BigInt(Math.round(limitPercent * 100));
}

/** `'10'` → `'10%'`, `'12.5'` → `'12,5%'` (es-CL decimal comma). */
export function formatPercent(percent: string): string {
  return `${percent.replace('.', ',')}%`;
}

/** What a discount says on a receipt or document, after "Desc.": `10% dañado`, `cliente frecuente`. */
export function discountLabel(discount: Discount): string {
  const why =
    discount.reason === 'other' && discount.note ? discount.note : DISCOUNT_REASON_WORDS[discount.reason];
  return discount.kind === 'percent' ? `${formatPercent(discount.percent)} ${why}` : why;
}
