import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../platform/logger.ts';
import { withTenantSql } from '../platform/sql-session.ts';
import type { StoreNews } from '../realtime/after-commit.ts';
import type { BackgroundWork } from '../realtime/background-work.ts';
import { LatestThrottle } from '../realtime/latest-throttle.ts';
import { rooms } from '../realtime/rooms.ts';
import type { AppNamespace } from '../realtime/types.ts';
import { readStoreSales } from './wall.service.ts';

/**
 * At most one `wall:update` per store in this window. The first sale after a quiet spell goes
 * out at once; the sales of a busy store that follow are folded into one update at the end of
 * each window.
 */
export const WALL_UPDATE_INTERVAL_MS = 300;

interface StoreChanged {
  orm: MikroORM;
  logger: Logger;
  background: BackgroundWork;
  nsp: AppNamespace;
  tenantId: string;
  storeId: string;
}

/**
 * Coalesced on the server, not in the browser: an update is the store's whole sales block read
 * from the database after the commits it follows, so folding any number of sales into one loses
 * nothing and no total can drift on a wall; a busy store then costs each wall a few messages a
 * second and the database one aggregate per window instead of one per sale, however many walls
 * watch. A later block always contains the earlier ones' sales (each read starts after the
 * commits that triggered it), and walls keep the block with the latest `asOf`.
 */
const changedStores = new LatestThrottle<StoreChanged>(WALL_UPDATE_INTERVAL_MS, (change) => {
  change.background.run(() => publishStoreSales(change));
});

async function publishStoreSales({ orm, logger, nsp, tenantId, storeId }: StoreChanged): Promise<void> {
  try {
    const [block] = await withTenantSql(orm, tenantId, (sql) => readStoreSales(sql, storeId));
    if (block) nsp.to(rooms.screen('wall')).emit('wall:update', block);
  } catch (err) {
    // The next sale of the store, or a wall's periodic snapshot, brings the numbers back.
    logger.warn({ err, tenantId, storeId }, 'wall update not published');
  }
}

/** Tells the company's walls, coalesced, that the store sold or refunded (after the commit). */
export function storeSalesChanged(
  { nsp, tenantId, storeId }: StoreNews,
  { orm, logger, background }: { orm: MikroORM; logger: Logger; background: BackgroundWork },
): void {
  if (!storeId) return;
  changedStores.push(`${tenantId}:${storeId}`, { orm, logger, background, nsp, tenantId, storeId });
}
