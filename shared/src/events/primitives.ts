/**
 * The primitives every contract file builds on, defined once so an id, an amount, a RUT or a
 * quantity means the same thing in every event.
 *
 * Money policy: amounts are whole Chilean pesos (CLP has no cents) as JSON numbers, and zod's
 * `int()` already limits them to safe integers, so no amount ever loses precision.
 * - `SignedPesos`: any sign, for figures that may go below zero (totals net of returns, cash
 *   differences, cash rounding).
 * - `Pesos`: zero or more, for amounts the server computes (document totals, taxes, receipts):
 *   a sum of many entries has no smaller sane bound than the safe integer limit.
 * - `EnteredPesos`: zero or more and at most `MAX_ENTERED_PESOS`, for one amount a person types
 *   or picks (a price, a float, a tender, a cash in/out, a discount).
 *
 * Quantities travel as decimal text with up to 10 integer digits and 3 decimals (kilograms to
 * the gram), never as floats.
 */
import { z } from 'zod';
import { normalizeRut } from '../rut.ts';

/** Ids are UUIDs (the POS chooses a sale's, the server everything else). */
export const Uuid = z.string().uuid();

export const SignedPesos = z.number().int();
export const Pesos = SignedPesos.nonnegative();
/** $1.000.000.000: far above any price, float or payment of a store, far below the safe integer limit. */
export const MAX_ENTERED_PESOS = 1_000_000_000;
export const EnteredPesos = Pesos.max(MAX_ENTERED_PESOS);

/** A RUT as typed (`12.345.678-5`), checked and stored canonical (`12345678-5`). */
export const Rut = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const rut = normalizeRut(value);
    if (!rut) ctx.addIssue({ code: 'custom', message: 'RUT no válido' });
    return rut ?? z.NEVER;
  });

const QUANTITY_MESSAGE = 'Cantidad con hasta 3 decimales';
/** Zero or more with up to 3 decimals: `'0'`, `'1'`, `'0.750'` (a minimum, a counted or printed quantity). */
export const QuantityOrZero = z.string().regex(/^\d{1,10}(\.\d{1,3})?$/, QUANTITY_MESSAGE);
/** A positive quantity with up to 3 decimals: `'1'`, `'0.750'`. */
export const Quantity = QuantityOrZero.refine((q) => /[1-9]/.test(q), 'La cantidad debe ser mayor que cero');
/** A non-zero signed quantity with up to 3 decimals (adjustments). */
export const SignedQuantity = z
  .string()
  .regex(/^-?\d{1,10}(\.\d{1,3})?$/, QUANTITY_MESSAGE)
  .refine((q) => /[1-9]/.test(q), 'La cantidad no puede ser cero');

/** An instant with its offset, as `Date.toISOString()` writes it. */
export const Timestamp = z.string().datetime({ offset: true });
