import type { PaymentInput } from '@erp/shared';
import { formatClp, roundCash } from '@erp/shared';
import type { z } from 'zod';
import { AppError } from '../platform/app-error.ts';

export interface SettledPayments {
  /** Cash kept in the drawer: the cash part rounded to $10 (Ley 20.956). */
  paidCash: number;
  paidCard: number;
  /** Charged to a customer account (fiado), exact like a card. */
  paidFiado: number;
  cashTendered: number;
  change: number;
  /** Rounded cash part minus exact cash part (−5 … +4). The document keeps the exact total. */
  cashRounding: number;
  toPay: number;
  rows: {
    method: 'cash' | 'card' | 'fiado';
    amount: number;
    tendered?: number;
    change?: number;
    authorizationCode?: string;
  }[];
}

/**
 * Settles what the customer pays against the document total: cards and the customer's account
 * (fiado) pay what they say, cash pays the rest rounded to a multiple of $10 (1–5 down, 6–9 up;
 * cards and fiado are never rounded), and the change comes out of the cash tendered.
 */
export function settlePayments(total: number, payments: z.infer<typeof PaymentInput>[]): SettledPayments {
  const cards = payments.filter((p) => p.method === 'card');
  const cash = payments.filter((p) => p.method === 'cash');
  const fiado = payments.filter((p) => p.method === 'fiado');
  const paidCard = cards.reduce((sum, p) => sum + p.amount, 0);
  const paidFiado = fiado.reduce((sum, p) => sum + p.amount, 0);
  if (paidCard + paidFiado > total) {
    const what = paidFiado > 0 ? 'El pago con tarjeta y fiado' : 'El pago con tarjeta';
    throw AppError.validation(
      undefined,
      `${what} (${formatClp(paidCard + paidFiado)}) supera el total (${formatClp(total)}).`,
    );
  }
  const cashDue = total - paidCard - paidFiado;
  // Rounding to $10 is for cash only: with no cash at all the cards must pay the exact total.
  if (cash.length === 0 && cashDue > 0) {
    throw AppError.validation({ missing: cashDue }, `Falta pagar ${formatClp(cashDue)}.`);
  }
  const cashTendered = cash.reduce((sum, p) => sum + p.tendered, 0);
  const paidCash = roundCash(cashDue);
  if (cashTendered < paidCash) {
    const missing = paidCash - cashTendered;
    throw AppError.validation({ missing }, `Falta pagar ${formatClp(missing)}.`);
  }
  if (paidCash === 0 && cashTendered > 0) {
    throw AppError.validation(
      undefined,
      'El total ya está pagado sin efectivo: no corresponde recibir efectivo.',
    );
  }
  const change = cashTendered - paidCash;
  const rows: SettledPayments['rows'] = [
    ...cards.map((p) => ({
      method: 'card' as const,
      amount: p.amount,
      authorizationCode: p.authorizationCode,
    })),
    ...fiado.map((p) => ({ method: 'fiado' as const, amount: p.amount })),
  ];
  if (paidCash > 0) rows.unshift({ method: 'cash', amount: paidCash, tendered: cashTendered, change });
  return {
    paidCash,
    paidCard,
    paidFiado,
    cashTendered,
    change,
    cashRounding: paidCash - cashDue,
    toPay: paidCash + paidCard + paidFiado,
    rows,
  };
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
