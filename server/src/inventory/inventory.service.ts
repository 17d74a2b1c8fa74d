import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../platform/app-error.ts';
import type { PendingEvents } from '../realtime/pending-events.ts';
import { assertStoreScope, type StoreScopedActor } from '../tenancy/index.ts';
import { Dec } from './decimal.ts';
import {
  allowsNegativeStock,
  lockBelowMinimum,
  type StockLevelView,
  warehouseById,
  writeInventorySettings,
  writeMinimum,
} from './stock.queries.ts';
import {
  type AppliedMovement,
  applyDocumentMovements,
  type MovementActor,
  queueLowStock,
  whenReferenced,
} from './stock-ledger.ts';

/** Who moves stock: written on the ledger, and bound to their store's warehouses. */
export type StockActor = MovementActor & StoreScopedActor;

export async function getInventorySettings(em: EntityManager): Promise<{ allowNegativeStock: boolean }> {
  return { allowNegativeStock: (await allowsNegativeStock(em)) ?? true };
}

export async function setInventorySettings(em: EntityManager, settings: { allowNegativeStock: boolean }) {
  await writeInventorySettings(em, settings);
  return settings;
}

export async function assertWarehouse(
  em: EntityManager,
  warehouseId: string,
): Promise<{ storeId: string | null }> {
  const warehouse = await warehouseById(em, warehouseId);
  if (!warehouse) throw AppError.notFound('la bodega');
  return warehouse;
}

/** Manual corrections (breakage, found goods): adjustment movements at the current average. */
export async function adjustStock(
  em: EntityManager,
  input: { warehouseId: string; lines: { productId: string; quantity: string }[] },
  events: PendingEvents,
  actor: StockActor,
): Promise<AppliedMovement[]> {
  await assertStoreScope(em, actor, 'warehouse', input.warehouseId);
  return applyDocumentMovements(
    em,
    { warehouseId: input.warehouseId, kind: 'adjustment' },
    input.lines,
    events,
    actor,
  );
}

/**
 * Sets (or clears, with null) a product's minimum in a warehouse. A minimum set above the stock
 * on hand alerts right away: that is a crossing too.
 */
export async function setMinimum(
  em: EntityManager,
  input: { warehouseId: string; productId: string; minimum: string | null },
  events: PendingEvents,
  actor: StoreScopedActor,
): Promise<StockLevelView> {
  const storeId = await assertStoreScope(em, actor, 'warehouse', input.warehouseId);
  const wasBelow = await lockBelowMinimum(em, input.warehouseId, input.productId);
  const level = await whenReferenced('el producto', () => writeMinimum(em, input));
  if (level.isBelow && !wasBelow) {
    queueLowStock(
      events,
      {
        warehouse_id: level.warehouseId,
        product_id: level.productId,
        product_name: level.productName,
        min_quantity: level.minimum,
        store_id: storeId,
      },
      { quantity: new Dec(level.quantity) },
    );
  }
  const { isBelow: _, productName: __, ...view } = level;
  return view;
}
