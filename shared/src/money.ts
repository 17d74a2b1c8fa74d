/**
 * Money in Chilean pesos. Every amount is an integer number of pesos; there are no cents.
 * Functions here refuse non-integers so a float never slips into a total.
 */

export function assertPesos(value: number, what = 'amount'): number {
  if (!Number.isSafeInteger(value))
    throw new RangeError(`${what} must be an integer number of pesos: ${value}`);
  return value;
}

/** `1990` → `$1.990`, `-500` → `-$500` (es-CL thousands separator). */
export function formatClp(pesos: number): string {
  assertPesos(pesos);
  const sign = pesos < 0 ? '-' : '';
  return `${sign}$${Math.abs(pesos)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, '.')}`;
}

/**
 * Divides an integer by a positive integer and rounds half up (away from zero for positive
 * values), using only integer arithmetic.
 */
export function divRoundHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('denominator must be positive');
  const negative = numerator < 0n;
  const n = negative ? -numerator : numerator;
  const q = (2n * n + denominator) / (2n * denominator);
  return negative ? -q : q;
}

/**
 * Rounds a cash total to a multiple of $10 as Ley 20.956 requires: a last digit of 1 to 5
 * rounds down, 6 to 9 rounds up. Card payments are not rounded.
 * @example roundCash(1995) === 1990; roundCash(1996) === 2000
 */
export function roundCash(pesos: number): number {
  assertPesos(pesos);
  const last = ((pesos % 10) + 10) % 10;
  return last <= 5 ? pesos - last : pesos + (10 - last);
}
