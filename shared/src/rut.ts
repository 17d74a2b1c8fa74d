/**
 * Chilean RUT helpers. A RUT is a body of digits plus a módulo-11 check digit (0-9 or K).
 * The canonical form used in XML and storage is `76192083-9` (no dots, uppercase K);
 * the display form is `76.192.083-9`.
 */

/** Computes the módulo-11 check digit of a RUT body. @example checkDigit(76192083) === '9' */
export function checkDigit(body: number | string): string {
  const digits = String(body);
  let sum = 0;
  let factor = 2;
  for (let i = digits.length - 1; i >= 0; i--) {
    sum += Number(digits[i]) * factor;
    factor = factor === 7 ? 2 : factor + 1;
  }
  const r = 11 - (sum % 11);
  if (r === 11) return '0';
  if (r === 10) return 'K';
  return String(r);
}

/**
 * Parses a RUT typed by a person (`12.345.678-5`, `12345678-5`, `123456785`, lowercase k)
 * into its canonical form, or returns null when it is malformed or the check digit is wrong.
 */
export function normalizeRut(input: string): string | null {
  const cleaned = input.replace(/[.\s]/g, '').toUpperCase();
  const match = /^(\d{1,8})-?([\dK])$/.exec(cleaned);
  if (!match) return null;
  const body = match[1]!.replace(/^0+/, '');
  if (body === '') return null;
  const dv = match[2]!;
  return checkDigit(body) === dv ? `${body}-${dv}` : null;
}

export function isValidRut(input: string): boolean {
  return normalizeRut(input) !== null;
}

/** `76192083-9` → `76.192.083-9`. Throws on an invalid RUT: callers format only validated values. */
export function formatRut(rut: string): string {
  const canonical = normalizeRut(rut);
  if (!canonical) throw new Error(`Invalid RUT: ${rut}`);
  const [body, dv] = canonical.split('-') as [string, string];
  return `${body.replace(/\B(?=(\d{3})+(?!\d))/g, '.')}-${dv}`;
}

/** RUT of the SII itself (envelope receiver) and of the anonymous consumer on boletas. */
export const SII_RUT = '60803000-K';
export const ANONYMOUS_CONSUMER_RUT = '66666666-6';
