import type { ReceiptDetail } from '@erp/shared';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { AppError } from '../platform/app-error.ts';
import {
  deleteSupplierRow,
  lockSupplierReceiptCount,
  receiptLines,
  receiptSummary,
} from './purchasing.queries.ts';

/** One receipt with its lines at their net unit costs. */
export async function receiptDetail(
  em: EntityManager,
  receiptId: string,
): Promise<z.infer<typeof ReceiptDetail>> {
  const summary = await receiptSummary(em, receiptId);
  if (!summary) throw AppError.notFound('la recepción');
  return { ...summary, lines: await receiptLines(em, receiptId) };
}

/** Deletes a supplier that has no receipts; a supplier with receipts stays with them. */
export async function deleteSupplier(em: EntityManager, supplierId: string): Promise<{ id: string }> {
  const receipts = await lockSupplierReceiptCount(em, supplierId);
  if (receipts === undefined) throw AppError.notFound('el proveedor');
  if (receipts > 0) {
    throw new AppError('CONFLICT', 'El proveedor tiene recepciones registradas: no se puede eliminar.');
  }
  await deleteSupplierRow(em, supplierId);
  return { id: supplierId };
}
