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

/**
 * SII additional taxes a minimarket sells under, by code [FMT-DTE §4]: the ILA on alcoholic
 * drinks (24 licores 31.5 %, 25 vinos and 26 cervezas 20.5 %) and on non-alcoholic drinks (27
 * 10 %, 271 high in sugar 18 %). Rates in tenths of a percent, so the tax stays integer arithmetic.
 */
export const ADDITIONAL_TAX_PERMILLE = { 24: 315, 25: 205, 26: 205, 27: 100, 271: 180 } as const;
export const ADDITIONAL_TAX_CODES = [24, 25, 26, 27, 271] as const;
export type AdditionalTaxCode = (typeof ADDITIONAL_TAX_CODES)[number];

/** How printed documents name each additional tax in the totals (before its rate). */
export const ADDITIONAL_TAX_LABELS: Readonly<Record<AdditionalTaxCode, string>> = {
  24: 'ILA licores',
  25: 'ILA vinos',
  26: 'ILA cervezas',
  27: 'Imp. bebidas analcohólicas',
  271: 'Imp. bebidas alto en azúcar',
};

/** `ILA licores 31,5%`; a code outside the table is named by its number. */
export function additionalTaxLabel(code: number | string, rate?: string): string {
  const name = ADDITIONAL_TAX_LABELS[Number(code) as AdditionalTaxCode] ?? `Impuesto adicional ${code}`;
  return rate ? `${name} ${rate.replace('.', ',')}%` : name;
}

/** The rate as the documents write it (TasaImp): `31.5`, `10`. */
export function additionalTaxRate(code: AdditionalTaxCode): string {
  const permille = ADDITIONAL_TAX_PERMILLE[code];
  return permille % 10 === 0 ? String(permille / 10) : `${Math.floor(permille / 10)}.${permille % 10}`;
}

/** The additional tax on a net amount: round(net × rate), half up. */
export function additionalTaxOn(net: bigint, code: AdditionalTaxCode): bigint {
  return divRoundHalfUp(net * BigInt(ADDITIONAL_TAX_PERMILLE[code]), 1000n);
}

/**
 * How many net pesos a thousand catalog pesos hold, as a fraction: a catalog price includes IVA
 * and the product's additional tax, so its net is price × 1000 / (1190 + rate‰).
 */
export function grossPerThousandNet(code: AdditionalTaxCode | null | undefined): bigint {
  return BigInt(1000 + IVA_RATE_PERCENT * 10 + (code ? ADDITIONAL_TAX_PERMILLE[code] : 0));
}
