/**
 * Formats a RUT while it is typed: keeps digits and a final K, adds the thousands dots and the
 * hyphen before the check digit. `123456785` → `12.345.678-5`. Validation is separate
 * (`normalizeRut` in @erp/shared): this only shapes the text.
 */
export function formatRutInput(text: string): string {
  const chars = text.toUpperCase().replace(/[^0-9K]/g, '');
  // K is only valid as the check digit: drop any K before the last character.
  const cleaned = (chars.slice(0, -1).replace(/K/g, '') + chars.slice(-1)).slice(0, 9);
  if (cleaned.length <= 1) return cleaned;
  const body = cleaned.slice(0, -1);
  const dv = cleaned.slice(-1);
  return `${body.replace(/\B(?=(\d{3})+(?!\d))/g, '.')}-${dv}`;
}
