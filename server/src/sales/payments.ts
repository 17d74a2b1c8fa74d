import { roundCash } from '@erp/shared';
import { settlePayments as coreSettlePayments, type SalePayment, type SettledPayments } from '@erp/sii-core';
import { saleRule } from './sale-rules.ts';

export type { SettledPayments } from '@erp/sii-core';

/**
 * Settles what the customer pays against the document total (`@erp/sii-core`: cards and fiado
 * exact, cash rounded to $10, change from the cash tendered).
 */
export function settlePayments(total: number, payments: readonly SalePayment[]): SettledPayments {
  return saleRule(() => coreSettlePayments(total, payments));
}

/** What a return gives back in cash and to the card. */
export interface RefundSplit {
  cash: number;
  card: number;
}

/**
 * Splits what a nota de crédito credits (`owed`) into the refund per method, each bounded by
 * what that method paid less what earlier returns refunded by it (`left`; cash net of change):
 * a card payment never comes back as cash, nor more cash than was kept. The chosen method goes
 * first; only when it has too little left does the other take the rest. Cash is rounded to $10
 * like a cash payment. The return that leaves nothing of the sale (`completes`) refunds exactly
 * what is left of each method, so a sale's refunds add up to what was paid, to the peso.
 */
export function splitRefund(input: {
  owed: number;
  preferred: 'cash' | 'card';
  left: RefundSplit;
  completes: boolean;
}): RefundSplit {
  const { owed, left } = input;
  if (input.completes) return { ...left };
  if (input.preferred === 'card') {
    const card = Math.min(owed, left.card);
    const rest = owed - card;
    return { card, cash: rest > 0 ? Math.min(roundCash(rest), left.cash) : 0 };
  }
  const cash = Math.min(roundCash(owed), left.cash);
  // Rounding the cash down by up to $5 is not a debt: only cash that ran out passes to the card.
  const rest = cash < roundCash(owed) ? owed - cash : 0;
  return { cash, card: Math.min(rest, left.card) };
}
