/**
 * Exact decimal numbers as scaled bigints (`'1.5'` at scale 6 → `1500000n`). Quantities, unit
 * prices and percentages of tax documents go through these so no binary float ever touches an
 * amount.
 */

const DECIMAL_PATTERN = /^(\d+)(?:\.(\d+))?$/;

/**
 * A JSON number only round-trips through a double when it has at most 15 significant digits;
 * beyond that `String(n)` may differ from what the user typed, so such numbers must be strings.
 */
const MAX_SAFE_SIGNIFICANT_DIGITS = 15;

/**
 * Returns the canonical decimal text of a non-negative number given as a string or a JSON
 * number (`'007.50'` → `'7.5'`, `2` → `'2'`), or null when it is malformed, negative, uses
 * exponent notation or is a number too precise to have survived JSON parsing intact.
 */
export function canonicalDecimal(value: string | number): string | null {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    text = String(value);
    if (text.replace('.', '').replace(/^0+/, '').length > MAX_SAFE_SIGNIFICANT_DIGITS) return null;
  } else {
    text = value.trim();
  }
  const match = DECIMAL_PATTERN.exec(text);
  if (!match) return null;
  const integer = match[1]!.replace(/^0+(?=\d)/, '');
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  return fraction === '' ? integer : `${integer}.${fraction}`;
}

/** Number of digits after the decimal point of a canonical decimal. */
export function fractionDigits(canonical: string): number {
  const dot = canonical.indexOf('.');
  return dot < 0 ? 0 : canonical.length - dot - 1;
}

/** Number of digits before the decimal point of a canonical decimal. */
export function integerDigits(canonical: string): number {
  const dot = canonical.indexOf('.');
  return dot < 0 ? canonical.length : dot;
}

/** `'1.5'`, scale 6 → `1500000n`. Throws when the text has more decimals than the scale. */
export function toScaled(canonical: string, scale: number): bigint {
  const match = DECIMAL_PATTERN.exec(canonical);
  if (!match) throw new RangeError(`Not a decimal: ${canonical}`);
  const fraction = match[2] ?? '';
  if (fraction.length > scale) throw new RangeError(`${canonical} has more than ${scale} decimals`);
  return BigInt(match[1]! + fraction.padEnd(scale, '0'));
}

/** `1500000n`, scale 6 → `'1.5'`: decimals only when significant, as the SII formats ask. */
export function fromScaled(value: bigint, scale: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  const integer = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
  return `${negative ? '-' : ''}${integer}${fraction ? `.${fraction}` : ''}`;
}
