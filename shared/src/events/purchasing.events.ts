/** Purchasing contract: suppliers and goods receipts at net unit cost. */
import { z } from 'zod';
import { checkDayRange, IsoDay } from './date-range.ts';
import { command } from './define.ts';
import { DocumentLine } from './document-line.ts';
import { UnitCost } from './inventory.events.ts';
import { PageRequest, pageOf } from './paging.ts';
import { Quantity, Rut, Uuid } from './primitives.ts';

/** Supplier documents a receipt can reference: factura, factura exenta, guía de despacho. */
export const RECEIPT_DOCUMENT_TYPES = [33, 34, 52] as const;

export const SupplierView = z.object({ id: Uuid, rut: z.string(), name: z.string(), giro: z.string() });

export const ReceiptView = z.object({
  id: Uuid,
  supplierId: Uuid,
  warehouseId: Uuid,
  documentType: z.literal(RECEIPT_DOCUMENT_TYPES),
  folio: z.number().int(),
  lines: z.array(
    z.object({
      productId: Uuid,
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
        supplierId: Uuid,
        warehouseId: Uuid,
        documentType: z.literal(RECEIPT_DOCUMENT_TYPES),
        folio: z.number().int().positive().max(9_999_999_999),
        lines: z
          .array(z.object({ productId: Uuid, quantity: Quantity, unitCost: UnitCost }).strict())
          .min(1)
          .max(1000),
      })
      .strict(),
    ReceiptView,
  ),
};

export const ReceiptSummary = z.object({
  id: Uuid,
  supplierId: Uuid,
  supplierName: z.string(),
  supplierRut: z.string(),
  warehouseId: Uuid,
  warehouseName: z.string(),
  documentType: z.literal(RECEIPT_DOCUMENT_TYPES),
  folio: z.number().int(),
  lineCount: z.number().int(),
  /** Net pesos: the sum of its lines' costs. */
  totalCost: z.number().int(),
  receivedByName: z.string().nullable(),
  receivedAt: z.string(),
});

export const ReceiptDetail = ReceiptSummary.extend({
  lines: z.array(
    DocumentLine.extend({
      unitCost: z.string(),
      /** Net pesos: round(quantity × unit cost). */
      lineCost: z.number().int(),
    }),
  ),
});

export const purchasingHistoryCommands = {
  /** Goods receipts, newest first. */
  'receipt:list': command(
    z
      .object({
        from: IsoDay.optional(),
        to: IsoDay.optional(),
        supplierId: Uuid.optional(),
        warehouseId: Uuid.optional(),
        ...PageRequest,
      })
      .strict()
      .superRefine(checkDayRange()),
    pageOf(ReceiptSummary),
  ),
  'receipt:get': command(z.object({ receiptId: Uuid }).strict(), ReceiptDetail),
  /** Suppliers by name, paged; `search` matches name or RUT. */
  'supplier:page': command(
    z.object({ search: z.string().trim().max(60).optional(), ...PageRequest }).strict(),
    pageOf(SupplierView.extend({ receiptCount: z.number().int() })),
  ),
  /** Deletes a supplier with no receipts (those keep their supplier forever). */
  'supplier:delete': command(z.object({ supplierId: Uuid }).strict(), z.object({ id: Uuid })),
};
