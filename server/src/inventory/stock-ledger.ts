import { randomUUID } from 'node:crypto';
import type { MovementKind } from '@erp/shared';
import { ForeignKeyConstraintViolationException } from '@mikro-orm/core';
import { AppError } from '../platform/app-error.ts';
import { pgArray } from '../platform/pg-array.ts';
import { executeCtes, type SqlFragment } from '../platform/sql-fragment.ts';
import type { SqlExecutor } from '../platform/sql-session.ts';
import type { PendingEvents } from '../realtime/pending-events.ts';
import { rooms } from '../realtime/rooms.ts';
import { costText, Dec, type DecimalInput, quantityText } from './decimal.ts';
import { isValuedAtOwnCost, nextStockState, type StockState } from './ppp.ts';

export interface MovementInput {
  warehouseId: string;
  productId: string;
  kind: MovementKind;
  /** Signed change in stock (3 decimals): negative for sales and transfers out. */
  quantity: DecimalInput;
  /** Net unit cost; required for receipts and transfers in. Other kinds move at the current average. */
  unitCost?: DecimalInput;
  /** The document behind the movement (sale, receipt, transfer, count). */
  documentType?: string;
  documentId?: string;
}

/** Who and what caused the movements, written on every ledger row. */
export interface MovementActor {
  userId: string | null;
  deviceId: string | null;
}

export interface AppliedMovement {
  id: string;
  warehouseId: string;
  productId: string;
  kind: MovementKind;
  quantity: string;
  unitCost: string;
  resultingQuantity: string;
  resultingAverageCost: string;
}

const DIRECTION: Record<MovementKind, 'in' | 'out' | 'any'> = {
  sale: 'out',
  return: 'in',
  receipt: 'in',
  adjustment: 'any',
  transfer_out: 'out',
  transfer_in: 'in',
  count_adjustment: 'any',
};

