import { divRoundHalfUp } from '@erp/shared/money';

/** `'1.235'` → 1235n thousandths (grams, or units/1000): quantities are never floats. */
export function toMilli(quantity: string): bigint {
  const [whole = '0', fraction = ''] = quantity.split('.');
  return BigInt(whole) * 1000n + BigInt(fraction.padEnd(3, '0').slice(0, 3));
}

/** 1235n → `'1.235'`, the wire form with 3 decimals. */
export function fromMilli(milli: bigint): string {
  return `${milli / 1000n}.${String(milli % 1000n).padStart(3, '0')}`;
}

/**
 * round(unit price × quantity) in whole pesos, half up, as the server prices a line.
 * @example lineGross(2490, '0.750') === 1868
 */
export function lineGross(unitPrice: number, quantity: string): number {
  return Number(divRoundHalfUp(BigInt(unitPrice) * toMilli(quantity), 1000n));
}

/**
 * What a person typed (`'0,75'`, `'2'`) → wire quantity (`'0.750'`), or null when it is not a
 * positive number with at most 3 decimals.
 */
export function parseQuantity(text: string): string | null {
  const clean = text.trim().replace(',', '.');
  if (!/^\d{1,6}(\.\d{0,3})?$/.test(clean)) return null;
  const milli = toMilli(clean.endsWith('.') ? clean.slice(0, -1) : clean);
  return milli > 0n ? fromMilli(milli) : null;
}

/** For people: `'0.750'` kg → `'0,750 kg'`; `'2.000'` units → `'2'`. */
export function formatQuantity(quantity: string, weighable: boolean): string {
  const milli = toMilli(quantity);
  if (weighable) return `${fromMilli(milli).replace('.', ',')} kg`;
  return milli % 1000n === 0n ? String(milli / 1000n) : fromMilli(milli).replace('.', ',');
}
