/**
 * Sales reports of the back office: sales by day, product, category, cashier, payment method and
 * store with their gross margin at PPP (the cost recorded on each sale's stock movements), in
 * integer pesos. Returns (notas de crédito) count against the day, store and cashier they
 * were issued in.
 */
import { z } from 'zod';
import { checkDayRange, IsoDay } from './date-range.ts';
import { command } from './define.ts';
import { PageRequest, pageOf } from './paging.ts';
import { SignedPesos, Uuid } from './primitives.ts';

export const SALES_REPORTS = ['day', 'product', 'category', 'cashier', 'payment', 'store'] as const;
export type SalesReportKind = (typeof SALES_REPORTS)[number];

/** A report reads every sale of its period: one year at most. */
export const MAX_REPORT_DAYS = 366;

const reportQuery = {
  report: z.enum(SALES_REPORTS),
  from: IsoDay,
  to: IsoDay,
  storeId: Uuid.optional(),
};

export const SalesReportQuery = z.object(reportQuery).strict().superRefine(checkDayRange(MAX_REPORT_DAYS));

/** What a row (or the whole period) adds up to. Net, cost and margin are null in the payment report. */
export const SalesFigures = z.object({
  /** Sales (boletas, facturas) in the group. */
  tickets: z.number().int(),
  /** Notas de crédito in the group. */
  returns: z.number().int(),
  /** Units sold minus units returned (product report only; kg with 3 decimals). */
  quantity: z.string().nullable(),
  /** IVA included, returns subtracted; in the payment report, what was collected by that method. */
  total: SignedPesos,
  /** Net of IVA (exempt sales included), returns subtracted. */
  net: SignedPesos.nullable(),
  /** Cost at PPP of what left the shelves, minus what returns put back. */
  cost: SignedPesos.nullable(),
  /** net − cost. */
  margin: SignedPesos.nullable(),
});

export const SalesReportRow = SalesFigures.extend({
  /** The day (`AAAA-MM-DD`), product id, category, user id, `cash`/`card` or store id. */
  key: z.string(),
  /** What the row is called: the day, product name, category, cashier, store; the method's key for payments. */
  label: z.string(),
  /** Product code (product report), else null. */
  detail: z.string().nullable(),
});

export const SalesReport = pageOf(SalesReportRow).extend({ totals: SalesFigures });

export const reportingCommands = {
  'report:sales': command(
    z
      .object({ ...reportQuery, ...PageRequest })
      .strict()
      .superRefine(checkDayRange(MAX_REPORT_DAYS)),
    SalesReport,
  ),
  /** The whole report as CSV for Excel (UTF-8 with BOM, `;` separated, decimal comma). */
  'report:csv': command(
    SalesReportQuery,
    z.object({ filename: z.string(), csv: z.string(), rows: z.number().int() }),
  ),
};
