import { randomUUID } from 'node:crypto';
import type { MovementKind } from '@erp/shared';
import { ForeignKeyConstraintViolationException } from '@mikro-orm/core';
import { AppError } from '../platform/app-error.ts';
import { executeCtes, type SqlFragment } from '../platform/sql-fragment.ts';
import type { SqlExecutor } from '../platform/sql-session.ts';
import type { PendingEvents } from '../realtime/pending-events.ts';
import { rooms } from '../realtime/rooms.ts';
import { costText, Dec, type DecimalInput, quantityText } from './decimal.ts';
import { isValuedAtOwnCost, nextStockState, type StockState } from './ppp.ts';
import {
  createLevelRows,
  insertMovements,
  type LevelKey,
  type LockedLevel,
  lockLevelRows,
  productNames,
  updateLevels,
} from './stock.queries.ts';

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
  write_off: 'out',
};

export interface PlannedMovements {
  applied: AppliedMovement[];
  /** CTE bodies that write the levels and the ledger rows; they must run before commit. */
  ledgerWrites: SqlFragment[];
}

/** Locks the stock rows of `keys` (see `lockLevelRows`), creating those that do not exist yet. */
async function lockLevels(em: SqlExecutor, keys: LevelKey[]): Promise<LockedLevel[]> {
  const json = JSON.stringify(keys);
  const locked = await lockLevelRows(em, json);
  if (locked.length === keys.length) return locked;
  await whenReferenced('el producto o la bodega', () => createLevelRows(em, json));
  return lockLevelRows(em, json);
}

const keyOf = (warehouseId: string, productId: string) => `${warehouseId}/${productId}`;

/**
 * Stock rows locked once for several documents recorded one after another in one transaction (a
 * batch of a store's offline sales, each in its savepoint). Locked document by document, the
 * batch would take them out of the fixed order and could deadlock with an online sale; and
 * `planMovements` reads their state from here instead of locking them again. The rows stay locked
 * to the transaction's end, so nothing else changes them meanwhile: their state is what the
 * documents before made of it. A document's new state counts only once it is kept (`keep`, its
 * savepoint held); `drop` forgets it with the savepoint rolled back.
 */
export class LockedStock {
  readonly #levels: Map<string, LockedLevel>;
  #planned: LockedLevel[] = [];

  private constructor(levels: readonly LockedLevel[]) {
    this.#levels = new Map(levels.map((l) => [keyOf(l.warehouse_id, l.product_id), l]));
  }

  /** Locks the existing rows of `keys` in the fixed order; those that do not exist yet are left to `planMovements`. */
  static async lock(
    em: SqlExecutor,
    keys: readonly { warehouseId: string; productId: string }[],
  ): Promise<LockedStock> {
    const unique = new Map(
      keys.map((k) => [keyOf(k.warehouseId, k.productId), { w: k.warehouseId, p: k.productId }]),
    );
    return new LockedStock(
      unique.size > 0 ? await lockLevelRows(em, JSON.stringify([...unique.values()])) : [],
    );
  }

  /** The rows of `keys` as the kept documents left them; null when one is not held here. */
  rows(keys: readonly LevelKey[]): LockedLevel[] | null {
    const rows = keys.map((k) => this.#levels.get(keyOf(k.w, k.p)));
    return rows.every((r) => r !== undefined) ? (rows as LockedLevel[]) : null;
  }

  /** The rows as a document being recorded writes them (`planMovements`). */
  planned(levels: readonly LockedLevel[]): void {
    this.#planned.push(...levels);
  }

  /** The document is recorded: its rows' new state is theirs (a row it created is held now too). */
  keep(): void {
    for (const level of this.#planned) this.#levels.set(keyOf(level.warehouse_id, level.product_id), level);
    this.#planned = [];
  }

  /** The document was rolled back to its savepoint: the rows are as before it. */
  drop(): void {
    this.#planned = [];
  }
}

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
 * `applyMovements` for one document's lines, all of one kind in one warehouse (a receipt, either
 * half of a transfer, a count, an adjustment).
 */
export function applyDocumentMovements(
  em: SqlExecutor,
  document: Pick<MovementInput, 'warehouseId' | 'kind' | 'documentType' | 'documentId'>,
  lines: readonly Pick<MovementInput, 'productId' | 'quantity' | 'unitCost'>[],
  events: PendingEvents,
  actor: MovementActor,
): Promise<AppliedMovement[]> {
  return applyMovements(
    em,
    lines.map((line) => ({
      ...document,
      productId: line.productId,
      quantity: line.quantity,
      unitCost: line.unitCost,
    })),
    events,
    actor,
  );
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
  /**
   * `allowNegative`: the movements happened already and are recorded whatever the tenant's
   * policy (a store's offline sales, synchronised later); the caller flags the rows that went
   * below zero (`resultingQuantity`). `locked`: rows the transaction holds already, with the
   * state they have in it (not locked again); the new state is handed back to it.
   */
  options: { allowNegative?: boolean; locked?: LockedStock } = {},
): Promise<PlannedMovements> {
  if (movements.length === 0) return { applied: [], ledgerWrites: [] };
  const checked = movements.map((m) => ({ ...m, delta: checkedQuantity(m), cost: ownUnitCost(m) }));
  const keys = [...new Map(checked.map((m) => [keyOf(m.warehouseId, m.productId), m])).values()];
  const lockKeys = keys.map((m) => ({ w: m.warehouseId, p: m.productId }));
  const locked = options.locked?.rows(lockKeys) ?? (await lockLevels(em, lockKeys));
  const levels = new Map(locked.map((row) => [keyOf(row.warehouse_id, row.product_id), row]));
  const states = new Map<string, StockState>(
    locked.map((row) => [
      keyOf(row.warehouse_id, row.product_id),
      { quantity: new Dec(row.quantity), averageCost: new Dec(row.average_cost) },
    ]),
  );
  const allowNegative = options.allowNegative === true || (locked[0]?.allow_negative ?? true);

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
      level,
      write: {
        w: level.warehouse_id,
        p: level.product_id,
        q: quantityText(state.quantity),
        a: costText(state.averageCost),
        b: below,
      },
    };
  });
  options.locked?.planned(
    updates.map(({ level, write }) => ({
      ...level,
      quantity: write.q,
      average_cost: write.a,
      below_min: write.b,
    })),
  );
  if (crossedBelow.length) {
    const names = await productNames(
      em,
      crossedBelow.map((c) => c.level.product_id),
    );
    for (const { level, state } of crossedBelow) {
      queueLowStock(events, { ...level, product_name: names.get(level.product_id) ?? '' }, state);
    }
  }
  const ledger = insertMovements(
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
    ledgerWrites: [updateLevels(updates.map((u) => u.write)), ledger],
  };
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

/**
 * A level's new quantity to the rooms that follow its warehouse: the store's sockets, with the
 * PPP only for those that may see costs; the back offices (every one of COST_ROLES) for a
 * central warehouse.
 */
function queueStockChanged(events: PendingEvents, level: LockedLevel, state: StockState) {
  const change = {
    warehouseId: level.warehouse_id,
    productId: level.product_id,
    quantity: quantityText(state.quantity),
  };
  const costed = { ...change, averageCost: costText(state.averageCost) };
  if (level.store_id) {
    events.collect([rooms.storeCosts(level.store_id)], 'stock:changed', costed);
    events.collect([rooms.storeNoCosts(level.store_id)], 'stock:changed', change);
  } else {
    events.collect([rooms.screen('backoffice')], 'stock:changed', costed);
  }
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
