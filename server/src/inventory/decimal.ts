import { Decimal } from 'decimal.js';

/**
 * Exact decimals for quantities and costs, never JavaScript floats. Precision is far above what
 * numeric(20,6) holds, so only the explicit roundings below ever lose digits.
 */
export const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Dec = Decimal;
/** What callers may pass for a decimal: text such as `'1.500'`, an integer or a Dec. */
export type DecimalInput = Decimal.Value;

/** Quantities keep 3 decimals (grams, millilitres), as numeric(14,3). */
export const QUANTITY_DECIMALS = 3;
/** Average costs keep 6 decimals, as numeric(20,6). */
export const COST_DECIMALS = 6;

export const quantityText = (value: Decimal) => value.toFixed(QUANTITY_DECIMALS);
export const costText = (value: Decimal) => value.toFixed(COST_DECIMALS);
