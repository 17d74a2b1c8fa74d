import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../platform/app-error.ts';
import type { PendingEvents } from '../realtime/pending-events.ts';
import { rooms } from '../realtime/rooms.ts';
import { Dec, quantityText } from './decimal.ts';
import { assertWarehouse } from './inventory.service.ts';
import { applyMovements, type MovementActor, tabletRooms } from './stock-ledger.ts';

type CountStatus = 'open' | 'closed' | 'applied';

interface CountView {
  id: string;
  warehouseId: string;
  fullCount: boolean;
  zones: string[];
  status: CountStatus;
  startedAt: string;
}

const COUNT_COLUMNS = `id, warehouse_id as "warehouseId", full_count as "fullCount", zones, status,
  to_char(started_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "startedAt"`;

/** Locks the count (scans of one count are serialised, so running totals are exact) and checks its status. */
async function lockCount(em: EntityManager, countId: string, expected: CountStatus): Promise<CountView> {
  const [count] = await em.execute<CountView[]>(
    `select ${COUNT_COLUMNS} from stock_count where id = ? for update`,
    [countId],
  );
  if (!count) throw AppError.notFound('el conteo');
  if (count.status !== expected) {
    const messages = {
      open: 'El conteo ya está cerrado.',
      closed: count.status === 'open' ? 'Cierre el conteo antes de aplicarlo.' : 'El conteo ya fue aplicado.',
      applied: 'El conteo no fue aplicado.',
    };
    throw new AppError('CONFLICT', messages[expected]);
  }
  return count;
}

export async function startCount(
  em: EntityManager,
  input: { warehouseId: string; fullCount: boolean; zones: string[] },
  events: PendingEvents,
  actor: MovementActor,
): Promise<CountView> {
  const { storeId } = await assertWarehouse(em, input.warehouseId);
  let count: CountView | undefined;
  try {
    [count] = await em.execute<CountView[]>(
      `insert into stock_count (id, tenant_id, warehouse_id, full_count, zones, status, started_by)
       values (?, current_tenant_id(), ?, ?, ?::text[], 'open', ?) returning ${COUNT_COLUMNS}`,
      [
        randomUUID(),
        input.warehouseId,
        input.fullCount,
        `{${input.zones.map((z) => JSON.stringify(z)).join(',')}}`,
        actor.userId,
      ],
    );
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) {
      throw new AppError('CONFLICT', 'Ya hay un conteo abierto en esta bodega.');
    }
    throw error;
  }
  // The store's tablets see the new count, so they can join it.
  for (const room of tabletRooms(storeId)) events.push(room, 'count:started', count!);
  return count!;
}

/** The warehouse's counts not yet applied: the open one, and closed ones waiting to be applied. */
export function listCounts(em: EntityManager, warehouseId: string): Promise<CountView[]> {
  return em.execute<CountView[]>(
    `select ${COUNT_COLUMNS} from stock_count where warehouse_id = ? and status <> 'applied'
      order by started_at desc`,
    [warehouseId],
  );
}

/** The count and everyone's running totals per product (and per unknown barcode), by user. */
export async function countState(em: EntityManager, countId: string) {
  const [count] = await em.execute<CountView[]>(`select ${COUNT_COLUMNS} from stock_count where id = ?`, [
    countId,
  ]);
  if (!count) throw AppError.notFound('el conteo');
  const rows = await em.execute<
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
  const totals = new Map<
    string,
    {
      productId: string | null;
      barcode: string | null;
      productName: string | null;
      counted: Dec;
      byUser: { userId: string; userName: string; counted: string }[];
    }
  >();
  for (const row of rows) {
    const key = row.productId ?? `?${row.barcode}`;
    const total = totals.get(key) ?? {
      productId: row.productId,
      barcode: row.barcode,
      productName: row.productName,
      counted: new Dec(0),
      byUser: [],
    };
    total.counted = total.counted.plus(row.counted);
    total.byUser.push({
      userId: row.userId,
      userName: row.userName,
      counted: quantityText(new Dec(row.counted)),
    });
    totals.set(key, total);
  }
  return {
    count,
    totals: [...totals.values()].map((t) => ({ ...t, counted: quantityText(t.counted) })),
  };
}

/**
 * One scan from a tablet: resolves the barcode (or internal code) and records who counted how
 * much where. Unknown barcodes are kept too, so the team sees them. Broadcast to the count's room.
 */
