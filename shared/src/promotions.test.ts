import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyPromotions,
  type ChileMoment,
  chileMoment,
  type Promotion,
  type PromotionLine,
  type PromotionRule,
  promotionRuns,
  ruleText,
} from './promotions.ts';

const STORE = 'store-1';
/** Friday 5 December 2025, 12:30 in Chile. */
const NOON: ChileMoment = { date: '2025-12-05', weekday: 5, time: '12:30' };

function promo(id: string, rule: PromotionRule, scope: Partial<Promotion> = {}): Promotion {
  return {
    id,
    name: `Promo ${id}`,
    rule,
    productIds: [],
    categories: ['Bebidas'],
    storeId: null,
    startsOn: '2025-12-01',
    endsOn: '2025-12-31',
    weekdays: [1, 2, 3, 4, 5, 6, 7],
    fromTime: null,
    toTime: null,
    active: true,
    ...scope,
  };
}

const line = (
  productId: string,
  quantity: string,
  unitPrice: number,
  extra: Partial<PromotionLine> = {},
) => ({
  productId,
  category: 'Bebidas',
  quantity,
  unitPrice,
  eligible: true,
  ...extra,
});

const discounts = (lines: PromotionLine[], promotions: Promotion[], moment = NOON) =>
  applyPromotions(lines, promotions, STORE, moment).map((l) => l.discount);

describe('promotion rules', () => {
  it('2x1 and 3x2 make the cheapest of each group free, grouping the dearest together', () => {
    const twoForOne = promo('a', { kind: 'buy_pay', buy: 2, pay: 1 });
    expect(discounts([line('p', '2', 1000)], [twoForOne])).toEqual([1000]);
    expect(discounts([line('p', '3', 1000)], [twoForOne])).toEqual([1000]);
    // 1500, 1200 | 1000, 800 → 1200 and 800 free (a mix of the category).
    expect(
      discounts(
        [line('a', '1', 1000), line('b', '1', 1500), line('c', '1', 800), line('d', '1', 1200)],
        [twoForOne],
      ),
    ).toEqual([0, 0, 800, 1200]);
    const threeForTwo = promo('b', { kind: 'buy_pay', buy: 3, pay: 2 });
    expect(discounts([line('p', '7', 990)], [threeForTwo])).toEqual([1980]);
  });

  it('a pack price spreads the pack discount over its units, and applies only when cheaper', () => {
    const pack = promo('a', { kind: 'pack_price', quantity: 3, price: 2000 });
    // 3 × 990 = 2970 → 2000; 6 units: two packs; 7: the seventh at list price.
    expect(discounts([line('p', '7', 990)], [pack])).toEqual([1940]);
    expect(discounts([line('p', '3', 600)], [pack])).toEqual([0]);
    // Across two products: 1000 + 1000 + 700 = 2700 → 700 off, split by cumulative rounding 259 + 260 + 181.
    const result = applyPromotions([line('a', '2', 1000), line('b', '1', 700)], [pack], STORE, NOON);
    expect(result.map((l) => l.discount)).toEqual([519, 181]);
  });

  it('the second unit at a percentage takes it off the cheaper unit of each pair, rounded half up', () => {
    const second = promo('a', { kind: 'second_unit', percent: '50' });
    expect(discounts([line('p', '2', 1995)], [second])).toEqual([998]);
    expect(discounts([line('p', '5', 1000)], [second])).toEqual([1000]);
  });

  it('a price by quantity applies from its minimum, to every unit dearer than it', () => {
    const six = promo('a', { kind: 'quantity_price', minQuantity: 6, unitPrice: 800 });
    expect(discounts([line('p', '5', 1000)], [six])).toEqual([0]);
    expect(discounts([line('p', '4', 1000), line('q', '2', 700)], [six])).toEqual([800, 0]);
  });

  it('names each promotion on the line and in words', () => {
    const [first] = applyPromotions(
      [line('p', '2', 1000)],
      [promo('a', { kind: 'buy_pay', buy: 2, pay: 1 }, { name: '2x1 bebidas' })],
      STORE,
      NOON,
    );
    expect(first).toEqual({
      discount: 1000,
      promotions: [{ promotionId: 'a', name: '2x1 bebidas', amount: 1000 }],
    });
    expect(ruleText({ kind: 'pack_price', quantity: 3, price: 2000 })).toBe('3 por $2.000');
    expect(ruleText({ kind: 'second_unit', percent: '12.5' })).toBe('2ª unidad 12,5%');
  });
});

