import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { discountLabel, discountPesos, discountWithinLimit, percentOf, withinLimit } from './discount.ts';

describe('discounts', () => {
  it('takes a percentage rounded half up once, in integer arithmetic', () => {
    expect(percentOf(1990n, '10')).toBe(199n);
    expect(percentOf(1995n, '10')).toBe(200n); // 199.5
    expect(percentOf(1994n, '10')).toBe(199n); // 199.4
    expect(percentOf(3n, '0.01')).toBe(0n);
    expect(percentOf(123_456_789n, '100')).toBe(123_456_789n);
    expect(discountPesos(5000, { kind: 'amount', amount: 500 })).toBe(500);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000_000 }),
        fc.integer({ min: 1, max: 10_000 }),
        (base, hundredths) => {
          const percent = `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}`;
          // round(base × hundredths / 10000) half up, the exact way.
          const exact = (BigInt(base) * BigInt(hundredths) * 2n + 10_000n) / 20_000n;
          expect(percentOf(BigInt(base), percent)).toBe(exact);
        },
      ),
    );
  });

  it("allows up to what a discount of the role's limit takes, rounded the same way", () => {
    expect(withinLimit(190, 1900, 10)).toBe(true);
    expect(withinLimit(191, 1900, 10)).toBe(false);
    // 10 % of 1995 is 199.5: a 10 % discount takes $200, which a 10 % limit allows.
    expect(withinLimit(200, 1995, 10)).toBe(true);
    expect(withinLimit(201, 1995, 10)).toBe(false);
    // 12.5 % of 1999 is 249.875 → $250.
    expect(withinLimit(250, 1999, 12.5)).toBe(true);
    expect(withinLimit(251, 1999, 12.5)).toBe(false);
    expect(withinLimit(0, 0, 0)).toBe(true);
    expect(withinLimit(1, 1000, 0)).toBe(false);
    // Any percentage up to the limit is within it.
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 1, max: 10_000 }),
        (base, hundredths) => {
          const percent = (hundredths / 100).toFixed(2);
          const taken = discountPesos(base, { kind: 'percent', percent });
          expect(withinLimit(taken, base, hundredths / 100)).toBe(true);
          expect(withinLimit(taken + 1, base, hundredths / 100)).toBe(false);
        },
      ),
    );
  });

  it('takes a percentage within a limit by itself and an amount by its pesos', () => {
    expect(discountWithinLimit({ kind: 'percent', percent: '10' }, 1995, 10)).toBe(true);
    expect(discountWithinLimit({ kind: 'percent', percent: '10.01' }, 1995, 10)).toBe(false);
    expect(discountWithinLimit({ kind: 'percent', percent: '12.5' }, 1, 12.5)).toBe(true);
    expect(discountWithinLimit({ kind: 'amount', amount: 536 }, 5361, 10)).toBe(true);
    expect(discountWithinLimit({ kind: 'amount', amount: 537 }, 5361, 10)).toBe(false);
  });

  it('says what a discount is in a few words', () => {
    expect(discountLabel({ kind: 'percent', percent: '10', reason: 'damaged' })).toBe('10% dañado');
    expect(discountLabel({ kind: 'percent', percent: '12.5', reason: 'frequent_customer' })).toBe(
      '12,5% cliente frecuente',
    );
    expect(discountLabel({ kind: 'amount', amount: 500, reason: 'price_adjustment' })).toBe(
      'ajuste de precio',
    );
    expect(discountLabel({ kind: 'amount', amount: 500, reason: 'other', note: 'envase abollado' })).toBe(
      'envase abollado',
    );
  });
});
