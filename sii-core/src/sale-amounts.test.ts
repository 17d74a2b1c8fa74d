import {
  ADDITIONAL_TAX_CODES,
  ADDITIONAL_TAX_PERMILLE,
  type DiscountValue,
  type DteType,
  divRoundHalfUp,
  lineDiscount,
} from '@erp/shared';
import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeAmounts } from './amounts.ts';
import {
  creditNoteAmounts,
  documentLinePrices,
  proportionalShares,
  saleSummary,
  saleTotals,
  type TicketDiscount,
  type TillLine,
  tillLineAmount,
} from './sale-amounts.ts';

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

  it('takes IVA and the additional tax out of a factura price, and leaves a boleta price whole', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000_000 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.constantFrom(...ADDITIONAL_TAX_CODES),
        (price, discount, additionalTax) => {
          const divisor = new Decimal(1.19).plus(
            new Decimal(ADDITIONAL_TAX_PERMILLE[additionalTax]).div(1000),
          );
          expect(
            documentLinePrices(33, { unitPrice: price, discount, exempt: false, additionalTax }),
          ).toEqual({
            unitPrice: new Decimal(price).div(divisor).toDecimalPlaces(6).toString(),
            discountAmount: new Decimal(discount).div(divisor).toDecimalPlaces(0).toNumber(),
            additionalTax,
          });
          expect(
            documentLinePrices(39, { unitPrice: price, discount, exempt: false, additionalTax }),
          ).toEqual({
            unitPrice: String(price),
            discountAmount: discount,
          });
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('totals a factura with additional taxes: each code its rate on its net lines, in the total', () => {
    // A beer at $1.395 (net 1000 × (1 + 19 % + 20,5 %)), a pisco at $15.050 (net 10000 × 1.505)
    // and two sugary drinks at $1.370 (net 1000 × 1.37), with no rounding anywhere.
    const lines: TillLine[] = [
      { quantity: '1', unitPrice: 1395, discount: 0, exempt: false, additionalTax: 26 },
      { quantity: '1', unitPrice: 15050, discount: 0, exempt: false, additionalTax: 24 },
      { quantity: '2', unitPrice: 1370, discount: 0, exempt: false, additionalTax: 271 },
      { quantity: '1', unitPrice: 1190, discount: 0, exempt: false },
    ];
    expect(saleTotals(33, lines)).toEqual({
      net: 14000,
      ivaRate: 19,
      iva: 2660,
      additionalTaxes: [
        { code: 24, rate: '31.5', amount: 3150 },
        { code: 26, rate: '20.5', amount: 205 },
        { code: 271, rate: '18', amount: 360 },
      ],
      total: 20375,
    });
    expect(saleTotals(39, lines)).toEqual({ net: 17122, ivaRate: 19, iva: 3253, total: 20375 });
    // A 10 % ticket discount takes 10 % of every code's base too.
    const discounted = saleSummary(33, lines, { kind: 'percent', percent: '10', description: 'x' });
    expect(discounted.totals.additionalTaxes).toEqual([
      { code: 24, rate: '31.5', amount: 2835 },
      { code: 26, rate: '20.5', amount: 185 }, // 20.5 % of 900 = 184.5
      { code: 271, rate: '18', amount: 324 },
    ]);
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

/** A percentage with up to two decimals, as the till takes it. */
const percent = fc
  .integer({ min: 1, max: 10_000 })
  .map((hundredths) => new Decimal(hundredths).div(100).toString());

/**
 * A random till line: unit or weighed quantity, a price, maybe exempt or with an additional tax,
 * and no discount, one in pesos (up to a third of the line) or one as a percentage, as the till
 * computes them.
 */
const tillLine = fc
  .record({
    weighed: fc.boolean(),
    units: fc.integer({ min: 1, max: 12 }),
    grams: fc.integer({ min: 1, max: 4_000 }),
    unitPrice: fc.integer({ min: 1, max: 60_000 }),
    discount: fc.oneof(
      fc.constant(null),
      fc.integer({ min: 0, max: 100 }).map((share) => ({ share })),
      percent.map((p): DiscountValue => ({ kind: 'percent', percent: p })),
    ),
    exempt: fc.boolean(),
    additionalTax: fc.option(fc.constantFrom(...ADDITIONAL_TAX_CODES), { freq: 3 }),
  })
  .map(({ weighed, units, grams, unitPrice, discount, exempt, additionalTax }): TillLine => {
    const quantity = weighed ? (grams / 1000).toFixed(3) : `${units}.000`;
    const gross = Number(divRoundHalfUp(BigInt(unitPrice) * BigInt(weighed ? grams : units * 1000), 1000n));
    const value: DiscountValue | undefined =
      discount === null
        ? undefined
        : 'share' in discount
          ? { kind: 'amount', amount: Math.floor((gross * discount.share) / 100 / 3) }
          : discount;
    const tax = !exempt && additionalTax !== null ? { additionalTax } : {};
    return { quantity, unitPrice, exempt, ...tax, ...lineDiscount(gross, value) };
  });

/** Maybe a ticket discount: a percentage, or an amount as a share of what the lines come to. */
const ticketOf = (lines: readonly TillLine[]) =>
  fc.oneof(
    fc.constant(undefined),
    percent.map((p): TicketDiscount => ({ kind: 'percent', percent: p, description: 'Descuento ticket' })),
    fc.integer({ min: 0, max: 1000 }).map((perMille): TicketDiscount | undefined => {
      const amount = Math.floor((lines.reduce((sum, l) => sum + tillLineAmount(l), 0) * perMille) / 1000);
      return amount > 0 ? { kind: 'amount', amount, description: 'Descuento ticket' } : undefined;
    }),
  );

/** A random sale: its document type (a cart of only exempt goods is a 41 or 34), lines and ticket discount. */
const sale = fc
  .record({ factura: fc.boolean(), lines: fc.array(tillLine, { minLength: 1, maxLength: 6 }) })
  .chain(({ factura, lines }) => ticketOf(lines).map((ticket) => ({ factura, lines, ticket })))
  .map(({ factura, lines, ticket }) => {
    const exempt = lines.every((l) => l.exempt);
    const type: DteType = factura ? (exempt ? 34 : 33) : exempt ? 41 : 39;
    return { type, lines, ticket, total: saleTotals(type, lines, ticket).total };
  });

describe('discounts at the till', () => {
  it("makes a boleta's DescuentoMonto exactly the till's discount, also from a percentage", () => {
    fc.assert(
      fc.property(tillLine, (line) => {
        const [documented] = computeAmounts({
          type: 39,
          lines: [
            { quantity: line.quantity, exempt: line.exempt || undefined, ...documentLinePrices(39, line) },
          ],
          adjustments: [],
        }).lines;
        expect(documented!.discount).toBe(line.discount);
        expect(documented!.amount).toBe(tillLineAmount(line));
      }),
      { numRuns: 2_000 },
    );
  });

  it('takes 10 % of $1.900 as $190, and rounds half a peso up: 10 % of $1.995 is $200', () => {
    expect(lineDiscount(1900, { kind: 'percent', percent: '10' })).toEqual({
      discount: 190,
      discountPercent: '10',
    });
    expect(lineDiscount(1995, { kind: 'percent', percent: '10' })).toEqual({
      discount: 200,
      discountPercent: '10',
    });
    expect(lineDiscount(1990, { kind: 'percent', percent: '12.5' })).toEqual({
      discount: 249, // 248.75
      discountPercent: '12.5',
    });
    expect(
      documentLinePrices(39, { unitPrice: 1900, discount: 190, discountPercent: '10', exempt: false }),
    ).toEqual({
      unitPrice: '1900',
      discountPercent: '10',
    });
  });

  it('records a ticket discount as global discounts, exactly the amount off a boleta', () => {
    const lines: TillLine[] = [
      { quantity: '3.000', unitPrice: 1190, discount: 0, exempt: false },
      {
        quantity: '1.000',
        unitPrice: 1990,
        ...lineDiscount(1990, { kind: 'percent', percent: '10' }),
        exempt: false,
      },
    ];
    // 3570 + 1990 − 199 = 5361; $500 off it.
    const amount = saleSummary(39, lines, { kind: 'amount', amount: 500, description: 'Descuento ticket' });
    expect(amount).toEqual({
      totals: { net: 4085, ivaRate: 19, iva: 776, total: 4861 },
      ticketDiscount: 500,
      adjustments: [{ kind: 'discount', description: 'Descuento ticket', amount: 500 }],
    });
    // 10 % of 5361 = 536.1 → 536.
    const tenth = saleSummary(39, lines, { kind: 'percent', percent: '10', description: 'Descuento ticket' });
    expect(tenth.ticketDiscount).toBe(536);
    expect(tenth.totals.total).toBe(5361 - 536);
    expect(tenth.adjustments).toEqual([{ kind: 'discount', description: 'Descuento ticket', percent: '10' }]);
  });

  it("gives a factura's afecto lines a net global discount and a mixed ticket one per tax group", () => {
    const lines: TillLine[] = [
      { quantity: '2.000', unitPrice: 1190, discount: 0, exempt: false },
      { quantity: '1.000', unitPrice: 3590, discount: 0, exempt: true },
    ];
    const ticket: TicketDiscount = { kind: 'amount', amount: 595, description: 'Descuento ticket' };
    // 2380 afecto and 3590 exempt: the exempt share is round(595 × 3590 / 5970) = 358, the afecto one 237.
    expect(saleSummary(39, lines, ticket).adjustments).toEqual([
      { kind: 'discount', description: 'Descuento ticket', amount: 237 },
      { kind: 'discount', description: 'Descuento ticket', amount: 358, exempt: true },
    ]);
    // On a factura the afecto share is net: round(237 / 1.19) = 199.
    const factura = saleSummary(33, lines, ticket);
    expect(factura.adjustments).toEqual([
      { kind: 'discount', description: 'Descuento ticket', amount: 199 },
      { kind: 'discount', description: 'Descuento ticket', amount: 358, exempt: true },
    ]);
    expect(factura.ticketDiscount).toBe(saleTotals(33, lines).total - factura.totals.total);
    expect(
      saleSummary(33, lines, { kind: 'percent', percent: '5', description: 'Descuento ticket' }).adjustments,
    ).toEqual([
      { kind: 'discount', description: 'Descuento ticket', percent: '5' },
      { kind: 'discount', description: 'Descuento ticket', percent: '5', exempt: true },
    ]);
  });

  it('takes off at most what the ticket comes to, and never more than the lines of a factura net', () => {
    fc.assert(
      fc.property(sale, ({ type, lines, ticket }) => {
        const summary = saleSummary(type, lines, ticket);
        const before = saleTotals(type, lines).total;
        expect(summary.ticketDiscount).toBe(before - summary.totals.total);
        expect(summary.totals.total).toBeGreaterThanOrEqual(0);
        if (!ticket) {
          expect(summary.adjustments).toEqual([]);
          return;
        }
        if (type === 39 || type === 41) {
          const subtotal = lines.reduce((sum, l) => sum + tillLineAmount(l), 0);
          if (ticket.kind === 'amount') expect(summary.ticketDiscount).toBe(ticket.amount);
          else
            expect(
              Math.abs(summary.ticketDiscount - Math.round((subtotal * Number(ticket.percent)) / 100)),
            ).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: 2_000 },
    );
    // Ten $4 lines net 3.361345 each, MontoItem 3: $40 off is round(40 / 1.19) = 34 net, but
    // the lines come to 30 net, and the factura can only go down to zero.
    const tenLines = Array.from({ length: 10 }, () => ({
      quantity: '1.000',
      unitPrice: 4,
      discount: 0,
      exempt: false,
    }));
    const all = saleSummary(33, tenLines, { kind: 'amount', amount: 40, description: 'Descuento ticket' });
    expect(all.adjustments).toEqual([{ kind: 'discount', description: 'Descuento ticket', amount: 30 }]);
    expect(all.totals.total).toBe(0);
  });

  it('spreads a total over amounts in whole pesos that add up to it, none above its amount', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 1000 }),
        (amounts, perMille) => {
          const sum = amounts.reduce((a, b) => a + b, 0);
          const total = Math.floor((sum * perMille) / 1000);
          const shares = proportionalShares(total, amounts);
          expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
          shares.forEach((share, i) => {
            expect(share).toBeGreaterThanOrEqual(0);
            expect(share).toBeLessThanOrEqual(amounts[i]!);
          });
        },
      ),
      { numRuns: 2_000 },
    );
  });
});

const thousandths = (quantity: string) => Math.round(Number(quantity) * 1000);
const quantityOf = (milli: number) => (milli / 1000).toFixed(3);

describe('notas de crédito of a sale', () => {
  it('credit exactly the sale total when the whole sale is returned, with the same net and IVA', () => {
    fc.assert(
      fc.property(sale, ({ type, lines, ticket, total }) => {
        const note = creditNoteAmounts({
          originalType: type,
          sold: lines.map((l) => ({ ...l, returned: '0' })),
          returning: lines.map((l, index) => ({ index, quantity: l.quantity })),
          creditedBefore: 0,
          ticketDiscount: ticket,
        });
        expect(note.amounts.totals).toEqual(saleTotals(type, lines, ticket));
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
      fc.property(plan, ({ sale: { type, lines, ticket, total }, cuts }) => {
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
            ticketDiscount: ticket,
          });
          // Each line of the note is what the document says: MontoItem = PrcItem × QtyItem − discount.
          expect(note.amounts.lines.every((l) => l.amount >= 0)).toBe(true);
          expect(note.amounts.totals.total).toBeGreaterThanOrEqual(0);
          credited += note.amounts.totals.total;
          for (const { index, quantity } of returning) returned[index]! += thousandths(quantity);
          expect(credited).toBeLessThanOrEqual(total);
        }
        // A factura's net notes round IVA (and each additional tax) each: the last lands on the
        // total or, when no net reaches it exactly, a peso below it per tax it rounds;
        // IVA-included and exempt amounts land on it.
        const taxes = new Set(lines.flatMap((l) => (l.additionalTax ? [l.additionalTax] : []))).size;
        if (type === 33) expect(credited).toBeGreaterThanOrEqual(total - 1 - taxes);
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
