import type { PaymentInput } from '@erp/shared/events/index';
import { roundCash } from '@erp/shared/money';
import type { z } from 'zod';

/** A payment as sale:commit takes it (pure: the server's tests plan payments with this module too). */
type Payment = z.input<typeof PaymentInput>;

export type PaymentMethod = 'cash' | 'card' | 'mixed' | 'fiado';

/** The customer account a fiado charges, with the supervisor's approval when it needs one. */
export interface FiadoChoice {
  customerAccountId: string;
  approvalId?: string;
}

export interface PaymentEntry {
  method: PaymentMethod;
  /** Pesos typed for the card part (mixed) — the whole total for a card-only payment. */
  cardAmount: number;
  authorizationCode: string;
  /** Cash the customer handed over. */
  tendered: number;
  /** Fiado: the whole total on this account (null: none picked yet, or an approval missing). */
  fiado?: FiadoChoice | null;
}

export type PlanProblem = 'card-over-total' | 'authorization' | 'missing' | 'account';

export interface PaymentPlan {
  cardPart: number;
  /** The cash part rounded to $10 (Ley 20.956); cards are never rounded. */
  cashDue: number;
  /** What the customer pays in all: card part + rounded cash part. */
  toPay: number;
  change: number;
  missing: number;
  problem: PlanProblem | null;
  payments: Payment[];
}

/**
 * What the customer pays and gets back, as the server settles it: cards pay their exact
 * amount, the rest is cash rounded to $10, and the change comes out of the cash tendered.
 * @example paymentPlan(4995, { method: 'mixed', cardAmount: 3000, authorizationCode: 'A1', tendered: 2000 })
 *   → cashDue 2000 (1995 rounds up), change 0
 */
export function paymentPlan(total: number, entry: PaymentEntry): PaymentPlan {
  if (entry.method === 'fiado') {
    // On the customer's account, exact like a card: nothing is rounded, nothing is tendered.
    const { fiado } = entry;
    return {
      cardPart: 0,
      cashDue: 0,
      toPay: total,
      change: 0,
      missing: 0,
      problem: fiado ? null : 'account',
      payments: fiado ? [{ method: 'fiado', amount: total, ...fiado }] : [],
    };
  }
  const cardPart = entry.method === 'card' ? total : entry.method === 'mixed' ? entry.cardAmount : 0;
  const cashDue = roundCash(Math.max(0, total - cardPart));
  const tendered = entry.method === 'card' ? 0 : entry.tendered;
  const missing = Math.max(0, cashDue - tendered);
  const change = cashDue > 0 ? Math.max(0, tendered - cashDue) : 0;
  const code = entry.authorizationCode.trim();
  const problem: PlanProblem | null =
    cardPart > total
      ? 'card-over-total'
      : cardPart > 0 && code === ''
        ? 'authorization'
        : missing > 0
          ? 'missing'
          : null;
  const payments: Payment[] = [];
  if (cardPart > 0) payments.push({ method: 'card', amount: cardPart, authorizationCode: code });
  if (cashDue > 0) payments.push({ method: 'cash', tendered });
  return { cardPart, cashDue, toPay: cardPart + cashDue, change, missing, problem, payments };
}
