import type { WriteOffInput, WriteOffView } from '@erp/shared';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { recordAudit } from '../audit/index.ts';
import { AppError } from '../platform/app-error.ts';
import type { PendingEvents } from '../realtime/pending-events.ts';
import { assertStoreScope } from '../tenancy/index.ts';
import { Dec } from './decimal.ts';
import type { StockActor } from './inventory.service.ts';
import { applyDocumentMovements } from './stock-ledger.ts';
import { insertWriteOff, recordedWriteOff, writeOffProduct } from './write-off.queries.ts';

type WriteOff = z.infer<typeof WriteOffView>;

/**
 * Records a merma in one transaction: its row (reason, note), one `write_off` movement in the
 * stock ledger at the product's PPP of this moment (which it leaves unchanged), and an audit
 * entry; the new stock reaches the store's screens after commit like any other movement.
 *
 * Below zero: a merma follows the company's negative-stock policy exactly as a sale does (the
 * ledger refuses both with INSUFFICIENT_STOCK when negatives are off). With negatives allowed (the
 * default) a merma may take stock below zero, because the stock on record may already be short
 * of what is on the shelf (goods sold before their receipt was entered), and the broken or
 * expired goods in hand must still be written off; the count corrects the rest.
 *
 * The screen names the merma (`id`): a repeat answers the merma first recorded with that id and
 * writes nothing more, so an answer lost on a shaky store network never doubles a merma.
 */
export async function recordWriteOff(
  em: EntityManager,
  input: z.output<typeof WriteOffInput>,
  events: PendingEvents,
  actor: StockActor & { userId: string },
): Promise<WriteOff> {
  const storeId = await assertStoreScope(em, actor, 'warehouse', input.warehouseId);
  const product = await writeOffProduct(em, input.productId);
  if (!product) throw AppError.notFound('el producto');
  const quantity = new Dec(input.quantity);
  if (!product.weighable && !quantity.isInteger()) {
    throw AppError.validation(
      { field: 'quantity' },
      `${product.name} se vende por unidad: la merma debe ser en unidades enteras.`,
    );
  }
  const note = input.note || null;
  const at = await insertWriteOff(em, { ...input, note, userId: actor.userId });
  if (at === undefined) return repeated(em, { ...input, note });
  const { id } = input;
  const [movement] = await applyDocumentMovements(
    em,
    { warehouseId: input.warehouseId, kind: 'write_off', documentType: 'write_off', documentId: id },
    [{ productId: input.productId, quantity: quantity.neg().toString() }],
    events,
    actor,
  );
  const value = quantity.times(movement!.unitCost).toDecimalPlaces(0, Dec.ROUND_HALF_UP).toNumber();
  const view = {
    id,
    warehouseId: input.warehouseId,
    productId: input.productId,
    productName: product.name,
    quantity: movement!.quantity.replace('-', ''),
    reason: input.reason,
    note,
    unitCost: movement!.unitCost,
    value,
    resultingQuantity: movement!.resultingQuantity,
    resultingAverageCost: movement!.resultingAverageCost,
    at,
  };
  await recordAudit(
    em,
    { userId: actor.userId, storeId },
    null,
    [
      {
        kind: 'write_off',
        details: {
          writeOffId: id,
          warehouseId: input.warehouseId,
          productId: input.productId,
          name: product.name,
          quantity: view.quantity,
          reason: input.reason,
          note,
          unitCost: view.unitCost,
          value,
        },
      },
    ],
    events,
  );
  return view;
}

/** The merma an id already names, when the repeat asks for the same one. */
async function repeated(
  em: EntityManager,
  input: Omit<z.output<typeof WriteOffInput>, 'note'> & { note: string | null },
): Promise<WriteOff> {
  const first = await recordedWriteOff(em, input.id);
  if (!first)
    throw new AppError('CONFLICT', 'Ese identificador de merma ya está en uso. Intente nuevamente.');
  const same =
    first.warehouseId === input.warehouseId &&
    first.productId === input.productId &&
    new Dec(first.quantity).eq(input.quantity) &&
    first.reason === input.reason &&
    first.note === input.note;
  if (!same) throw new AppError('IDEMPOTENCY_MISMATCH');
  return first;
}
