import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { applyDocumentMovements, type StockActor } from '../inventory/index.ts';
import { AppError } from '../platform/app-error.ts';
import type { PendingEvents } from '../realtime/pending-events.ts';
import { assertStoreScope } from '../tenancy/index.ts';
import { insertReceipt, insertReceiptLines } from './purchasing.queries.ts';
import { Supplier } from './supplier.entity.ts';

const supplierView = ({ id, rut, name, giro }: Supplier) => ({ id, rut, name, giro });

export async function listSuppliers(em: EntityManager) {
  return (await em.find(Supplier, {}, { orderBy: { name: 'asc' } })).map(supplierView);
}

/** Creates the supplier, or updates the one with that RUT (a RUT is one company). */
export async function saveSupplier(em: EntityManager, input: { rut: string; name: string; giro: string }) {
  const supplier = (await em.findOne(Supplier, { rut: input.rut })) ?? em.create(Supplier, input);
  em.assign(supplier, input);
  await em.flush();
  return supplierView(supplier);
}

export interface ReceiptInput {
  supplierId: string;
  warehouseId: string;
  documentType: 33 | 34 | 52;
  folio: number;
  lines: { productId: string; quantity: string; unitCost: string }[];
}

/**
 * Receives goods against a supplier document: the receipt, its lines, and one receipt movement
 * per line that raises stock and re-weighs the PPP at the line's net unit cost, all in the
 * caller's transaction. The same supplier document cannot be received twice; a store-bound
 * receiver receives into their own store's warehouses only.
 */
export async function createReceipt(
  em: EntityManager,
  input: ReceiptInput,
  events: PendingEvents,
  actor: StockActor,
) {
  await assertStoreScope(em, actor, 'warehouse', input.warehouseId);
  if (!(await em.count(Supplier, { id: input.supplierId }))) throw AppError.notFound('el proveedor');
  const id = randomUUID();
  try {
    await insertReceipt(em, { id, ...input, receivedBy: actor.userId });
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) {
      throw new AppError(
        'CONFLICT',
        `El documento ${input.documentType} N° ${input.folio} de este proveedor ya fue recibido.`,
      );
    }
    throw error;
  }
  const movements = await applyDocumentMovements(
    em,
    { warehouseId: input.warehouseId, kind: 'receipt', documentType: 'goods_receipt', documentId: id },
    input.lines,
    events,
    actor,
  );
  await insertReceiptLines(em, id, input.lines);
  return {
    id,
    supplierId: input.supplierId,
    warehouseId: input.warehouseId,
    documentType: input.documentType,
    folio: input.folio,
    lines: movements.map((m) => ({
      productId: m.productId,
      quantity: m.quantity,
      unitCost: m.unitCost,
      averageCost: m.resultingAverageCost,
      stock: m.resultingQuantity,
    })),
  };
}
