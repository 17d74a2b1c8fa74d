import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { documentLinePrices, saleTotals } from './sale-amounts.ts';

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
