/** Back office reads of past sales: the sales and returns list, one sale in full, the audit log. */
import { z } from 'zod';
import { checkDayRange, IsoDay } from './date-range.ts';
import { command } from './define.ts';
import { DocumentLine } from './document-line.ts';
import { PageRequest, pageOf } from './paging.ts';
import { Uuid } from './primitives.ts';
import { AuditEntry } from './sales.events.ts';
import { DteView } from './sii.events.ts';

/** Back office: sales and returns of a period, newest first, with filters. */
export const SaleListQuery = z
  .object({
    from: IsoDay.optional(),
    to: IsoDay.optional(),
    storeId: Uuid.optional(),
    cashierId: Uuid.optional(),
    docType: z.number().int().positive().optional(),
    folio: z.number().int().positive().optional(),
    kind: z.enum(['sale', 'return']).optional(),
    ...PageRequest,
  })
  .strict()
  .superRefine(checkDayRange());

export const SaleSummary = z.object({
  id: Uuid,
  kind: z.enum(['sale', 'return']),
  storeId: Uuid,
  storeName: z.string(),
  terminalName: z.string(),
  cashierId: Uuid,
  cashierName: z.string(),
  docType: z.number().int(),
  folio: z.number().int(),
  issuedAt: z.string(),
  /** Document total (a nota de crédito's is positive: it is what was credited). */
  total: z.number().int(),
  /** Collected by method; negative for a return's refund. */
  paidCash: z.number().int(),
  paidCard: z.number().int(),
  /** A sale: total of its notas de crédito so far (0 when none). A return: 0. */
  returnedTotal: z.number().int(),
});

/** A discount as the sale's detail names it: a hand discount with its reason, or a promotion. */
const NamedDiscount = z.object({ label: z.string(), amount: z.number().int() });

export const SaleDetail = SaleSummary.extend({
  net: z.number().int(),
  iva: z.number().int(),
  exempt: z.number().int(),
  cashRounding: z.number().int(),
  change: z.number().int(),
  customer: z.object({ rut: z.string(), razonSocial: z.string() }).nullable(),
  /** The supervisor who authorized a return. */
  authorizedByName: z.string().nullable(),
  lines: z.array(
    DocumentLine.extend({
      unitPrice: z.number().int(),
      discount: z.number().int(),
      /** What makes up `discount`: the cashier's discount (with its reason) or each promotion. */
      discounts: z.array(NamedDiscount).default([]),
      amount: z.number().int(),
      exempt: z.boolean(),
    }),
  ),
  /** The discount on the whole ticket, with its reason. */
  ticketDiscount: NamedDiscount.nullable().default(null),
  payments: z.array(
    z.object({
      method: z.enum(['cash', 'card', 'fiado']),
      amount: z.number().int(),
      tendered: z.number().int().nullable(),
      change: z.number().int().nullable(),
      authorizationCode: z.string().nullable(),
    }),
  ),
  /** Its electronic document in the SII pipeline; null until the worker picks the sale up. */
  document: DteView.nullable(),
  /** A return: the sale it credits. */
  original: z.object({ id: Uuid, docType: z.number().int(), folio: z.number().int() }).nullable(),
  /** A sale: its notas de crédito. */
  returns: z.array(
    z.object({
      id: Uuid,
      docType: z.number().int(),
      folio: z.number().int(),
      issuedAt: z.string(),
      total: z.number().int(),
    }),
  ),
});

export const AuditListQuery = z
  .object({
    kind: z.string().trim().min(1).max(40).optional(),
    userId: Uuid.optional(),
    from: IsoDay.optional(),
    to: IsoDay.optional(),
    ...PageRequest,
  })
  .strict()
  .superRefine(checkDayRange());

export const AuditLogEntry = AuditEntry.extend({
  id: z.number().int(),
  userName: z.string(),
  storeName: z.string().nullable(),
});

export const salesHistoryCommands = {
  'sale:list': command(SaleListQuery, pageOf(SaleSummary)),
  'sale:detail': command(z.object({ saleId: Uuid }).strict(), SaleDetail),
  /** The audit log, newest first (Chile days in `from`/`to`). */
  'audit:list': command(AuditListQuery, pageOf(AuditLogEntry)),
};
