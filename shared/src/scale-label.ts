import { ean13CheckDigit } from './ean13.ts';
import { assertPesos, divRoundHalfUp } from './money.ts';

/**
 * Weight- and price-embedded EAN-13 labels printed by shop scales (GS1 prefixes 20–29):
 * `prefix + PLU + value + check digit`. The value is grams or whole pesos (CLP has no
 * decimals, so never `NNNDD`). Rules are configured per tenant and tried in order; the first
 * whose prefix matches decides. Used by the POS offline and by the server.
 */
export const SCALE_VALUE_KINDS = ['grams', 'pesos'] as const;
export type ScaleValueKind = (typeof SCALE_VALUE_KINDS)[number];

export interface ScaleLabelRule {
  /** Leading digits that mark the label, within the in-store range 20–29 (e.g. `'20'`). */
  prefix: string;
  pluLength: number;
  valueKind: ScaleValueKind;
  valueLength: number;
}

/** `2x + PLU5 + grams5`, e.g. `2012345015005` = PLU 12345, 1,500 kg. */
export const gramsPreset = (prefix: string): ScaleLabelRule => ({
  prefix,
  pluLength: 5,
  valueKind: 'grams',
  valueLength: 5,
});

/** `2x + PLU5 + pesos5`, e.g. `2312345019905` = PLU 12345, $1.990. */
export const pesosPreset = (prefix: string): ScaleLabelRule => ({
  prefix,
  pluLength: 5,
  valueKind: 'pesos',
  valueLength: 5,
});

/** What a tenant gets until it configures its scales (docs/hardware-protocols.md#scale-labels). */
export const DEFAULT_SCALE_LABEL_RULES: readonly ScaleLabelRule[] = [
  gramsPreset('20'),
  gramsPreset('21'),
  pesosPreset('23'),
  pesosPreset('24'),
];

/** Why a rule cannot describe a 13-digit label; null when it can. */
export function scaleRuleProblem(rule: ScaleLabelRule): string | null {
  if (!/^2\d{0,2}$/.test(rule.prefix)) return 'El prefijo debe empezar con 2 (rango GS1 20–29).';
  if (rule.prefix.length + rule.pluLength + rule.valueLength !== 12)
    return 'Prefijo, PLU y valor deben sumar 12 dígitos (más el dígito verificador).';
  if (rule.pluLength < 1 || rule.valueLength < 1) return 'PLU y valor deben tener al menos un dígito.';
  return null;
}

export type ScaleLabel =
  | { ok: true; rule: ScaleLabelRule; plu: number; valueKind: 'grams'; grams: number }
  | { ok: true; rule: ScaleLabelRule; plu: number; valueKind: 'pesos'; pesos: number };

export type ScaleLabelFailure = 'not_ean13' | 'bad_check_digit' | 'no_rule';

/**
 * Decodes a scale label. The check digit is always validated, so a misread never becomes a
 * wrong weight or price. `no_rule`: a valid EAN-13 that is not a scale label (a normal product).
 */
export function parseScaleLabel(
  barcode: string,
  rules: readonly ScaleLabelRule[] = DEFAULT_SCALE_LABEL_RULES,
): ScaleLabel | { ok: false; reason: ScaleLabelFailure } {
  if (!/^\d{13}$/.test(barcode)) return { ok: false, reason: 'not_ean13' };
  if (ean13CheckDigit(barcode.slice(0, 12)) !== Number(barcode[12])) {
    return { ok: false, reason: 'bad_check_digit' };
  }
  const rule = rules.find((r) => barcode.startsWith(r.prefix));
  if (!rule) return { ok: false, reason: 'no_rule' };
  const pluStart = rule.prefix.length;
  const valueStart = pluStart + rule.pluLength;
  const plu = Number(barcode.slice(pluStart, valueStart));
  const value = Number(barcode.slice(valueStart, valueStart + rule.valueLength));
  return rule.valueKind === 'grams'
    ? { ok: true, rule, plu, valueKind: 'grams', grams: value }
    : { ok: true, rule, plu, valueKind: 'pesos', pesos: value };
}

/** Builds a label (for scales in tests and the demo); throws when PLU or value do not fit. */
export function buildScaleLabel(rule: ScaleLabelRule, plu: number, value: number): string {
  const problem = scaleRuleProblem(rule);
  if (problem) throw new RangeError(problem);
  const pluText = String(plu).padStart(rule.pluLength, '0');
  const valueText = String(value).padStart(rule.valueLength, '0');
  if (pluText.length > rule.pluLength || valueText.length > rule.valueLength || plu < 0 || value < 0) {
    throw new RangeError(`PLU ${plu} or value ${value} does not fit the rule`);
  }
  const body = `${rule.prefix}${pluText}${valueText}`;
  return `${body}${ean13CheckDigit(body)}`;
}

/** Grams as kilograms with 3 decimals, as text: `1500` → `'1.500'` (no float on the way). */
export function gramsToKg(grams: number): string {
  return `${Math.floor(grams / 1000)}.${String(grams % 1000).padStart(3, '0')}`;
}

/**
 * The sale line a label stands for, given the product's price per kg (IVA included): a weight
 * label is charged round(price × kg); a price label charges the printed price and derives the
 * weight from it.
 * @example scaleLabelLine({ …, valueKind: 'grams', grams: 1500 }, 2990) → { quantity: '1.500', amount: 4485 }
 */
export function scaleLabelLine(label: ScaleLabel, pricePerKg: number): { quantity: string; amount: number } {
  assertPesos(pricePerKg, 'price per kg');
  if (label.valueKind === 'grams') {
    const amount = Number(divRoundHalfUp(BigInt(pricePerKg) * BigInt(label.grams), 1000n));
    return { quantity: gramsToKg(label.grams), amount };
  }
  const grams = pricePerKg > 0 ? Number(divRoundHalfUp(BigInt(label.pesos) * 1000n, BigInt(pricePerKg))) : 0;
  return { quantity: gramsToKg(grams), amount: label.pesos };
}
