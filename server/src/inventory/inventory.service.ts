import type { LowStockItem, MovementView, WarehouseView } from '@erp/shared';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { AppError } from '../platform/app-error.ts';
import { pgArray } from '../platform/pg-array.ts';
import type { PendingEvents } from '../realtime/pending-events.ts';
import { Dec } from './decimal.ts';
import {
  type AppliedMovement,
  applyMovements,
  type MovementActor,
  queueLowStock,
  whenReferenced,
} from './stock-ledger.ts';

export interface StockLevelView {
  warehouseId: string;
  productId: string;
  quantity: string;
  averageCost: string;
  minimum: string | null;
}

const LEVEL_COLUMNS = `warehouse_id as "warehouseId", product_id as "productId", quantity::text as quantity,
  average_cost::text as "averageCost", min_quantity::text as minimum`;

export async function getInventorySettings(em: EntityManager): Promise<{ allowNegativeStock: boolean }> {
  const [row] = await em.execute<{ allow: boolean }[]>(
    'select allow_negative_stock as allow from inventory_settings',
  );
  return { allowNegativeStock: row?.allow ?? true };
}

export async function setInventorySettings(em: EntityManager, settings: { allowNegativeStock: boolean }) {
  await em.execute(
    `insert into inventory_settings (tenant_id, allow_negative_stock) values (current_tenant_id(), ?)
     on conflict (tenant_id) do update set allow_negative_stock = excluded.allow_negative_stock`,
    [settings.allowNegativeStock],
  );
  return settings;
}

export async function assertWarehouse(
  em: EntityManager,
  warehouseId: string,
): Promise<{ storeId: string | null }> {
  const [row] = await em.execute<{ store_id: string | null }[]>(
    'select store_id from warehouse where id = ?',
    [warehouseId],
  );
  if (!row) throw AppError.notFound('la bodega');
  return { storeId: row.store_id };
}

/** Every warehouse of the company, store warehouses by store name first, central ones last. */
export function listWarehouses(em: EntityManager) {
  return em.execute<z.output<typeof WarehouseView>[]>(
    `select w.id, w.code, w.name, w.store_id as "storeId", s.name as "storeName"
       from warehouse w left join store s on s.id = w.store_id
      order by s.name nulls last, w.code`,
  );
}

/** The warehouse's products below their minimum (the flag the ledger keeps), by name. */
export function listBelowMinimum(em: EntityManager, warehouseId: string) {
  return em.execute<z.output<typeof LowStockItem>[]>(
    `select l.warehouse_id as "warehouseId", l.product_id as "productId", p.name as "productName",
            l.quantity::text as quantity, l.min_quantity::text as minimum
       from stock_level l join product p on p.id = l.product_id
      where l.warehouse_id = ? and l.below_min
      order by p.name`,
    [warehouseId],
  );
}

export async function listStock(
  em: EntityManager,
  warehouseId: string,
  productIds?: string[],
): Promise<StockLevelView[]> {
  const filter = productIds ? 'and product_id = any(?::uuid[])' : '';
  return em.execute<StockLevelView[]>(
    `select ${LEVEL_COLUMNS} from stock_level where warehouse_id = ? ${filter} order by product_id`,
    productIds ? [warehouseId, pgArray(productIds)] : [warehouseId],
  );
}

/** A `stock_movement m` row as `MovementView`. */
export const MOVEMENT_COLUMNS = `m.id, m.warehouse_id as "warehouseId", m.product_id as "productId", m.kind,
  m.quantity::text as quantity, m.unit_cost::text as "unitCost", m.resulting_quantity::text as "resultingQuantity",
  m.resulting_average_cost::text as "resultingAverageCost", m.user_id as "userId", m.device_id as "deviceId",
  m.document_type as "documentType", m.document_id as "documentId",
  to_char(m.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at`;

/** The product's kardex in a warehouse, newest first. */
export function kardex(em: EntityManager, warehouseId: string, productId: string, limit: number) {
  return em.execute<z.output<typeof MovementView>[]>(
    `select ${MOVEMENT_COLUMNS} from stock_movement m where m.warehouse_id = ? and m.product_id = ?
      order by m.seq desc limit ?`,
    [warehouseId, productId, limit],
  );
}

/** Manual corrections (breakage, found goods): adjustment movements at the current average. */
export async function adjustStock(
  em: EntityManager,
  input: { warehouseId: string; lines: { productId: string; quantity: string }[] },
  events: PendingEvents,
  actor: MovementActor,
): Promise<AppliedMovement[]> {
  await assertWarehouse(em, input.warehouseId);
  return applyMovements(
    em,
    input.lines.map((l) => ({
      warehouseId: input.warehouseId,
      productId: l.productId,
      kind: 'adjustment' as const,
      quantity: l.quantity,
    })),
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
): Promise<StockLevelView> {
  const { storeId } = await assertWarehouse(em, input.warehouseId);
  const [old] = await em.execute<{ below_min: boolean }[]>(
    'select below_min from stock_level where warehouse_id = ? and product_id = ? for update',
    [input.warehouseId, input.productId],
  );
  const [row] = await whenReferenced('el producto', () =>
    em.execute<(StockLevelView & { isBelow: boolean; productName: string })[]>(
      `insert into stock_level (tenant_id, warehouse_id, product_id, min_quantity, below_min)
       values (current_tenant_id(), ?, ?, ?::numeric, coalesce(0 < ?::numeric, false))
       on conflict (tenant_id, warehouse_id, product_id) do update set min_quantity = excluded.min_quantity,
         below_min = coalesce(stock_level.quantity < excluded.min_quantity, false)
       returning ${LEVEL_COLUMNS}, below_min as "isBelow",
         (select name from product p where p.id = stock_level.product_id) as "productName"`,
      [input.warehouseId, input.productId, input.minimum, input.minimum],
    ),
  );
  const level = row!;
  if (level.isBelow && !old?.below_min) {
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
