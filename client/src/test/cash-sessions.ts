import type { CashSession } from '../stores/till.store.ts';

/** A terminal's cash session just opened with a $20.000 float: nothing sold, moved or refunded yet. */
export function openedSession(terminalId: string, status: CashSession['status'] = 'open'): CashSession {
  const zero = {
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
    expectedCard: 0,
  };
  return {
    id: crypto.randomUUID(),
    storeId: crypto.randomUUID(),
    terminalId,
    cashierId: crypto.randomUUID(),
    status,
    openedAt: new Date().toISOString(),
    totals: { ...zero, openingFloat: 20000, expectedCash: 20000 },
  };
}
