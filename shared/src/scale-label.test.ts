import { describe, expect, it } from 'vitest';
import { ean13CheckDigit, isValidEan13 } from './ean13.ts';
import {
  buildScaleLabel,
  DEFAULT_SCALE_LABEL_RULES,
  gramsPreset,
  parseScaleLabel,
  pesosPreset,
  scaleLabelLine,
  scaleRuleProblem,
} from './scale-label.ts';

describe('EAN-13 check digit', () => {
  it.each([
    ['211234501500', 2],
    ['231234501990', 5],
    ['780123456789', 4],
    ['000000000000', 0],
  ])('%s → %i', (body, digit) => {
    expect(ean13CheckDigit(body)).toBe(digit);
    expect(isValidEan13(`${body}${digit}`)).toBe(true);
    expect(isValidEan13(`${body}${(digit + 1) % 10}`)).toBe(false);
  });
});

describe('scale labels', () => {
  it('reads the grams preset: 2x + PLU5 + grams5', () => {
    expect(parseScaleLabel('2112345015002', [gramsPreset('21')])).toEqual({
      ok: true,
      rule: gramsPreset('21'),
      plu: 12345,
      valueKind: 'grams',
      grams: 1500,
    });
  });

  it('reads the pesos preset: 2x + PLU5 + whole pesos5 (never cents)', () => {
    expect(parseScaleLabel('2312345019905')).toMatchObject({
      ok: true,
      plu: 12345,
      valueKind: 'pesos',
      pesos: 1990,
    });
  });

  it('rejects a wrong check digit before reading anything', () => {
    expect(parseScaleLabel('2112345015003')).toEqual({ ok: false, reason: 'bad_check_digit' });
    expect(parseScaleLabel('2312345019900')).toEqual({ ok: false, reason: 'bad_check_digit' });
  });

  it('tells apart codes that are not EAN-13 and EAN-13 outside every rule', () => {
    expect(parseScaleLabel('21123450150')).toEqual({ ok: false, reason: 'not_ean13' });
    expect(parseScaleLabel('7801234567894')).toEqual({ ok: false, reason: 'no_rule' });
    expect(parseScaleLabel('2512345019909', DEFAULT_SCALE_LABEL_RULES)).toEqual({
      ok: false,
      reason: 'no_rule',
    });
  });

  it('follows custom rules in order: PLU4 + value6 under prefix 25', () => {
    const rule = { prefix: '25', pluLength: 4, valueKind: 'grams' as const, valueLength: 6 };
    expect(scaleRuleProblem(rule)).toBeNull();
    const label = buildScaleLabel(rule, 77, 123456);
    expect(label).toBe('2500771234560');
    expect(parseScaleLabel(label, [pesosPreset('24'), rule])).toMatchObject({
      ok: true,
      plu: 77,
      grams: 123456,
    });
  });

  it('refuses rules that do not add up to 12 digits or leave the 20–29 range', () => {
    expect(scaleRuleProblem({ prefix: '21', pluLength: 5, valueKind: 'grams', valueLength: 4 })).toMatch(
      /12/,
    );
    expect(scaleRuleProblem({ prefix: '78', pluLength: 5, valueKind: 'grams', valueLength: 5 })).toMatch(/2/);
  });

  it('turns a label into a sale line with integer pesos', () => {
    const weight = parseScaleLabel('2112345015002');
    const price = parseScaleLabel('2312345019905');
    if (!weight.ok || weight.valueKind !== 'grams' || !price.ok) throw new Error('labels should parse');
    // 1.500 kg at $2.990/kg = $4.485
    expect(scaleLabelLine(weight, 2990)).toEqual({ quantity: '1.500', amount: 4485 });
    // $1.990 at $3.980/kg = 0.500 kg
    expect(scaleLabelLine(price, 3980)).toEqual({ quantity: '0.500', amount: 1990 });
    // 0.333 kg at $1.000/kg = $333 (round half up)
    expect(scaleLabelLine({ ...weight, grams: 333 }, 1000)).toEqual({ quantity: '0.333', amount: 333 });
  });
});
