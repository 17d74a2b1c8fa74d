import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../platform/app-error.ts';
import type { PendingEvents } from '../realtime/pending-events.ts';
import { assertStoreScope } from '../tenancy/index.ts';
import { Dec, quantityText } from './decimal.ts';
import { assertWarehouse, type StockActor } from './inventory.service.ts';
import { applyDocumentMovements, tabletRooms } from './stock-ledger.ts';
import {
  insertTransfer,
  insertTransferLines,
  lockTransfer,
  markTransferReceived,
  type TransferStatus,
  transferById,
  transferIds,
  transferLines,
} from './transfer.queries.ts';

async function transferView(em: EntityManager, id: string) {
  const transfer = await transferById(em, id);
  if (!transfer) throw AppError.notFound('la transferencia');
  const lines = await transferLines(em, id);
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
export async function listTransfers(em: EntityManager, warehouseId: string, status: TransferStatus) {
  const views = [];
  for (const id of await transferIds(em, warehouseId, status)) views.push(await transferView(em, id));
  return views;
}

/**
 * First half of the handshake: the goods leave the origin (transfer_out at its current average)
 * and are in transit until the destination confirms what arrived. A store-bound sender sends
 * from their own store only; the destination may be any warehouse of the company.
 */
export async function sendTransfer(
  em: EntityManager,
  input: { fromWarehouseId: string; toWarehouseId: string; lines: { productId: string; quantity: string }[] },
  events: PendingEvents,
  actor: StockActor,
) {
  if (input.fromWarehouseId === input.toWarehouseId) {
    throw AppError.validation(undefined, 'La bodega de origen y la de destino deben ser distintas.');
  }
  const [, destination] = await Promise.all([
    assertStoreScope(em, actor, 'warehouse', input.fromWarehouseId),
    assertWarehouse(em, input.toWarehouseId),
  ]);
  if (new Set(input.lines.map((l) => l.productId)).size !== input.lines.length) {
    throw AppError.validation(undefined, 'Un producto aparece dos veces en la transferencia.');
  }
  const id = randomUUID();
  await insertTransfer(em, { id, ...input, sentBy: actor.userId });
  const moved = await applyDocumentMovements(
    em,
    { warehouseId: input.fromWarehouseId, kind: 'transfer_out', documentType: 'transfer', documentId: id },
    input.lines.map((l) => ({ productId: l.productId, quantity: new Dec(l.quantity).neg() })),
    events,
    actor,
  );
  await insertTransferLines(
    em,
    id,
    moved.map((m) => ({ p: m.productId, q: new Dec(m.quantity).neg().toFixed(3), c: m.unitCost })),
  );
  const transfer = await transferView(em, id);
  // The destination's tablets learn that goods are on their way.
  for (const room of tabletRooms(destination.storeId)) events.push(room, 'transfer:sent', transfer);
  return transfer;
}

/**
 * Second half: the destination states what arrived (lines it does not mention arrived in full);
 * a store-bound receiver confirms only transfers into their own store.
 * Arrivals enter at the cost they left with; the difference against what was sent stays on the
 * line as the record of goods lost or found in transit.
 */
export async function receiveTransfer(
  em: EntityManager,
  input: { transferId: string; lines: { productId: string; quantityReceived: string }[] },
  events: PendingEvents,
  actor: StockActor,
) {
  const transfer = await lockTransfer(em, input.transferId);
  if (!transfer) throw AppError.notFound('la transferencia');
  await assertStoreScope(em, actor, 'warehouse', transfer.to_warehouse_id);
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
  await applyDocumentMovements(
    em,
    {
      warehouseId: transfer.to_warehouse_id,
      kind: 'transfer_in',
      documentType: 'transfer',
      documentId: input.transferId,
    },
    received
      .filter((l) => l.quantityReceived.gt(0))
      .map((l) => ({ productId: l.productId, quantity: l.quantityReceived, unitCost: l.unitCost })),
    events,
    actor,
  );
  await markTransferReceived(
    em,
    input.transferId,
    received.map((l) => ({ p: l.productId, q: quantityText(l.quantityReceived) })),
    actor.userId,
  );
  return transferView(em, input.transferId);
}