export async function recordScan(
  em: EntityManager,
  input: { countId: string; barcode: string; quantity: string; zone?: string | undefined },
  events: PendingEvents,
  actor: MovementActor & { userId: string },
) {
  await lockCount(em, input.countId, 'open');
  const [product] = await em.execute<{ id: string; name: string }[]>(
    `select p.id, p.name from product_barcode b join product p on p.id = b.product_id where b.barcode = ?
     union all select p.id, p.name from product p where p.code = ? limit 1`,
    [input.barcode, input.barcode],
  );
  const id = randomUUID();
  await em.execute(
    `insert into stock_count_scan (id, tenant_id, count_id, barcode, product_id, quantity, zone, user_id, device_id)
     values (?, current_tenant_id(), ?, ?, ?, ?, ?, ?, ?)`,
    [
      id,
      input.countId,
      input.barcode,
      product?.id ?? null,
      input.quantity,
      input.zone ?? null,
      actor.userId,
      actor.deviceId,
    ],
  );
  const [summary] = await em.execute<{ total: string; user_name: string | null }[]>(
    `select sum(quantity)::text as total, (select name from app_user where id = ?) as user_name
       from stock_count_scan
      where count_id = ? and (product_id = ? or (product_id is null and ?::uuid is null and barcode = ?))`,
    [actor.userId, input.countId, product?.id ?? null, product?.id ?? null, input.barcode],
  );
  const scan = {
    id,
    countId: input.countId,
    barcode: input.barcode,
    productId: product?.id ?? null,
    productName: product?.name ?? null,
    quantity: quantityText(new Dec(input.quantity)),
    zone: input.zone ?? null,
    userId: actor.userId,
    userName: summary?.user_name ?? '',
    total: quantityText(new Dec(summary!.total)),
  };
  events.push(rooms.count(input.countId), 'count:scanned', scan);
  return scan;
}

/** A closed or applied count with its variances (an open one has none yet). */
export async function closedCountResult(em: EntityManager, countId: string) {
  const [count] = await em.execute<CountView[]>(`select ${COUNT_COLUMNS} from stock_count where id = ?`, [
    countId,
  ]);
  if (!count) throw AppError.notFound('el conteo');
  if (count.status === 'open') throw new AppError('CONFLICT', 'El conteo sigue abierto.');
  return countResult(em, count);
}

async function countResult(em: EntityManager, count: CountView) {
  const lines = await em.execute<
    { productId: string; expected: string; counted: string; variance: string }[]
  >(
    `select product_id as "productId", expected_quantity::text as expected, counted_quantity::text as counted,
            variance::text as variance
       from stock_count_line where count_id = ? order by product_id`,
    [count.id],
  );
  return { ...count, lines };
}

/**
 * Closes the count and computes each product's variance. A product is compared with the stock it
 * had when it was counted (its last scan): today's stock minus every movement after that scan.
 * So a sale rung up before the shelf was counted is already off the shelf and off the stock, and
 * a sale after it is not mistaken for a shortage. In a full count, products with stock that
 * nobody scanned were counted as zero.
 */
export async function closeCount(em: EntityManager, countId: string, events: PendingEvents) {
  const count = await lockCount(em, countId, 'open');
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
    [countId, count.warehouseId, count.fullCount, count.warehouseId, count.warehouseId, countId],
  );
  await em.execute(`update stock_count set status = 'closed', closed_at = now() where id = ?`, [countId]);
  const result = await countResult(em, { ...count, status: 'closed' });
  events.push(rooms.count(countId), 'count:closed', result);
  return result;
}

/** Writes the variances as count adjustments at the current average. */
export async function applyCount(
  em: EntityManager,
  countId: string,
  events: PendingEvents,
  actor: MovementActor,
) {
  const count = await lockCount(em, countId, 'closed');
  const result = await countResult(em, { ...count, status: 'applied' });
  await applyMovements(
    em,
    result.lines
      .filter((l) => !new Dec(l.variance).isZero())
      .map((l) => ({
        warehouseId: count.warehouseId,
        productId: l.productId,
        kind: 'count_adjustment' as const,
        quantity: l.variance,
        documentType: 'stock_count',
        documentId: countId,
      })),
    events,
    actor,
  );
  await em.execute(`update stock_count set status = 'applied', applied_at = now() where id = ?`, [countId]);
  events.push(rooms.count(countId), 'count:applied', result);
  return result;
}
