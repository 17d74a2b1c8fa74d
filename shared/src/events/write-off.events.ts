/**
 * Mermas (write-offs): goods a store throws away or loses (expired, damaged, stolen, used by
 * the store itself), recorded one product at a time from the stock tablet or the back office.
 * Each one leaves the warehouse at the product's PPP of that moment through the stock ledger
 * (a `write_off` movement), and the report adds up those ledger values in pesos.
 */
import { z } from 'zod';
import { checkDayRange, IsoDay } from './date-range.ts';
import { command } from './define.ts';
import { PageRequest, pageOf } from './paging.ts';
import { Quantity, Uuid } from './primitives.ts';
import { MAX_REPORT_DAYS } from './reporting.events.ts';

export const WRITE_OFF_REASONS = ['expired', 'damaged', 'theft', 'internal_use'] as const;
export type WriteOffReason = (typeof WRITE_OFF_REASONS)[number];

/** What the screens and the CSV call each reason, in Spanish (Chile). */
export const WRITE_OFF_REASON_LABELS: Readonly<Record<WriteOffReason, string>> = {
  expired: 'Vencido',
  damaged: 'Dañado',
  theft: 'Robo',
  internal_use: 'Consumo interno',
};

/**
 * One merma is a few boxes or kilos at most: anything above this is a slip (a code typed into
 * the quantity), refused before it reaches the ledger.
 */
export const MAX_WRITE_OFF_QUANTITY = 10_000;

export const WRITE_OFF_NOTE_MAX = 200;

export const WriteOffInput = z
  .object({
    /**
     * Chosen by the screen for one attempt: sent again (its answer was lost), the same merma is
     * answered as first recorded instead of being written twice.
     */
    id: Uuid,
    warehouseId: Uuid,
    productId: Uuid,
    /** Units, or kilograms with up to 3 decimals for a weighed product. */
    quantity: Quantity.refine(
      (q) => Number(q) <= MAX_WRITE_OFF_QUANTITY,
      `Una merma es de a lo más ${MAX_WRITE_OFF_QUANTITY.toLocaleString('es-CL')} unidades o kilos`,
    ),
    reason: z.enum(WRITE_OFF_REASONS),
    note: z.string().trim().max(WRITE_OFF_NOTE_MAX).optional(),
  })
  .strict();

/** A recorded merma with the ledger's figures: it left at `unitCost` (the PPP then), worth `value`. */
export const WriteOffView = z.object({
  id: Uuid,
  warehouseId: Uuid,
  productId: Uuid,
  productName: z.string(),
  quantity: z.string(),
  reason: z.enum(WRITE_OFF_REASONS),
  note: z.string().nullable(),
  unitCost: z.string(),
  /** Pesos: round(quantity × PPP), as the report adds it up. */
  value: z.number().int(),
  resultingQuantity: z.string(),
  resultingAverageCost: z.string(),
  at: z.string(),
});

export const writeOffCommands = {
  /**
   * Records a merma: stock leaves at the current PPP, under the company's negative-stock policy.
   * A repeat of an id answers the first merma (IDEMPOTENCY_MISMATCH when its data differ).
   */
  'stock:write-off': command(WriteOffInput, WriteOffView),
};

const reportQuery = { from: IsoDay, to: IsoDay, storeId: Uuid.optional() };

export const WriteOffReportQuery = z.object(reportQuery).strict().superRefine(checkDayRange(MAX_REPORT_DAYS));

/** Pesos and mermas of one reason over the period. */
export const WriteOffReasonTotal = z.object({
  reason: z.enum(WRITE_OFF_REASONS),
  count: z.number().int(),
  value: z.number().int(),
});

/** One product's mermas over the period, its value split by reason (0 where it had none). */
export const WriteOffProductRow = z.object({
  productId: Uuid,
  code: z.string(),
  name: z.string(),
  unit: z.string(),
  /** Units or kg written off, 3 decimals. */
  quantity: z.string(),
  count: z.number().int(),
  byReason: z.record(z.enum(WRITE_OFF_REASONS), z.number().int()),
  value: z.number().int(),
});

export const WriteOffReport = pageOf(WriteOffProductRow).extend({
  /** Every reason, in WRITE_OFF_REASONS order, also those at zero. */
  reasons: z.array(WriteOffReasonTotal),
  totals: z.object({ count: z.number().int(), value: z.number().int() }),
});

export const writeOffReportCommands = {
  /** Mermas of a period (Chile days) by reason and by product (paged, by value), with the grand total. */
  'report:write-offs': command(
    z
      .object({ ...reportQuery, ...PageRequest })
      .strict()
      .superRefine(checkDayRange(MAX_REPORT_DAYS)),
    WriteOffReport,
  ),
  /** The same report whole, as CSV for Excel (like `report:csv`). */
  'report:write-offs-csv': command(
    WriteOffReportQuery,
    z.object({ filename: z.string(), csv: z.string(), rows: z.number().int() }),
  ),
};
