import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../platform/logger.ts';
import type { StoreNews } from '../realtime/after-commit.ts';
import type { BackgroundWork } from '../realtime/background-work.ts';
import { deliverPrintJobs } from './print-spool.ts';

/** Receipts of a store committed within this window go to its hub in one delivery. */
const RECEIPT_BATCH_MS = 100;
const deliveryScheduled = new Set<string>();

/**
 * Sends the store's new receipts to its hub without delaying the answer; after a sale, return or
 * reprint. Deliveries are batched per store: a busy store costs one delivery transaction per
 * batch window, not one per sale, at the price of at most RECEIPT_BATCH_MS before printing.
 */
export function deliverStoreReceipts(
  { nsp, tenantId, storeId }: StoreNews,
  deps: { orm: MikroORM; logger: Logger; background: BackgroundWork },
): void {
  if (!storeId) return;
  const key = `${tenantId}:${storeId}`;
  if (deliveryScheduled.has(key)) return;
  deliveryScheduled.add(key);
  setTimeout(() => {
    deliveryScheduled.delete(key);
    deps.background.run(() =>
      deliverPrintJobs({ orm: deps.orm, logger: deps.logger, nsp, tenantId, storeId }, 'due'),
    );
  }, RECEIPT_BATCH_MS);
}
