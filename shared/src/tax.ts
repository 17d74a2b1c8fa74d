import { assertPesos, divRoundHalfUp } from './money.ts';

/** IVA rate in percent. Kept as an integer so every computation stays in integer arithmetic. */
export const IVA_RATE_PERCENT = 19;

/** IVA on a net amount (facturas): round(net × 0.19), half up. */
export function ivaFromNet(net: number): number {
  assertPesos(net, 'net');
  return Number(divRoundHalfUp(BigInt(net) * BigInt(IVA_RATE_PERCENT), 100n));
}

/**
 * Splits an IVA-included amount (boletas) into net and IVA so that they always add up:
 * net = round(gross / 1.19), IVA = gross − net.
 * @example splitGross(680) → { net: 571, iva: 109 }
 */
export function splitGross(gross: number): { net: number; iva: number } {
  assertPesos(gross, 'gross');
  const net = Number(divRoundHalfUp(BigInt(gross) * 100n, BigInt(100 + IVA_RATE_PERCENT)));
  return { net, iva: gross - net };
}
