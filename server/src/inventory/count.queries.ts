import type { SqlExecutor } from '../platform/sql-session.ts';

/** Stock counts, their scans and variance lines. Every function runs in the caller's tenant transaction. */

export type CountStatus = 'open' | 'closed' | 'applied';

export interface CountView {
  id: string;
  warehouseId: string;
  fullCount: boolean;
  zones: string[];
  status: CountStatus;
  startedAt: string;
}

const COUNT_COLUMNS = `id, warehouse_id as "warehouseId", full_count as "fullCount", zones, status,
  to_char(started_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "startedAt"`;

export async function countById(em: SqlExecutor, countId: string): Promise<CountView | undefined> {
  const [count] = await em.execute<CountView[]>(`select ${COUNT_COLUMNS} from stock_count where id = ?`, [
    countId,
  ]);
  return count;
}

/** The count, locked until commit (scans of one count are serialised, so running totals are exact). */
export async function lockCountRow(em: SqlExecutor, countId: string): Promise<CountView | undefined> {
  const [count] = await em.execute<CountView[]>(
    `select ${COUNT_COLUMNS} from stock_count where id = ? for update`,
    [countId],
  );
  return count;
}

export async function insertCount(
  em: SqlExecutor,
  count: { id: string; warehouseId: string; fullCount: boolean; zones: string[]; startedBy: string | null },
): Promise<CountView> {
  const [row] = await em.execute<CountView[]>(
    `insert into stock_count (id, tenant_id, warehouse_id, full_count, zones, status, started_by)
     values (?, current_tenant_id(), ?, ?, ?::text[], 'open', ?) returning ${COUNT_COLUMNS}`,
    [
      count.id,
      count.warehouseId,
      count.fullCount,
      `{${count.zones.map((z) => JSON.stringify(z)).join(',')}}`,
      count.startedBy,
    ],
  );
  return row!;
}

/** The warehouse's counts not yet applied: the open one, and closed ones waiting to be applied. */
export function countsToApply(em: SqlExecutor, warehouseId: string): Promise<CountView[]> {
  return em.execute<CountView[]>(
    `select ${COUNT_COLUMNS} from stock_count where warehouse_id = ? and status <> 'applied'
      order by started_at desc`,
    [warehouseId],
  );
}

/** Counted quantities per product (or unknown barcode) and user. */
export function scanTotalsByUser(em: SqlExecutor, countId: string) {
  return em.execute<
    {
      productId: string | null;
      barcode: string | null;
      productName: string | null;
      userId: string;
      userName: string;
      counted: string;
    }[]
  >(
    `select s.product_id as "productId", case when s.product_id is null then s.barcode end as barcode,
            p.name as "productName", s.user_id as "userId", coalesce(u.name, '') as "userName",
            sum(s.quantity)::text as counted
       from stock_count_scan s left join product p on p.id = s.product_id left join app_user u on u.id = s.user_id
      where s.count_id = ?
      group by 1, 2, 3, 4, 5 order by 3 nulls last, 2, 5`,
    [countId],
  );
}

/** The product a scanned barcode (or internal code) names. */
export async function productByScan(
  em: SqlExecutor,
  barcode: string,
): Promise<{ id: string; name: string } | undefined> {
  const [product] = await em.execute<{ id: string; name: string }[]>(
    `select p.id, p.name from product_barcode b join product p on p.id = b.product_id where b.barcode = ?
     union all select p.id, p.name from product p where p.code = ? limit 1`,
    [barcode, barcode],
  );
  return product;
}

export async function insertScan(
  em: SqlExecutor,
  scan: {
    id: string;
    countId: string;
    barcode: string;
    productId: string | null;
    quantity: string;
    zone: string | null;
    userId: string;
    deviceId: string | null;
  },
): Promise<void> {
  await em.execute(
    `insert into stock_count_scan (id, tenant_id, count_id, barcode, product_id, quantity, zone, user_id, device_id)
     values (?, current_tenant_id(), ?, ?, ?, ?, ?, ?, ?)`,
    [
      scan.id,
      scan.countId,
      scan.barcode,
      scan.productId,
      scan.quantity,
      scan.zone,
      scan.userId,
      scan.deviceId,
    ],
  );
}

/** The count's total so far of a product (or of an unknown barcode), and the scanning user's name. */
export async function scannedTotal(
  em: SqlExecutor,
  scan: { countId: string; barcode: string; productId: string | null; userId: string },
) {
  const [summary] = await em.execute<{ total: string; user_name: string | null }[]>(
    `select sum(quantity)::text as total, (select name from app_user where id = ?) as user_name
       from stock_count_scan
      where count_id = ? and (product_id = ? or (product_id is null and ?::uuid is null and barcode = ?))`,
    [scan.userId, scan.countId, scan.productId, scan.productId, scan.barcode],
  );
  return summary!;
}

export function countLines(em: SqlExecutor, countId: string) {
  return em.execute<{ productId: string; expected: string; counted: string; variance: string }[]>(
    `select product_id as "productId", expected_quantity::text as expected, counted_quantity::text as counted,
            variance::text as variance
       from stock_count_line where count_id = ? order by product_id`,
    [countId],
  );
}

/**
 * Writes the count's variance lines. A product is compared with the stock it had when it was
 * counted (its last scan): today's stock minus every movement after that scan. In a full count,
 * products with stock that nobody scanned were counted as zero.
 */
export async function insertCountLines(em: SqlExecutor, count: CountView): Promise<void> {
  await em.execute(
    `with counted as (
       select product_id, sum(quantity) as counted, max(scanned_at) as last_scan
         from stock_count_scan where count_id = ? and product_id is not null group by product_id
     ), scope as (
       select product_id from counted
       union select product_id from stock_level where warehouse_id = ? and quantity <> 0 and ?::boolean
     ), compared as (
       select sc.product_id, coalesce(c.counted, 0) as counted,
              coalesce(l.quantity, 0) - coalesce((
                select sum(m.quantity) from stock_movement m
                 where m.warehouse_id = ? and m.product_id = sc.product_id and c.last_scan is not null
                   and m.created_at > c.last_scan), 0) as expected
         from scope sc left join counted c using (product_id)
         left join stock_level l on l.warehouse_id = ? and l.product_id = sc.product_id
     )
     insert into stock_count_line (tenant_id, count_id, product_id, expected_quantity, counted_quantity, variance)
     select current_tenant_id(), ?, product_id, expected, counted, counted - expected from compared`,
    [count.id, count.warehouseId, count.fullCount, count.warehouseId, count.warehouseId, count.id],
  );
}

export async function markCountClosed(em: SqlExecutor, countId: string): Promise<void> {
  await em.execute(`update stock_count set status = 'closed', closed_at = now() where id = ?`, [countId]);
}

export async function markCountApplied(em: SqlExecutor, countId: string): Promise<void> {
  await em.execute(`update stock_count set status = 'applied', applied_at = now() where id = ?`, [countId]);
}
