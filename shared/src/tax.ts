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

/** A boleta above this many UF must identify the buyer (Ley 21.713) [docs/sii-rules.md#boletas-above-135-uf]. */
export const BUYER_ID_THRESHOLD_UF = 135;

/**
 * The UF used while the tenant has not entered one: $38.416,69, the UF of 2024-12-31 that the
 * SII's 2025 threshold of $5.186.253,15 comes from. The UF has only risen since, so this value
 * asks for the buyer at a lower total than the day's UF would: never too late, sometimes early.
 */
export const UF_FALLBACK = { centavos: 3_841_669, date: '2024-12-31' } as const;

/**
 * Whether a boleta of `total` pesos exceeds 135 UF: total > 135 × UF, compared in centavos so
 * no float is involved. `uf` null takes `UF_FALLBACK`.
 */
export function boletaNeedsBuyer(total: number, uf: { centavos: number } | null): boolean {
  assertPesos(total, 'total');
  const centavos = (uf ?? UF_FALLBACK).centavos;
  return BigInt(total) * 100n > BigInt(BUYER_ID_THRESHOLD_UF) * BigInt(centavos);
}

/** The largest boleta total, in pesos, that needs no buyer: floor(135 × UF). */
export function buyerIdThreshold(uf: { centavos: number } | null): number {
  return Math.floor((BUYER_ID_THRESHOLD_UF * (uf ?? UF_FALLBACK).centavos) / 100);
}
