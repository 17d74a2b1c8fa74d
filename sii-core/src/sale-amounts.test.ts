import { type DteType, divRoundHalfUp } from '@erp/shared';
import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { creditNoteAmounts, documentLinePrices, saleTotals, type TillLine } from './sale-amounts.ts';

describe('sale amounts', () => {
  it('turns IVA-included prices into net ones to the same digits decimal arithmetic gives', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000_000 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (price, discount) => {
          expect(documentLinePrices(33, { unitPrice: price, discount, exempt: false })).toEqual({
            unitPrice: new Decimal(price).div('1.19').toDecimalPlaces(6).toString(),
            discountAmount: new Decimal(discount).div('1.19').toDecimalPlaces(0).toNumber(),
          });
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it('keeps IVA-included prices on boletas and on exempt lines', () => {
    expect(documentLinePrices(39, { unitPrice: 1990, discount: 100, exempt: false })).toEqual({
      unitPrice: '1990',
      discountAmount: 100,
    });
    expect(documentLinePrices(33, { unitPrice: 3590, discount: 0, exempt: true })).toEqual({
      unitPrice: '3590',
    });
  });

  it('totals a boleta as the sum of its lines and a factura from its net lines', () => {
    const lines = [{ quantity: '1.000', unitPrice: 2070, discount: 0, exempt: false }];
    expect(saleTotals(39, lines).total).toBe(2070);
    // 2070 / 1.19 = 1739.495798 → net 1739, IVA round(330.41) = 330: the factura totals 2069.
    expect(saleTotals(33, lines)).toMatchObject({ net: 1739, iva: 330, total: 2069 });
  });
});

/** A random till line: unit or weighed quantity, a price, maybe a discount, maybe exempt. */
const tillLine = fc
  .record({
    weighed: fc.boolean(),
    units: fc.integer({ min: 1, max: 12 }),
    grams: fc.integer({ min: 1, max: 4_000 }),
    unitPrice: fc.integer({ min: 1, max: 60_000 }),
    discountPercent: fc.integer({ min: 0, max: 100 }),
    exempt: fc.boolean(),
  })
  .map(({ weighed, units, grams, unitPrice, discountPercent, exempt }): TillLine => {
    const quantity = weighed ? (grams / 1000).toFixed(3) : `${units}.000`;
    const gross = Number(divRoundHalfUp(BigInt(unitPrice) * BigInt(weighed ? grams : units * 1000), 1000n));
    return { quantity, unitPrice, discount: Math.floor((gross * discountPercent) / 100 / 3), exempt };
  });

/** A random sale: its document type (a cart of only exempt goods is a 41 or 34) and lines. */
const sale = fc
  .record({ factura: fc.boolean(), lines: fc.array(tillLine, { minLength: 1, maxLength: 6 }) })
  .map(({ factura, lines }) => {
    const exempt = lines.every((l) => l.exempt);
    const type: DteType = factura ? (exempt ? 34 : 33) : exempt ? 41 : 39;
    return { type, lines, total: saleTotals(type, lines).total };
  });

const thousandths = (quantity: string) => Math.round(Number(quantity) * 1000);
const quantityOf = (milli: number) => (milli / 1000).toFixed(3);

describe('notas de crédito of a sale', () => {
  it('credit exactly the sale total when the whole sale is returned, with the same net and IVA', () => {
    fc.assert(
      fc.property(sale, ({ type, lines, total }) => {
        const note = creditNoteAmounts({
          originalType: type,
          sold: lines.map((l) => ({ ...l, returned: '0' })),
          returning: lines.map((l, index) => ({ index, quantity: l.quantity })),
          creditedBefore: 0,
        });
        expect(note.amounts.totals).toEqual(saleTotals(type, lines));
        expect(note.adjustments).toEqual([]);
        expect(note.grossAmounts).toBe(type === 39);
        expect(note.amounts.totals.total).toBe(total);
      }),
      { numRuns: 500 },
    );
  });

  it('never add up to more than the sale in any sequence of partial returns, and the last takes the remainder', () => {
    const plan = sale.chain((s) =>
      fc.record({
        sale: fc.constant(s),
        // Each line's quantity cut into up to 4 returns (some of them empty).
        cuts: fc.tuple(
          ...s.lines.map((l) =>
            fc.array(fc.integer({ min: 0, max: thousandths(l.quantity) }), { minLength: 3, maxLength: 3 }),
          ),
        ),
      }),
    );
    fc.assert(
      fc.property(plan, ({ sale: { type, lines, total }, cuts }) => {
        const returned = lines.map(() => 0);
        let credited = 0;
        for (let round = 0; round < 4; round++) {
          const returning = lines.flatMap((line, index) => {
            const sold = thousandths(line.quantity);
            const upTo = round === 3 ? sold : [...cuts[index]!].sort((a, b) => a - b)[round]!;
            const quantity = upTo - returned[index]!;
            return quantity > 0 ? [{ index, quantity: quantityOf(quantity) }] : [];
          });
          if (returning.length === 0) continue;
          const note = creditNoteAmounts({
            originalType: type,
            sold: lines.map((l, i) => ({ ...l, returned: quantityOf(returned[i]!) })),
            returning,
            creditedBefore: credited,
          });
          // Each line of the note is what the document says: MontoItem = PrcItem × QtyItem − discount.
          expect(note.amounts.lines.every((l) => l.amount >= 0)).toBe(true);
          expect(note.amounts.totals.total).toBeGreaterThanOrEqual(0);
          credited += note.amounts.totals.total;
          for (const { index, quantity } of returning) returned[index]! += thousandths(quantity);
          expect(credited).toBeLessThanOrEqual(total);
        }
        // A factura's net notes round IVA each: the last lands on the total or, when no net
        // reaches it exactly, one peso below it; IVA-included and exempt amounts land on it.
        if (type === 33) expect(credited).toBeGreaterThanOrEqual(total - 1);
        else expect(credited).toBe(total);
      }),
      { numRuns: 500 },
    );
  });

  it('credits a $11,740 boleta with $11,740, where net prices gave $11,741', () => {
    const lines = [{ quantity: '1.000', unitPrice: 11_740, discount: 0, exempt: false }];
    // The old note: net price 9865.546218, MontoItem 9866, IVA round(1874.54) = 1875.
    expect(saleTotals(61, lines).total).toBe(11_741);
    const note = creditNoteAmounts({
      originalType: 39,
      sold: lines.map((l) => ({ ...l, returned: '0' })),
      returning: [{ index: 0, quantity: '1.000' }],
      creditedBefore: 0,
    });
    expect(note).toMatchObject({
      grossAmounts: true,
      lines: [{ quantity: '1.000', unitPrice: '11740' }],
      amounts: { totals: { net: 9866, iva: 1874, total: 11_740 } },
    });
  });

  it('takes the difference with a global adjustment when earlier notes credited more or less than their share', () => {
    const lines = [
      { quantity: '3.000', unitPrice: 1190, discount: 0, exempt: false },
      { quantity: '1.000', unitPrice: 3590, discount: 0, exempt: true },
    ];
    // The first milk was credited $1,191 by a note of the old code: the rest gets $1 less.
    const rest = creditNoteAmounts({
      originalType: 39,
      sold: [
        { ...lines[0]!, returned: '1.000' },
        { ...lines[1]!, returned: '0' },
      ],
      returning: [
        { index: 0, quantity: '2.000' },
        { index: 1, quantity: '1.000' },
      ],
      creditedBefore: 1191,
    });
    expect(rest.adjustments).toEqual([
      { kind: 'discount', amount: 1, description: 'Ajuste al total de la venta original', exempt: true },
    ]);
    expect(rest.amounts.totals.total).toBe(3 * 1190 + 3590 - 1191);
  });
});