/** A stock row as locked for update, with what its events need. */
interface LockedLevel {
  warehouse_id: string;
  product_id: string;
  quantity: string;
  average_cost: string;
  min_quantity: string | null;
  below_min: boolean;
  store_id: string | null;
  allow_negative: boolean | null;
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

export interface PlannedMovements {
  applied: AppliedMovement[];
  /** CTE bodies that write the levels and the ledger rows; they must run before commit. */
  ledgerWrites: SqlFragment[];
}

async function lockLevels(em: SqlExecutor, keys: { w: string; p: string }[]): Promise<LockedLevel[]> {
  const json = JSON.stringify(keys);
  const locked = await em.execute<LockedLevel[]>(LOCK_LEVELS, [json]);
  if (locked.length === keys.length) return locked;
  await whenReferenced('el producto o la bodega', () => em.execute(CREATE_LEVELS, [json]));
  return em.execute<LockedLevel[]>(LOCK_LEVELS, [json]);
}

const keyOf = (warehouseId: string, productId: string) => `${warehouseId}/${productId}`;

function checkedQuantity(movement: MovementInput): Dec {
  const quantity = new Dec(movement.quantity);
  if (quantity.decimalPlaces() > 3)
    throw AppError.validation(undefined, 'La cantidad admite hasta 3 decimales.');
  const direction = DIRECTION[movement.kind];
  const wrongSign =
    quantity.isZero() || (direction === 'in' && quantity.lt(0)) || (direction === 'out' && quantity.gt(0));
  if (wrongSign)
    throw AppError.validation({ kind: movement.kind }, 'La cantidad del movimiento no es válida.');
  return quantity;
}

function ownUnitCost(movement: MovementInput): Dec | null {
  if (!isValuedAtOwnCost(movement.kind)) return null;
  if (movement.unitCost === undefined) throw AppError.validation(undefined, 'Falta el costo unitario.');
  const cost = new Dec(movement.unitCost);
  if (cost.lt(0)) throw AppError.validation(undefined, 'El costo unitario no puede ser negativo.');
  return cost;
}

/**
 * Applies stock movements inside the caller's unit of work (a sale commit, a receipt, a count):
 * locks the stock rows of every (warehouse, product) involved in a fixed order, computes the
 * resulting quantity and PPP of each movement in the given order, enforces the tenant's
 * negative-stock policy (AppError INSUFFICIENT_STOCK; count adjustments record what was
 * physically found and are never refused), writes the ledger rows, and queues one
 * coalesced `stock:changed` per store (plus `stock:low` for rows that just crossed below their
 * minimum) into `events`, to be published after commit. Three SQL statements per call (a fourth
 * reads product names only when an alert or a refusal needs them).
 *
 * @example
 *   await withTenant(orm, tenantId, (em) =>
 *     applyMovements(em, [{ warehouseId, productId, kind: 'sale', quantity: '-2', documentType: 'sale', documentId }],
 *       events, { userId, deviceId: terminalId }));
 *   events.publish(nsp);
 */
export async function applyMovements(
  em: SqlExecutor,
  movements: readonly MovementInput[],
  events: PendingEvents,
  actor: MovementActor,
): Promise<AppliedMovement[]> {
  const { applied, ledgerWrites } = await planMovements(em, movements, events, actor);
  // New levels and their ledger rows in one round trip: the stock rows stay locked until commit.
  if (ledgerWrites.length > 0) await executeCtes(em, ledgerWrites);
  return applied;
}

/**
 * `applyMovements` without its final write: locks and computes, queues the events, and returns
 * the ledger write for the caller to send within its own statement (it must, before commit).
 */
export async function planMovements(
  em: SqlExecutor,
  movements: readonly MovementInput[],
  events: PendingEvents,
  actor: MovementActor,
): Promise<PlannedMovements> {
  if (movements.length === 0) return { applied: [], ledgerWrites: [] };
  const checked = movements.map((m) => ({ ...m, delta: checkedQuantity(m), cost: ownUnitCost(m) }));
  const keys = [...new Map(checked.map((m) => [keyOf(m.warehouseId, m.productId), m])).values()];
  const lockKeys = keys.map((m) => ({ w: m.warehouseId, p: m.productId }));
  const locked = await lockLevels(em, lockKeys);
  const levels = new Map(locked.map((row) => [keyOf(row.warehouse_id, row.product_id), row]));
  const states = new Map<string, StockState>(
    locked.map((row) => [
      keyOf(row.warehouse_id, row.product_id),
      { quantity: new Dec(row.quantity), averageCost: new Dec(row.average_cost) },
    ]),
  );
  const allowNegative = locked[0]?.allow_negative ?? true;

  const applied: AppliedMovement[] = [];
  for (const m of checked) {
    const key = keyOf(m.warehouseId, m.productId);
    const before = states.get(key)!;
    const next = nextStockState(before, m.kind, m.delta, m.cost);
    if (!allowNegative && m.delta.lt(0) && next.state.quantity.lt(0) && m.kind !== 'count_adjustment') {
      throw await insufficientStock(em, m, before.quantity);
    }
    states.set(key, next.state);
    applied.push({
      id: randomUUID(),
      warehouseId: m.warehouseId,
      productId: m.productId,
      kind: m.kind,
      quantity: quantityText(m.delta),
      unitCost: costText(next.unitCost),
      resultingQuantity: quantityText(next.state.quantity),
      resultingAverageCost: costText(next.state.averageCost),
    });
  }

  const crossedBelow: { level: LockedLevel; state: StockState }[] = [];
  const updates = [...levels.entries()].map(([key, level]) => {
    const state = states.get(key)!;
    const below = level.min_quantity !== null && state.quantity.lt(level.min_quantity);
    if (below && !level.below_min) crossedBelow.push({ level, state });
    queueStockChanged(events, level, state);
    return {
      w: level.warehouse_id,
      p: level.product_id,
      q: quantityText(state.quantity),
      a: costText(state.averageCost),
      b: below,
    };
  });
  if (crossedBelow.length) {
    const names = await productNames(
      em,
      crossedBelow.map((c) => c.level.product_id),
    );
    for (const { level, state } of crossedBelow) {
      queueLowStock(events, { ...level, product_name: names.get(level.product_id) ?? '' }, state);
    }
  }
  const ledger = JSON.stringify(
    applied.map((m, i) => ({
      id: m.id,
      w: m.warehouseId,
      p: m.productId,
      kind: m.kind,
      q: m.quantity,
      c: m.unitCost,
      rq: m.resultingQuantity,
      ra: m.resultingAverageCost,
      u: actor.userId,
      d: actor.deviceId,
      dt: movements[i]!.documentType ?? null,
      di: movements[i]!.documentId ?? null,
    })),
  );
  return {
    applied,
    ledgerWrites: [
      { sql: UPDATE_LEVELS, params: [JSON.stringify(updates)] },
      { sql: INSERT_MOVEMENTS, params: [ledger] },
    ],
  };
}

async function productNames(em: SqlExecutor, ids: string[]): Promise<Map<string, string>> {
  const rows = await em.execute<{ id: string; name: string }[]>(
    'select id, name from product where id = any(?::uuid[])',
    [pgArray(ids)],
  );
  return new Map(rows.map((r) => [r.id, r.name]));
}

async function insufficientStock(
  em: SqlExecutor,
  movement: { warehouseId: string; productId: string },
  onHand: Dec,
): Promise<AppError> {
  const name = (await productNames(em, [movement.productId])).get(movement.productId);
  const available = quantityText(onHand);
  return new AppError('INSUFFICIENT_STOCK', `No hay stock suficiente de ${name}: quedan ${available}.`, {
    warehouseId: movement.warehouseId,
    productId: movement.productId,
    available,
  });
}

/** Runs a write whose foreign keys name rows of this tenant; a missing one becomes NOT_FOUND. */
export async function whenReferenced<T>(what: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof ForeignKeyConstraintViolationException) throw AppError.notFound(what);
    throw error;
  }
}

/** The screens that work a warehouse: its store's tablets, or the back offices for a central warehouse. */
export function tabletRooms(storeId: string | null): string[] {
  return storeId ? [rooms.storeScreen(storeId, 'tablet')] : [rooms.screen('backoffice')];
}

/** Rooms that follow a warehouse's stock: its store, or the back offices for a central warehouse. */
export function stockRooms(storeId: string | null): string[] {
  return storeId ? [rooms.store(storeId)] : [rooms.screen('backoffice')];
}

function queueStockChanged(events: PendingEvents, level: LockedLevel, state: StockState) {
  events.collect(stockRooms(level.store_id), 'stock:changed', {
    warehouseId: level.warehouse_id,
    productId: level.product_id,
    quantity: quantityText(state.quantity),
    averageCost: costText(state.averageCost),
  });
}

/**
 * Alerts go to the store's tablets (back offices for a central warehouse) and to every wall of
 * the company: a wall shows all stores and warehouses.
 */
export function queueLowStock(
  events: PendingEvents,
  level: Pick<LockedLevel, 'warehouse_id' | 'product_id' | 'min_quantity' | 'store_id'> & {
    product_name: string;
  },
  state: Pick<StockState, 'quantity'>,
) {
  const targets = [...tabletRooms(level.store_id), rooms.screen('wall')];
  events.collect(targets, 'stock:low', {
    warehouseId: level.warehouse_id,
    productId: level.product_id,
    productName: level.product_name,
    quantity: quantityText(state.quantity),
    minimum: quantityText(new Dec(level.min_quantity!)),
  });
}
