import type { KardexEntry, LowStockItem, WarehouseView } from '@erp/shared';
import type { z } from 'zod';
import { pgArray } from '../platform/pg-array.ts';
import type { SqlFragment } from '../platform/sql-fragment.ts';
import type { SqlExecutor } from '../platform/sql-session.ts';

/** Stock levels, the stock ledger and warehouses. Every function runs in the caller's tenant transaction. */

export interface StockLevelView {
  warehouseId: string;
  productId: string;
  quantity: string;
  averageCost: string;
  minimum: string | null;
}

/** A level as read without its cost, for a role that may not see costs (see COST_ROLES). */
export type UncostedLevel = Omit<StockLevelView, 'averageCost'>;

const LEVEL_KEYS = `warehouse_id as "warehouseId", product_id as "productId", quantity::text as quantity,
  min_quantity::text as minimum`;
const LEVEL_COLUMNS = `${LEVEL_KEYS}, average_cost::text as "averageCost"`;

/** A merma's reason lives on its own row: a primary-key look-up, for `write_off` rows only. */
const MOVEMENT_KEYS = `m.id, m.warehouse_id as "warehouseId", m.product_id as "productId", m.kind,
  m.quantity::text as quantity, m.resulting_quantity::text as "resultingQuantity",
  m.user_id as "userId", m.device_id as "deviceId", m.document_type as "documentType", m.document_id as "documentId",
  (select w.reason from stock_write_off w where m.kind = 'write_off' and w.id = m.document_id) as "writeOffReason",
  to_char(m.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at`;
/** A `stock_movement m` row as `MovementView`. */
export const MOVEMENT_COLUMNS = `${MOVEMENT_KEYS}, m.unit_cost::text as "unitCost",
  m.resulting_average_cost::text as "resultingAverageCost"`;

export async function allowsNegativeStock(em: SqlExecutor): Promise<boolean | undefined> {
  const [row] = await em.execute<{ allow: boolean }[]>(
    'select allow_negative_stock as allow from inventory_settings',
  );
  return row?.allow;
}

export async function writeInventorySettings(em: SqlExecutor, settings: { allowNegativeStock: boolean }) {
  await em.execute(
    `insert into inventory_settings (tenant_id, allow_negative_stock) values (current_tenant_id(), ?)
     on conflict (tenant_id) do update set allow_negative_stock = excluded.allow_negative_stock`,
    [settings.allowNegativeStock],
  );
}

/** The warehouse's store (null for a central one); undefined when the tenant has no such warehouse. */
export async function warehouseById(
  em: SqlExecutor,
  warehouseId: string,
): Promise<{ storeId: string | null } | undefined> {
  const [row] = await em.execute<{ store_id: string | null }[]>(
    'select store_id from warehouse where id = ?',
    [warehouseId],
  );
  return row && { storeId: row.store_id };
}

/** Every warehouse of the company, store warehouses by store name first, central ones last. */
export function listWarehouses(em: SqlExecutor) {
  return em.execute<z.output<typeof WarehouseView>[]>(
    `select w.id, w.code, w.name, w.store_id as "storeId", s.name as "storeName"
       from warehouse w left join store s on s.id = w.store_id
      order by s.name nulls last, w.code`,
  );
}

/** Warehouse ids by code. */
export async function warehouseIds(em: SqlExecutor): Promise<string[]> {
  const rows = await em.execute<{ id: string }[]>('select id from warehouse order by code');
  return rows.map((r) => r.id);
}

/** The warehouse's products below their minimum (the flag the ledger keeps), by name. */
export function listBelowMinimum(em: SqlExecutor, warehouseId: string) {
  return em.execute<z.output<typeof LowStockItem>[]>(
    `select l.warehouse_id as "warehouseId", l.product_id as "productId", p.name as "productName",
            l.quantity::text as quantity, l.min_quantity::text as minimum
       from stock_level l join product p on p.id = l.product_id
      where l.warehouse_id = ? and l.below_min
      order by p.name`,
    [warehouseId],
  );
}

/** The warehouse's levels (of `productIds` only, when given); `withCosts: false` leaves out the PPP. */
export function listStock(
  em: SqlExecutor,
  query: { warehouseId: string; productIds?: string[] | undefined; withCosts: boolean },
) {
  const filter = query.productIds ? 'and product_id = any(?::uuid[])' : '';
  return em.execute<(StockLevelView | UncostedLevel)[]>(
    `select ${query.withCosts ? LEVEL_COLUMNS : LEVEL_KEYS} from stock_level where warehouse_id = ? ${filter}
      order by product_id`,
    query.productIds ? [query.warehouseId, pgArray(query.productIds)] : [query.warehouseId],
  );
}

/** The product's kardex in a warehouse, newest first; `withCosts: false` leaves out the costs. */
export function kardex(
  em: SqlExecutor,
  query: { warehouseId: string; productId: string; limit: number; withCosts: boolean },
) {
  return em.execute<z.output<typeof KardexEntry>[]>(
    `select ${query.withCosts ? MOVEMENT_COLUMNS : MOVEMENT_KEYS} from stock_movement m
      where m.warehouse_id = ? and m.product_id = ? order by m.seq desc limit ?`,
    [query.warehouseId, query.productId, query.limit],
  );
}

/** Whether the level is below its minimum now, its row locked until commit (undefined: no row yet). */
export async function lockBelowMinimum(
  em: SqlExecutor,
  warehouseId: string,
  productId: string,
): Promise<boolean | undefined> {
  const [old] = await em.execute<{ below_min: boolean }[]>(
    'select below_min from stock_level where warehouse_id = ? and product_id = ? for update',
    [warehouseId, productId],
  );
  return old?.below_min;
}

