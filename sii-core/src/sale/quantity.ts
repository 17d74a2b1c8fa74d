import { divRoundHalfUp } from '@erp/shared';

/** `"1.235"` → 1235n thousandths: weighed quantities are exact integers of grams or units/1000. */
export function toMilli(quantity: string): bigint {
  const [whole, fraction = ''] = quantity.split('.');
  return BigInt(whole!) * 1000n + BigInt(fraction.padEnd(3, '0'));
}

/** round(unit price × quantity) in whole pesos, half up, with integer arithmetic only. */
export function lineGross(unitPrice: number, quantity: string): number {
  return Number(divRoundHalfUp(BigInt(unitPrice) * toMilli(quantity), 1000n));
}
