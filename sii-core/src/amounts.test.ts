import { type DteDocumentInput, parseDteDocument } from '@erp/shared';
import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeAmounts } from './amounts.ts';
import { testIssuer } from './test-support/fixtures.ts';

const receiver = {
  rut: '60803000-K',
  businessName: 'SII',
  activity: 'Fiscalización',
  address: 'Teatinos 120',
  commune: 'Santiago',
};

function amountsOf(doc: Omit<DteDocumentInput, 'issuer' | 'issueDate'>) {
  const parsed = parseDteDocument({ issueDate: '2025-06-04', issuer: testIssuer(), receiver, ...doc });
  if (!parsed.ok) throw new Error(parsed.issues.join('; '));
  return computeAmounts(parsed.data);
}

describe('factura (net prices)', () => {
  it('rounds each line half up, applies line and global discounts and IVA = round(net × 0.19)', () => {
    const { lines, totals } = amountsOf({
      type: 33,
      lines: [
        { name: 'Pan', quantity: '1.235', unitPrice: '1990' }, // 2457.65 → 2458
        { name: 'Bebida', quantity: 3, unitPrice: '1290.5', discountPercent: '10' }, // 3871.5 → 3872 − 387 = 3485
        { name: 'Huevos', quantity: 1, unitPrice: 3500, exempt: true, discountAmount: 100 }, // 3400 exento
      ],
      adjustments: [{ kind: 'surcharge', amount: 500 }],
    });
    expect(lines.map((l) => [l.gross, l.discount, l.amount])).toEqual([
      [2458, 0, 2458],
      [3872, 387, 3485],
      [3500, 100, 3400],
    ]);
    // net 2458 + 3485 + 500 = 6443; IVA 1224.17 → 1224; total 6443 + 1224 + 3400.
    expect(totals).toEqual({ net: 6443, ivaRate: 19, iva: 1224, exempt: 3400, total: 11067 });
  });

  it('multiplies weighed quantities exactly (1.005 × 100 is 100.5, not 100.49999999999999)', () => {
    expect(1.005 * 100).toBeLessThan(100.5);
    expect(
      amountsOf({ type: 33, lines: [{ name: 'Queso', quantity: '1.005', unitPrice: '100' }] }).lines[0]!
        .amount,
    ).toBe(101);
  });

  it('follows the manual: net 100000 → IVA 19000', () => {
    expect(amountsOf({ type: 33, lines: [{ name: 'x', unitPrice: 100000 }] }).totals).toEqual({
      net: 100000,
      ivaRate: 19,
      iva: 19000,
      total: 119000,
    });
  });

  it('makes 34 wholly exempt', () => {
    const { totals, lines } = amountsOf({
      type: 34,
      lines: [{ name: 'Libro', quantity: 2, unitPrice: 4990 }],
    });
    expect(lines[0]!.exempt).toBe(true);
    expect(totals).toEqual({ exempt: 9980, total: 9980 });
  });

  it('refuses discounts larger than what they apply to', () => {
    expect(() =>
      amountsOf({ type: 33, lines: [{ name: 'x', unitPrice: 100, discountAmount: 101 }] }),
    ).toThrow('Línea 1: el descuento supera el monto de la línea');
    expect(() =>
      amountsOf({
        type: 33,
        lines: [{ name: 'x', unitPrice: 100 }],
        adjustments: [{ kind: 'discount', amount: 101 }],
      }),
    ).toThrow('Los descuentos globales superan el monto afecto del documento');
  });
});

