import { fromMilli, toMilli } from './quantity.ts';

/** Signed wire quantity → thousandths (stock and corrections may be negative): `'-1.500'` → -1500n. */
export function signedMilli(quantity: string): bigint {
  return quantity.startsWith('-') ? -toMilli(quantity.slice(1)) : toMilli(quantity);
}

/** Thousandths → signed wire quantity: -1500n → `'-1.500'`. */
export function signedText(milli: bigint): string {
  return milli < 0n ? `-${fromMilli(-milli)}` : fromMilli(milli);
}
