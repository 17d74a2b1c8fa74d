import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../platform/app-error.ts';
import { CLAIM_SALE_DRAWER_SQL, SALE_DRAWER_OPENED_SQL } from './hardware.queries.ts';

/** A drawer opens "for a sale" only this soon after the cash sale was committed. */
const SALE_DRAWER_WINDOW_MS = 60_000;

/**
 * Takes the one drawer opening of a sale, in the caller's transaction, and names its document:
 * the terminal's own cash sale, by this cashier, just committed. It is taken before the kick goes out, so a second kick
 * for the same sale is refused even when the first never reached the drawer (the cashier then
 * opens it without a sale, which the supervisor sees).
 */
export async function claimSaleDrawer(
  em: EntityManager,
  sale: { saleId: string; terminalId: string; storeId: string; cashierId: string },
): Promise<{ documentType: number; folio: number }> {
  const [claimed] = await em.execute<{ documentType: number; folio: number }[]>(CLAIM_SALE_DRAWER_SQL, [
    sale.cashierId,
    sale.saleId,
    sale.terminalId,
    sale.storeId,
    sale.cashierId,
    SALE_DRAWER_WINDOW_MS,
  ]);
  if (claimed) return claimed;
  const [opened] = await em.execute(SALE_DRAWER_OPENED_SQL, [sale.saleId]);
  if (opened) throw new AppError('CONFLICT', 'El cajón ya se abrió para esta venta.');
  throw AppError.forbidden('El cajón se abre por una venta solo justo después de cobrarla en efectivo.');
}