describe('which lines and when', () => {
  it('leaves weighed, hand-discounted and out-of-scope lines alone', () => {
    const twoForOne = promo('a', { kind: 'buy_pay', buy: 2, pay: 1 }, { categories: [], productIds: ['p'] });
    expect(
      discounts(
        [
          line('p', '2', 1000, { eligible: false }),
          line('p', '1.500', 1000),
          line('q', '2', 1000),
          line('p', '2.000', 900),
        ],
        [twoForOne],
      ),
    ).toEqual([0, 0, 0, 900]);
  });

  it('runs only within its dates, weekdays, hours and store', () => {
    const p = promo(
      'a',
      { kind: 'buy_pay', buy: 2, pay: 1 },
      { weekdays: [5], fromTime: '09:00', toTime: '13:00' },
    );
    expect(promotionRuns(p, STORE, NOON)).toBe(true);
    expect(promotionRuns(p, STORE, { ...NOON, time: '13:00' })).toBe(false);
    expect(promotionRuns(p, STORE, { ...NOON, time: '08:59' })).toBe(false);
    expect(promotionRuns(p, STORE, { ...NOON, weekday: 6 })).toBe(false);
    expect(promotionRuns(p, STORE, { ...NOON, date: '2026-01-01' })).toBe(false);
    expect(promotionRuns({ ...p, storeId: 'other' }, STORE, NOON)).toBe(false);
    expect(promotionRuns({ ...p, active: false }, STORE, NOON)).toBe(false);
    expect(discounts([line('p', '2', 1000)], [p], { ...NOON, time: '20:00' })).toEqual([0]);
  });

  it('reads the moment in Chile time', () => {
    // 2025-12-06 02:30 UTC is Friday 23:30 in Santiago (UTC−3 in summer).
    expect(chileMoment(new Date('2025-12-06T02:30:00Z'))).toEqual({
      date: '2025-12-05',
      weekday: 5,
      time: '23:30',
    });
    expect(chileMoment(new Date('2025-07-07T12:05:00Z'))).toEqual({
      date: '2025-07-07',
      weekday: 1,
      time: '08:05',
    });
  });
});

describe('overlapping promotions', () => {
  it('gives the units to the promotion worth most, then values the others on what is left', () => {
    const twoForOne = promo('b', { kind: 'buy_pay', buy: 2, pay: 1 });
    const second = promo('a', { kind: 'second_unit', percent: '30' }, { productIds: ['q'], categories: [] });
    // 2x1 on p and q (4 units: 1000 free + 500 free) beats 30 % on q; nothing is left for it.
    const result = applyPromotions(
      [line('p', '2', 1000), line('q', '2', 500)],
      [second, twoForOne],
      STORE,
      NOON,
    );
    expect(result.map((l) => l.promotions.map((p) => p.promotionId))).toEqual([['b'], ['b']]);
    // 3 units: the 2x1 takes the two dearest, the third q is left alone (no pair for 30 %).
    expect(discounts([line('p', '1', 1000), line('q', '2', 500)], [second, twoForOne])).toEqual([0, 500]);
    // 7 units: the 2x1 pairs (1000, 500)(500, 500)(500, 500); the last q has no pair for 30 %.
    const mixed = applyPromotions(
      [line('p', '1', 1000), line('q', '6', 500)],
      [second, twoForOne],
      STORE,
      NOON,
    );
    expect(mixed.map((l) => l.discount)).toEqual([0, 1500]);
  });

  it('never takes more than a line is worth, and is the same whatever the order of the promotions', () => {
    const rule = fc.oneof(
      fc
        .record({
          kind: fc.constant('buy_pay' as const),
          buy: fc.integer({ min: 2, max: 4 }),
          pay: fc.integer({ min: 1, max: 3 }),
        })
        .filter((r) => r.pay < r.buy),
      fc.record({
        kind: fc.constant('pack_price' as const),
        quantity: fc.integer({ min: 2, max: 4 }),
        price: fc.integer({ min: 1, max: 5000 }),
      }),
      fc.record({
        kind: fc.constant('second_unit' as const),
        percent: fc.constantFrom('10', '50', '12.5', '100'),
      }),
      fc.record({
        kind: fc.constant('quantity_price' as const),
        minQuantity: fc.integer({ min: 2, max: 8 }),
        unitPrice: fc.integer({ min: 1, max: 3000 }),
      }),
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            product: fc.integer({ min: 0, max: 4 }),
            quantity: fc.integer({ min: 1, max: 9 }),
            price: fc.integer({ min: 1, max: 5000 }),
            eligible: fc.boolean(),
          }),
          { maxLength: 8 },
        ),
        fc.array(fc.record({ rule, products: fc.subarray(['p0', 'p1', 'p2', 'p3', 'p4']) }), {
          maxLength: 4,
        }),
        (cart, specs) => {
          const lines = cart.map((l) =>
            line(`p${l.product}`, String(l.quantity), l.price, { eligible: l.eligible, category: '' }),
          );
          const promotions = specs.map((s, i) =>
            promo(`id${i}`, s.rule, { productIds: s.products, categories: [] }),
          );
          const result = discounts(lines, promotions);
          lines.forEach((l, i) => {
            expect(result[i]).toBeGreaterThanOrEqual(0);
            expect(result[i]).toBeLessThanOrEqual(l.eligible ? l.unitPrice * Number(l.quantity) : 0);
            expect(Number.isInteger(result[i])).toBe(true);
          });
          expect(discounts(lines, [...promotions].reverse())).toEqual(result);
        },
      ),
      { numRuns: 500 },
    );
  });
});
