/** Purchasing contract: suppliers and goods receipts at net unit cost. */
import { z } from 'zod';
import { normalizeRut } from '../rut.ts';
import { command } from './define.ts';
import { Quantity, UnitCost } from './inventory.events.ts';

const Id = z.string().uuid();

/** A RUT as typed (`12.345.678-5`), checked and stored canonical (`12345678-5`). */
export const Rut = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const rut = normalizeRut(value);
    if (!rut) ctx.addIssue({ code: 'custom', message: 'RUT no válido' });
    return rut ?? z.NEVER;
  });

/** Supplier documents a receipt can reference: factura, factura exenta, guía de despacho. */
export const RECEIPT_DOCUMENT_TYPES = [33, 34, 52] as const;

export const SupplierView = z.object({ id: Id, rut: z.string(), name: z.string(), giro: z.string() });

export const ReceiptView = z.object({
  id: Id,
  supplierId: Id,
  warehouseId: Id,
  documentType: z.literal(RECEIPT_DOCUMENT_TYPES),
  folio: z.number().int(),
  lines: z.array(
    z.object({
      productId: Id,
      quantity: z.string(),
      unitCost: z.string(),
      /** The product's weighted average cost right after this line. */
      averageCost: z.string(),
      stock: z.string(),
    }),
  ),
});

export const purchasingCommands = {
  'supplier:list': command(z.object({}).strict(), z.array(SupplierView)),
  /** Creates the supplier or updates the one with that RUT. */
  'supplier:save': command(
    z
      .object({
        rut: Rut,
        name: z.string().trim().min(1).max(100),
        giro: z.string().trim().max(80).default(''),
      })
      .strict(),
    SupplierView,
  ),
  'receipt:create': command(
    z
      .object({
        supplierId: Id,
        warehouseId: Id,
        documentType: z.literal(RECEIPT_DOCUMENT_TYPES),
        folio: z.number().int().positive().max(9_999_999_999),
        lines: z
          .array(z.object({ productId: Id, quantity: Quantity, unitCost: UnitCost }).strict())
          .min(1)
          .max(1000),
      })
      .strict(),
    ReceiptView,
  ),
};
