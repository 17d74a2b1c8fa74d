import type { MovementView, ValuedStock, WarehouseValuation } from '@erp/shared';
import type { z } from 'zod';
import { Filters } from '../platform/list-filters.ts';
import { num } from '../platform/rows.ts';
import type { SqlExecutor } from '../platform/sql-session.ts';
import { MOVEMENT_COLUMNS } from './stock.queries.ts';

/** Stock valued at PPP and the paged kardex. Every function runs in the caller's tenant transaction. */

export type Page<T> = { items: T[]; total: number };

/**
 * Every warehouse with its products in stock and their value: round(stock × PPP) per product in
 * pesos, summed per warehouse, so the per-product list adds up to the warehouse exactly.
 */
export async function warehouseValues(em: SqlExecutor): Promise<z.infer<typeof WarehouseValuation>[]> {
  const rows = await em.execute<
    { id: string; code: string; name: string; store_name: string | null; products: string; value: string }[]
  >(
    `select w.id, w.code, w.name, st.name as store_name,
            count(sl.product_id) filter (where sl.quantity <> 0) as products,
            coalesce(sum(round(sl.quantity * sl.average_cost)), 0) as value
       from warehouse w left join store st on st.id = w.store_id
       left join stock_level sl on sl.tenant_id = w.tenant_id and sl.warehouse_id = w.id
      group by w.id, w.code, w.name, st.name
      order by st.name nulls first, w.name`,
  );
  return rows.map((r) => ({
    warehouseId: r.id,
    code: r.code,
    name: r.name,
    storeName: r.store_name,
    products: num(r.products),
    value: num(r.value),
  }));
}

/** A warehouse's products with their stock, PPP and value, by name; each search word must match. */
export async function valuedStockPage(
  em: SqlExecutor,
  query: { warehouseId: string; search?: string | undefined; offset: number; limit: number },
): Promise<Page<z.infer<typeof ValuedStock>>> {
  const filters = new Filters('sl.tenant_id = current_tenant_id()').add(
    'sl.warehouse_id = ?',
    query.warehouseId,
  );
  for (const word of query.search?.split(/\s+/).filter(Boolean) ?? []) {
    filters.add(`p.search_text like '%' || catalog_normalize(?) || '%'`, word);
  }
  const from = `from stock_level sl join product p on p.id = sl.product_id ${filters.where}`;
  const [counted] = await em.execute<{ n: string }[]>(`select count(*) as n ${from}`, filters.params);
  const rows = await em.execute<
    {
      product_id: string;
      code: string;
      name: string;
      category: string;
      unit: string;
      quantity: string;
      average_cost: string;
      value: string;
      minimum: string | null;
    }[]
  >(
    `select sl.product_id, p.code, p.name, p.category, p.unit, sl.quantity::text as quantity,
            sl.average_cost::text as average_cost, round(sl.quantity * sl.average_cost) as value,
            sl.min_quantity::text as minimum
       ${from} order by p.name, p.code limit ? offset ?`,
    [...filters.params, query.limit, query.offset],
  );
  return {
    total: num(counted!.n),
    items: rows.map((r) => ({
      productId: r.product_id,
      code: r.code,
      name: r.name,
      category: r.category,
      unit: r.unit,
      quantity: r.quantity,
      averageCost: r.average_cost,
      value: num(r.value),
      minimum: r.minimum,
    })),
  };
}

export type KardexLine = z.infer<typeof MovementView> & { userName: string | null };

/** A product's kardex in a warehouse, newest first, one page, with who made each movement. */
export async function kardexPage(
  em: SqlExecutor,
  query: { warehouseId: string; productId: string; offset: number; limit: number },
): Promise<Page<KardexLine>> {
  const params = [query.warehouseId, query.productId];
  const where = 'where m.tenant_id = current_tenant_id() and m.warehouse_id = ? and m.product_id = ?';
  const [counted] = await em.execute<{ n: string }[]>(
    `select count(*) as n from stock_movement m ${where}`,
    params,
  );
  const items = await em.execute<KardexLine[]>(
    `select ${MOVEMENT_COLUMNS}, u.name as "userName"
       from stock_movement m left join app_user u on u.id = m.user_id
      ${where} order by m.seq desc limit ? offset ?`,
    [...params, query.limit, query.offset],
  );
  return { items, total: num(counted!.n) };
}
