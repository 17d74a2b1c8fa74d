import { formatClp, roundCash } from '@erp/shared';
import { DteError } from '../errors.ts';

/** A payment of the POS's `sale:commit` (`PaymentInput`, parsed). */
export type SalePayment =
  | { method: 'cash'; tendered: number }
  | { method: 'card'; amount: number; authorizationCode: string }
  | { method: 'fiado'; amount: number; customerAccountId: string; approvalId?: string | undefined };

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
export function settlePayments(total: number, payments: readonly SalePayment[]): SettledPayments {
  const cards = payments.filter((p) => p.method === 'card');
  const cash = payments.filter((p) => p.method === 'cash');
  const fiado = payments.filter((p) => p.method === 'fiado');
  const paidCard = cards.reduce((sum, p) => sum + p.amount, 0);
  const paidFiado = fiado.reduce((sum, p) => sum + p.amount, 0);
  if (paidCard + paidFiado > total) {
    const what = paidFiado > 0 ? 'El pago con tarjeta y fiado' : 'El pago con tarjeta';
    throw new DteError(
      'VALIDATION',
      `${what} (${formatClp(paidCard + paidFiado)}) supera el total (${formatClp(total)}).`,
    );
  }
  const cashDue = total - paidCard - paidFiado;
  // Rounding to $10 is for cash only: with no cash at all the cards must pay the exact total.
  if (cash.length === 0 && cashDue > 0) {
    throw new DteError('VALIDATION', `Falta pagar ${formatClp(cashDue)}.`, { missing: cashDue });
  }
  const cashTendered = cash.reduce((sum, p) => sum + p.tendered, 0);
  const paidCash = roundCash(cashDue);
  if (cashTendered < paidCash) {
    const missing = paidCash - cashTendered;
    throw new DteError('VALIDATION', `Falta pagar ${formatClp(missing)}.`, { missing });
  }
  if (paidCash === 0 && cashTendered > 0) {
    throw new DteError(
      'VALIDATION',
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
