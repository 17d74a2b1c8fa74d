import { openingTotals } from '@erp/shared/cash';
import type { CashSession } from '../stores/till.store.ts';

/** A terminal's cash session just opened with a $20.000 float: nothing sold, moved or refunded yet. */
export function openedSession(terminalId: string, status: CashSession['status'] = 'open'): CashSession {
  return {
    id: crypto.randomUUID(),
    storeId: crypto.randomUUID(),
    terminalId,
    cashierId: crypto.randomUUID(),
    status,
    openedAt: new Date().toISOString(),
    totals: openingTotals(20000),
  };
}
