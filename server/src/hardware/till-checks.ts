import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../platform/app-error.ts';
import { FRESH_CASH_SALE_SQL } from './hardware.queries.ts';

/** A drawer opens "for a sale" only this soon after the cash sale was committed. */
const SALE_DRAWER_WINDOW_MS = 60_000;

/** A drawer opening for a sale is the terminal's own cash sale, by this cashier, just committed. */
export async function assertFreshCashSale(
  em: EntityManager,
  sale: { saleId: string; terminalId: string; storeId: string; cashierId: string },
): Promise<void> {
  const [found] = await em.execute(FRESH_CASH_SALE_SQL, [
    sale.saleId,
    sale.terminalId,
    sale.storeId,
    sale.cashierId,
    SALE_DRAWER_WINDOW_MS,
  ]);
  if (!found) {
    throw AppError.forbidden('El cajón se abre por una venta solo justo después de cobrarla en efectivo.');
  }
}
