import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../platform/app-error.ts';
import type { PendingEvents } from '../realtime/pending-events.ts';
import { Dec, quantityText } from './decimal.ts';
import { assertWarehouse } from './inventory.service.ts';
import { applyMovements, type MovementActor, tabletRooms } from './stock-ledger.ts';

interface TransferLineRow {
  productId: string;
  quantitySent: string;
  unitCost: string;
  quantityReceived: string | null;
}

async function transferView(em: EntityManager, id: string) {
  const [transfer] = await em.execute<
    { id: string; fromWarehouseId: string; toWarehouseId: string; status: 'sent' | 'received' }[]
  >(
    `select id, from_warehouse_id as "fromWarehouseId", to_warehouse_id as "toWarehouseId", status
       from stock_transfer where id = ?`,
    [id],
  );
  if (!transfer) throw AppError.notFound('la transferencia');
  const lines = await em.execute<TransferLineRow[]>(
    `select product_id as "productId", quantity_sent::text as "quantitySent", unit_cost::text as "unitCost",
            quantity_received::text as "quantityReceived"
       from stock_transfer_line where transfer_id = ? order by product_id`,
    [id],
  );
  return {
    ...transfer,
    lines: lines.map((l) => ({
      ...l,
      difference:
        l.quantityReceived === null ? null : quantityText(new Dec(l.quantityReceived).minus(l.quantitySent)),
    })),
  };
}

/** Transfers into or out of a warehouse with a status, newest first (a receiving tablet's to-do list). */
export async function listTransfers(em: EntityManager, warehouseId: string, status: 'sent' | 'received') {
  const rows = await em.execute<{ id: string }[]>(
    `select id from stock_transfer where status = ? and (to_warehouse_id = ? or from_warehouse_id = ?)
      order by sent_at desc limit 100`,
    [status, warehouseId, warehouseId],
  );
  const views = [];
  for (const { id } of rows) views.push(await transferView(em, id));
  return views;
}

/**
 * First half of the handshake: the goods leave the origin (transfer_out at its current average)
 * and are in transit until the destination confirms what arrived.
 */
export async function sendTransfer(
  em: EntityManager,
  input: { fromWarehouseId: string; toWarehouseId: string; lines: { productId: string; quantity: string }[] },
  events: PendingEvents,
  actor: MovementActor,
) {
  if (input.fromWarehouseId === input.toWarehouseId) {
    throw AppError.validation(undefined, 'La bodega de origen y la de destino deben ser distintas.');
  }
  const [, destination] = await Promise.all([
    assertWarehouse(em, input.fromWarehouseId),
    assertWarehouse(em, input.toWarehouseId),
  ]);
  if (new Set(input.lines.map((l) => l.productId)).size !== input.lines.length) {
    throw AppError.validation(undefined, 'Un producto aparece dos veces en la transferencia.');
  }
  const id = randomUUID();
  await em.execute(
    `insert into stock_transfer (id, tenant_id, from_warehouse_id, to_warehouse_id, status, sent_by)
     values (?, current_tenant_id(), ?, ?, 'sent', ?)`,
    [id, input.fromWarehouseId, input.toWarehouseId, actor.userId],
  );
  const moved = await applyMovements(
    em,
    input.lines.map((l) => ({
      warehouseId: input.fromWarehouseId,
      productId: l.productId,
      kind: 'transfer_out' as const,
      quantity: new Dec(l.quantity).neg(),
      documentType: 'transfer',
      documentId: id,
    })),
    events,
    actor,
  );
  await em.execute(
    `insert into stock_transfer_line (tenant_id, transfer_id, product_id, quantity_sent, unit_cost)
     select current_tenant_id(), ?, l.p, l.q, l.c from json_to_recordset(?::json) as l(p uuid, q numeric, c numeric)`,
    [
      id,
      JSON.stringify(
        moved.map((m) => ({ p: m.productId, q: new Dec(m.quantity).neg().toFixed(3), c: m.unitCost })),
      ),
    ],
  );
  const transfer = await transferView(em, id);
  // The destination's tablets learn that goods are on their way.
  for (const room of tabletRooms(destination.storeId)) events.push(room, 'transfer:sent', transfer);
  return transfer;
}

/**
 * Second half: the destination states what arrived (lines it does not mention arrived in full).
 * Arrivals enter at the cost they left with; the difference against what was sent stays on the
 * line as the record of goods lost or found in transit.
 */
export async function receiveTransfer(
  em: EntityManager,
  input: { transferId: string; lines: { productId: string; quantityReceived: string }[] },
  events: PendingEvents,
  actor: MovementActor,
) {
  const [transfer] = await em.execute<{ status: string; to_warehouse_id: string }[]>(
    'select status, to_warehouse_id from stock_transfer where id = ? for update',
    [input.transferId],
  );
  if (!transfer) throw AppError.notFound('la transferencia');
  if (transfer.status !== 'sent') throw new AppError('CONFLICT', 'La transferencia ya fue recibida.');
  const { lines } = await transferView(em, input.transferId);
  const stated = new Map(input.lines.map((l) => [l.productId, l.quantityReceived]));
  const unknown = [...stated.keys()].find((productId) => !lines.some((l) => l.productId === productId));
  if (unknown)
    throw AppError.validation({ productId: unknown }, 'Ese producto no viene en la transferencia.');
  const received = lines.map((l) => ({
    ...l,
    quantityReceived: new Dec(stated.get(l.productId) ?? l.quantitySent),
  }));
  await applyMovements(
    em,
    received
      .filter((l) => l.quantityReceived.gt(0))
      .map((l) => ({
        warehouseId: transfer.to_warehouse_id,
        productId: l.productId,
        kind: 'transfer_in' as const,
        quantity: l.quantityReceived,
        unitCost: l.unitCost,
        documentType: 'transfer',
        documentId: input.transferId,
      })),
    events,
    actor,
  );
  await em.execute(
    `update stock_transfer_line t set quantity_received = r.q
       from json_to_recordset(?::json) as r(p uuid, q numeric)
      where t.tenant_id = current_tenant_id() and t.transfer_id = ? and t.product_id = r.p`,
    [
      JSON.stringify(received.map((l) => ({ p: l.productId, q: quantityText(l.quantityReceived) }))),
      input.transferId,
    ],
  );
  await em.execute(
    `update stock_transfer set status = 'received', received_by = ?, received_at = now() where id = ?`,
    [actor.userId, input.transferId],
  );
  return transferView(em, input.transferId);
}
