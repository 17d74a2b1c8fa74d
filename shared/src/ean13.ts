/**
 * EAN-13 check digits (GS1 mod 10): weights 1, 3, 1, 3… over the first 12 digits from the
 * left; check = (10 − sum mod 10) mod 10.
 */

/** The check digit for 12 leading digits. @example ean13CheckDigit('211234501500') === 2 */
export function ean13CheckDigit(first12: string): number {
  if (!/^\d{12}$/.test(first12)) throw new RangeError(`EAN-13 body must be 12 digits: ${first12}`);
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(first12[i]) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10;
}

/** Appends the check digit to 12 digits. */
export function withEan13CheckDigit(first12: string): string {
  return `${first12}${ean13CheckDigit(first12)}`;
}

/** True for 13 digits whose last one is the right check digit. */
export function isValidEan13(code: string): boolean {
  return /^\d{13}$/.test(code) && ean13CheckDigit(code.slice(0, 12)) === Number(code[12]);
}
