import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../platform/app-error.ts';
import type { PendingEvents } from '../realtime/pending-events.ts';
import { rooms } from '../realtime/rooms.ts';
import { assertStoreScope, type StoreScopedActor } from '../tenancy/index.ts';
import {
  type CountStatus,
  type CountView,
  countById,
  countLines,
  countsToApply,
  insertCount,
  insertCountLines,
  insertScan,
  lockCountRow,
  markCountApplied,
  markCountClosed,
  productByScan,
  scannedTotal,
  scanTotalsByUser,
} from './count.queries.ts';
import { Dec, quantityText } from './decimal.ts';
import type { StockActor } from './inventory.service.ts';
import { applyDocumentMovements, tabletRooms } from './stock-ledger.ts';

/** The count, when the actor may reach its warehouse; locked until commit with `lock`. */
async function findCount(
  em: EntityManager,
  countId: string,
  actor: StoreScopedActor,
  options: { lock?: boolean } = {},
): Promise<CountView> {
  const count = await (options.lock ? lockCountRow : countById)(em, countId);
  if (!count) throw AppError.notFound('el conteo');
  await assertStoreScope(em, actor, 'warehouse', count.warehouseId);
  return count;
}

/** Locks the count (scans of one count are serialised, so running totals are exact) and checks its status. */
async function lockCount(
  em: EntityManager,
  countId: string,
  expected: CountStatus,
  actor: StoreScopedActor,
): Promise<CountView> {
  const count = await findCount(em, countId, actor, { lock: true });
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
  actor: StockActor,
): Promise<CountView> {
  const storeId = await assertStoreScope(em, actor, 'warehouse', input.warehouseId);
  let count: CountView | undefined;
  try {
    count = await insertCount(em, { id: randomUUID(), ...input, startedBy: actor.userId });
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
export async function listCounts(
  em: EntityManager,
  warehouseId: string,
  actor: StoreScopedActor,
): Promise<CountView[]> {
  await assertStoreScope(em, actor, 'warehouse', warehouseId);
  return countsToApply(em, warehouseId);
}

/** The count and everyone's running totals per product (and per unknown barcode), by user. */
export async function countState(em: EntityManager, countId: string, actor: StoreScopedActor) {
  const count = await findCount(em, countId, actor);
  const rows = await scanTotalsByUser(em, countId);
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
  actor: StockActor & { userId: string },
) {
  await lockCount(em, input.countId, 'open', actor);
  const product = await productByScan(em, input.barcode);
  const id = randomUUID();
  const productId = product?.id ?? null;
  await insertScan(em, {
    id,
    countId: input.countId,
    barcode: input.barcode,
    productId,
    quantity: input.quantity,
    zone: input.zone ?? null,
    userId: actor.userId,
    deviceId: actor.deviceId,
  });
  const summary = await scannedTotal(em, { ...input, productId, userId: actor.userId });
  const scan = {
    id,
    countId: input.countId,
    barcode: input.barcode,
    productId,
    productName: product?.name ?? null,
    quantity: quantityText(new Dec(input.quantity)),
    zone: input.zone ?? null,
    userId: actor.userId,
    userName: summary.user_name ?? '',
    total: quantityText(new Dec(summary.total)),
  };
  events.push(rooms.count(input.countId), 'count:scanned', scan);
  return scan;
}

/** A closed or applied count with its variances (an open one has none yet). */
export async function closedCountResult(em: EntityManager, countId: string, actor: StoreScopedActor) {
  const count = await findCount(em, countId, actor);
  if (count.status === 'open') throw new AppError('CONFLICT', 'El conteo sigue abierto.');
  return countResult(em, count);
}

async function countResult(em: EntityManager, count: CountView) {
  return { ...count, lines: await countLines(em, count.id) };
}

/**
 * Closes the count and computes each product's variance. A product is compared with the stock it
 * had when it was counted (its last scan): today's stock minus every movement after that scan.
 * So a sale rung up before the shelf was counted is already off the shelf and off the stock, and
 * a sale after it is not mistaken for a shortage. In a full count, products with stock that
 * nobody scanned were counted as zero.
 */
export async function closeCount(
  em: EntityManager,
  countId: string,
  events: PendingEvents,
  actor: StoreScopedActor,
) {
  const count = await lockCount(em, countId, 'open', actor);
  await insertCountLines(em, count);
  await markCountClosed(em, countId);
  const result = await countResult(em, { ...count, status: 'closed' });
  events.push(rooms.count(countId), 'count:closed', result);
  return result;
}

/** Writes the variances as count adjustments at the current average. */
export async function applyCount(
  em: EntityManager,
  countId: string,
  events: PendingEvents,
  actor: StockActor,
) {
  const count = await lockCount(em, countId, 'closed', actor);
  const result = await countResult(em, { ...count, status: 'applied' });
  await applyDocumentMovements(
    em,
    {
      warehouseId: count.warehouseId,
      kind: 'count_adjustment',
      documentType: 'stock_count',
      documentId: countId,
    },
    result.lines
      .filter((l) => !new Dec(l.variance).isZero())
      .map((l) => ({ productId: l.productId, quantity: l.variance })),
    events,
    actor,
  );
  await markCountApplied(em, countId);
  events.push(rooms.count(countId), 'count:applied', result);
  return result;
}