describe('boleta (IVA-included prices)', () => {
  it('splits the gross total: net = round(total / 1.19), IVA = total − net (680 → 571 + 109)', () => {
    expect(amountsOf({ type: 39, lines: [{ name: 'Pan', unitPrice: 680 }] }).totals).toEqual({
      net: 571,
      ivaRate: 19,
      iva: 109,
      total: 680,
    });
  });

  it('keeps exempt amounts out of the IVA split and applies global percentage discounts', () => {
    const { totals } = amountsOf({
      type: 39,
      lines: [
        { name: 'Pan', quantity: '1.235', unitPrice: '1990' }, // 2458
        { name: 'Bebida', quantity: 3, unitPrice: '1290.5', discountPercent: '10' }, // 3485
        { name: 'Huevos', unitPrice: 3500, exempt: true, discountAmount: 100 }, // 3400
      ],
      adjustments: [{ kind: 'discount', percent: '5' }], // 5 % of 5943 = 297.15 → 297
    });
    // afecto gross 5646 → net round(4744.54) = 4745, IVA 901.
    expect(totals).toEqual({ net: 4745, ivaRate: 19, iva: 901, exempt: 3400, total: 9046 });
  });

  it('makes 41 wholly exempt', () => {
    expect(amountsOf({ type: 41, lines: [{ name: 'Servicio', unitPrice: 2500 }] }).totals).toEqual({
      exempt: 2500,
      total: 2500,
    });
  });
});

describe('property: totals always satisfy the schema arithmetic', () => {
  const roundHalfUp = (d: Decimal) => d.toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber();
  const decimalText = (scaled: number, places: number) => new Decimal(scaled).div(10 ** places).toFixed();
  const line = fc.record({
    quantity: fc.integer({ min: 1, max: 5_000_000_000 }).map((n) => decimalText(n, 6)),
    unitPrice: fc.integer({ min: 0, max: 2_000_000_000 }).map((n) => decimalText(n, 3)),
    exempt: fc.boolean(),
    discountPercent: fc.option(
      fc.integer({ min: 1, max: 10_000 }).map((n) => decimalText(n, 2)),
      { nil: undefined },
    ),
  });

  it('MontoItem = round(qty × price) − discount; facturas: IVA = round(net × 0.19); boletas: net = round(gross / 1.19); total = net + IVA + exempt', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(33, 39, 56, 61),
        fc.array(line, { minLength: 1, maxLength: 8 }),
        (type, lines) => {
          fc.pre(type !== 33 || lines.some((l) => !l.exempt));
          const doc = {
            type,
            lines: lines.map((l, i) => ({ name: `Item ${i}`, ...l })),
            references: [{ type: 33, folio: 1, date: '2025-06-01' }],
          };
          const { lines: computed, totals } = amountsOf(
            doc as Omit<DteDocumentInput, 'issuer' | 'issueDate'>,
          );
          let afecto = 0;
          let exempt = 0;
          lines.forEach((l, i) => {
            const gross = roundHalfUp(new Decimal(l.quantity).mul(l.unitPrice));
            const discount = l.discountPercent
              ? roundHalfUp(new Decimal(gross).mul(l.discountPercent).div(100))
              : 0;
            expect(computed[i]!.amount).toBe(gross - discount);
            if (l.exempt) exempt += gross - discount;
            else afecto += gross - discount;
          });
          for (const value of [totals.net ?? 0, totals.iva ?? 0, totals.exempt ?? 0, totals.total]) {
            expect(Number.isSafeInteger(value) && value >= 0 && String(value).length <= 18).toBe(true);
          }
          expect(totals.total).toBe((totals.net ?? 0) + (totals.iva ?? 0) + (totals.exempt ?? 0));
          expect(totals.exempt ?? 0).toBe(exempt);
          if (lines.every((l) => l.exempt)) {
            expect(totals.net).toBeUndefined();
            expect(totals.iva).toBeUndefined();
          } else if (type === 39) {
            expect(totals.net! + totals.iva!).toBe(afecto);
            expect(totals.net).toBe(roundHalfUp(new Decimal(afecto).div('1.19')));
          } else {
            expect(totals.net).toBe(afecto);
            expect(totals.iva).toBe(roundHalfUp(new Decimal(afecto).mul('0.19')));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