/** Sets (or clears, with null) a minimum; returns the level, whether it is below, and the product's name. */
export async function writeMinimum(
  em: SqlExecutor,
  input: { warehouseId: string; productId: string; minimum: string | null },
) {
  const [row] = await em.execute<(StockLevelView & { isBelow: boolean; productName: string })[]>(
    `insert into stock_level (tenant_id, warehouse_id, product_id, min_quantity, below_min)
     values (current_tenant_id(), ?, ?, ?::numeric, coalesce(0 < ?::numeric, false))
     on conflict (tenant_id, warehouse_id, product_id) do update set min_quantity = excluded.min_quantity,
       below_min = coalesce(stock_level.quantity < excluded.min_quantity, false)
     returning ${LEVEL_COLUMNS}, below_min as "isBelow",
       (select name from product p where p.id = stock_level.product_id) as "productName"`,
    [input.warehouseId, input.productId, input.minimum, input.minimum],
  );
  return row!;
}

/** New levels with minimums, all flagged below (the demo seed, before any stock arrives). */
export async function insertMinimums(
  em: SqlExecutor,
  warehouseId: string,
  minimums: { p: string; min: string }[],
): Promise<void> {
  await em.execute(
    `insert into stock_level (tenant_id, warehouse_id, product_id, min_quantity, below_min)
     select current_tenant_id(), ?, m.p, m.min, true from json_to_recordset(?::json) as m(p uuid, min numeric)`,
    [warehouseId, JSON.stringify(minimums)],
  );
}

/** A stock row as locked for update, with what its events need. */
export interface LockedLevel {
  warehouse_id: string;
  product_id: string;
  quantity: string;
  average_cost: string;
  min_quantity: string | null;
  below_min: boolean;
  store_id: string | null;
  allow_negative: boolean | null;
}

/** A (warehouse, product) key of the ledger's statements. */
export interface LevelKey {
  w: string;
  p: string;
}

/**
 * Stock rows are locked in (warehouse, product) order (the sort runs below the row locks), so
 * two transactions never wait on each other in a cycle. Rows that do not exist yet are created
 * first (rare: a product's first movement in a warehouse); existing rows are only locked, not
 * rewritten, until the ledger write. No per-row sub-selects: product names are read only for
 * the rare alert or refusal (a per-row look-up under RLS is at the planner's mercy).
 */
const LOCK_LEVELS = `
  select s.warehouse_id, s.product_id, s.quantity::text, s.average_cost::text, s.min_quantity::text, s.below_min,
         w.store_id, (select i.allow_negative_stock from inventory_settings i) as allow_negative
    from json_to_recordset(?::json) as k(w uuid, p uuid)
    join stock_level s on s.tenant_id = current_tenant_id() and s.warehouse_id = k.w and s.product_id = k.p
    join warehouse w on w.id = s.warehouse_id
   order by s.warehouse_id, s.product_id
     for update of s`;

const CREATE_LEVELS = `
  insert into stock_level (tenant_id, warehouse_id, product_id)
  select current_tenant_id(), k.w, k.p from json_to_recordset(?::json) as k(w uuid, p uuid) order by k.w, k.p
  on conflict (tenant_id, warehouse_id, product_id) do nothing`;

/** `keys` is the JSON text of a `LevelKey[]`, sent as is to both statements. */
export function lockLevelRows(em: SqlExecutor, keys: string): Promise<LockedLevel[]> {
  return em.execute<LockedLevel[]>(LOCK_LEVELS, [keys]);
}

export async function createLevelRows(em: SqlExecutor, keys: string): Promise<void> {
  await em.execute(CREATE_LEVELS, [keys]);
}

/**
 * The ledger write as two data-modifying CTE bodies: the new stock levels and the movement rows.
 * A caller that writes its own document in one statement (the sale commit) embeds them there;
 * `applyMovements` sends them on their own.
 */
const UPDATE_LEVELS = `
  update stock_level s set quantity = v.q, average_cost = v.a, below_min = v.b, updated_at = now()
    from json_to_recordset(?::json) as v(w uuid, p uuid, q numeric, a numeric, b boolean)
   where s.tenant_id = current_tenant_id() and s.warehouse_id = v.w and s.product_id = v.p
  returning 1`;

const INSERT_MOVEMENTS = `
  insert into stock_movement (id, tenant_id, warehouse_id, product_id, kind, quantity, unit_cost,
    resulting_quantity, resulting_average_cost, user_id, device_id, document_type, document_id)
  select m.id, current_tenant_id(), m.w, m.p, m.kind, m.q, m.c, m.rq, m.ra, m.u, m.d, m.dt, m.di
    from json_to_recordset(?::json) as m(id uuid, w uuid, p uuid, kind text, q numeric, c numeric,
      rq numeric, ra numeric, u uuid, d text, dt text, di uuid)
  returning 1`;

export function updateLevels(levels: (LevelKey & { q: string; a: string; b: boolean })[]): SqlFragment {
  return { sql: UPDATE_LEVELS, params: [JSON.stringify(levels)] };
}

export function insertMovements(
  movements: {
    id: string;
    w: string;
    p: string;
    kind: string;
    q: string;
    c: string;
    rq: string;
    ra: string;
    u: string | null;
    d: string | null;
    dt: string | null;
    di: string | null;
  }[],
): SqlFragment {
  return { sql: INSERT_MOVEMENTS, params: [JSON.stringify(movements)] };
}

export async function productNames(em: SqlExecutor, ids: string[]): Promise<Map<string, string>> {
  const rows = await em.execute<{ id: string; name: string }[]>(
    'select id, name from product where id = any(?::uuid[])',
    [pgArray(ids)],
  );
  return new Map(rows.map((r) => [r.id, r.name]));
}
