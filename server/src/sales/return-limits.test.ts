/**
 * A return never gives back more than was sold: repeated lines in one return are refused, and
 * returns of the same sale sent at the same moment are taken one after the other. Its notas de
 * crédito never credit more than the sale's total (a whole return exactly that), discounts on
 * the lines and on the ticket included, and its refunds never give back more than each payment
 * method paid (a whole return exactly that).
 */
import { randomUUID } from 'node:crypto';
import { type DiscountValue, lineDiscount } from '@erp/shared';
import { saleTotals, tillLineAmount } from '@erp/sii-core/sale-amounts';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { type PaymentMethod, paymentPlan } from '../../../client/src/apps/pos/payment-plan.ts';
import { TEST_PIN } from '../../test/harness.ts';
import type { Till } from '../../test/selling.ts';
import { useSellingFixture } from '../../test/selling-fixture.ts';
import { withTenant } from '../platform/orm.ts';

const [PAN, LECHE, BEBIDA, HUEVOS] = [0, 1, 2, 3];
const RANDOM_SALES = 60;
const shop = useSellingFixture({
  label: 'ret-limits',
  stock: '1000',
  cafs: [
    [39, 1, RANDOM_SALES + 50],
    [41, 1, RANDOM_SALES],
    [61, 1, 4 * RANDOM_SALES + 50],
  ],
});
let second: Till;

beforeAll(async () => {
  second = await shop.openTill(shop.tenant.stores[0]!.terminalIds[1]!);
});

async function sellFiveMilks(): Promise<string> {
  const sold = await shop.till.socket.emitWithAck('sale:commit', {
    saleId: randomUUID(),
    terminalId: shop.till.terminalId,
    cashSessionId: shop.till.cashSessionId,
    lines: [{ productId: shop.products[LECHE]!.id, quantity: '5', unitPrice: 1190 }],
    payments: [{ method: 'card', amount: 5950, authorizationCode: 'A1' }],
  });
  if (!sold.ok) throw new Error(JSON.stringify(sold.error));
  return sold.data.saleId;
}

function returnFrom(
  till: Till,
  saleId: string,
  lines: { lineNo: number; quantity: string }[] | undefined,
  refundMethod: 'cash' | 'card' = 'card',
) {
  return till.socket.emitWithAck('sale:return', {
    returnId: randomUUID(),
    terminalId: till.terminalId,
    cashSessionId: till.cashSessionId,
    original: { saleId },
    lines,
    refundMethod,
    reason: 'Devolución',
    approval: { email: shop.tenant.emails.supervisor, pin: TEST_PIN },
  });
}

/** Units of the milk returned against a sale, and the notas de crédito issued for it. */
async function returnedAgainst(saleId: string) {
  return withTenant(shop.server.orm, shop.tenant.tenantId, async (em) => {
    const [row] = await em.execute<{ notes: number; units: string | null }[]>(
      `select count(distinct s.id)::int as notes, sum(l.quantity)::text as units
         from sale s join sale_line l on l.sale_id = s.id where s.original_sale_id = ?`,
      [saleId],
    );
    return row!;
  });
}

it('refuses a return that names the same sold line twice', async () => {
  const saleId = await sellFiveMilks();
  const answer = await returnFrom(shop.till, saleId, [
    { lineNo: 1, quantity: '5' },
    { lineNo: 1, quantity: '5' },
  ]);
  expect(answer).toMatchObject({
    ok: false,
    error: { code: 'VALIDATION', message: 'La línea 1 aparece más de una vez en la devolución.' },
  });
  expect(await returnedAgainst(saleId)).toEqual({ notes: 0, units: null });
});

it('takes two returns of the same sale sent at once one after the other: only one gets the goods back', async () => {
  for (let round = 0; round < 3; round++) {
    const saleId = await sellFiveMilks();
    const answers = await Promise.all([
      returnFrom(shop.till, saleId, [{ lineNo: 1, quantity: '5' }]),
      returnFrom(second, saleId, [{ lineNo: 1, quantity: '5' }]),
    ]);
    expect(answers.filter((a) => a.ok)).toHaveLength(1);
    expect(answers.find((a) => !a.ok)).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', message: expect.stringContaining('quedan 0.000 por devolver') },
    });
    expect(await returnedAgainst(saleId)).toEqual({ notes: 1, units: '5.000' });
  }
});

/**
 * Sells at the first till, with the lines' and the ticket's discounts (given as a price
 * adjustment); `payment` as the POS plans it (card, cash with some change, or both).
 */
async function sell(
  lines: { product: number; quantity: string; unitPrice: number; discount?: DiscountValue }[],
  payment: { method: PaymentMethod; cardShare?: number; extraCash?: number },
  ticket?: DiscountValue,
) {
  const products = shop.products;
  const tillLines = lines.map((l) => ({
    quantity: l.quantity,
    unitPrice: l.unitPrice,
    exempt: products[l.product]!.exempt,
    ...lineDiscount(
      tillLineAmount({ quantity: l.quantity, unitPrice: l.unitPrice, discount: 0 }),
      l.discount,
    ),
  }));
  const type = tillLines.every((l) => l.exempt) ? 41 : 39;
  const total = saleTotals(type, tillLines, ticket && { ...ticket, description: 'Descuento ticket' }).total;
  // A mixed payment leaves at least $10 in cash (less would round to no cash at all).
  const method = payment.method === 'mixed' && total < 20 ? 'card' : payment.method;
  const cardAmount =
    method === 'mixed'
      ? Math.max(1, Math.min(total - 10, Math.floor(total * (payment.cardShare ?? 0.5))))
      : 0;
  const plan = paymentPlan(total, {
    method,
    cardAmount,
    authorizationCode: 'AUT-9',
    tendered: (method === 'card' ? 0 : total - cardAmount + 5) + (payment.extraCash ?? 0),
  });
  const sold = await shop.till.socket.emitWithAck('sale:commit', {
    saleId: randomUUID(),
    terminalId: shop.till.terminalId,
    cashSessionId: shop.till.cashSessionId,
    lines: lines.map((l) => ({
      productId: products[l.product]!.id,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      ...(l.discount ? { discount: { ...l.discount, reason: 'price_adjustment' as const } } : {}),
      priceOverride: l.unitPrice !== products[l.product]!.price,
    })),
    ...(ticket ? { discount: { ...ticket, reason: 'frequent_customer' as const } } : {}),
    payments: plan.payments,
  });
  if (!sold.ok) throw new Error(JSON.stringify({ error: sold.error, lines, plan }));
  expect(sold.data.total).toBe(total);
  return sold.data;
}

describe('what returns credit and refund', () => {
  it('credits and refunds a $11,740 boleta paid by card with exactly $11,740, where the net NC gave $11,741', async () => {
    const sale = await sell([{ product: LECHE, quantity: '1', unitPrice: 11_740 }], { method: 'card' });
    const whole = await returnFrom(shop.till, sale.saleId, undefined, 'card');
    expect(whole).toMatchObject({
      ok: true,
      data: { total: 11_740, net: 9866, iva: 1874, paidCard: -11_740, paidCash: 0, toPay: -11_740 },
    });
  });

  it('refunds each payment method at most what it paid, the last return exactly what is left of each', async () => {
    // 5 × 1190 = 5950: 3000 by card, 2950 in cash (3000 tendered, 50 change).
    const sale = await sell([{ product: LECHE, quantity: '5', unitPrice: 1190 }], {
      method: 'mixed',
      cardShare: 3000 / 5950,
      extraCash: 45,
    });
    expect(sale).toMatchObject({ paidCard: 3000, paidCash: 2950, change: 50 });
    const first = await returnFrom(shop.till, sale.saleId, [{ lineNo: 1, quantity: '2' }], 'card');
    expect(first).toMatchObject({ ok: true, data: { total: 2380, paidCard: -2380, paidCash: 0 } });
    // The card has 620 left: the rest of this 2380 comes back in cash.
    const second = await returnFrom(shop.till, sale.saleId, [{ lineNo: 1, quantity: '2' }], 'card');
    expect(second).toMatchObject({ ok: true, data: { total: 2380, paidCard: -620, paidCash: -1760 } });
    // Chosen card, but only cash is left: the last milk comes back in cash.
    const last = await returnFrom(shop.till, sale.saleId, [{ lineNo: 1, quantity: '1' }], 'card');
    expect(last).toMatchObject({ ok: true, data: { total: 1190, paidCard: 0, paidCash: -1190 } });

    // A sale paid by card comes back to the card even when cash was chosen.
    const byCard = await sell([{ product: BEBIDA, quantity: '2', unitPrice: 1990 }], { method: 'card' });
    expect(await returnFrom(shop.till, byCard.saleId, undefined, 'cash')).toMatchObject({
      ok: true,
      data: { total: 3980, paidCard: -3980, paidCash: 0 },
    });
  });

  it('credits a sale with a 10 % line discount and a $500 ticket discount with what was paid, in two returns', async () => {
    // Milk 3 × 1190 = 3570 and a cola 2 × 1990 = 3980 less 10 % (398): 7152, less $500 = 6652.
    const sale = await sell(
      [
        { product: LECHE, quantity: '3', unitPrice: 1190 },
        { product: BEBIDA, quantity: '2', unitPrice: 1990, discount: { kind: 'percent', percent: '10' } },
      ],
      { method: 'card' },
      { kind: 'amount', amount: 500 },
    );
    expect(sale).toMatchObject({ total: 6652, paidCard: 6652 });
    // The $500 spread over 3570 and 3582: 250 and 250. One cola is half of 3582 − 250 = 1666.
    const found = await shop.till.socket.emitWithAck('sale:find', { original: { saleId: sale.saleId } });
    expect(found).toMatchObject({
      ok: true,
      data: {
        lines: [
          { amount: 3320, discount: 250 },
          { amount: 3332, discount: 648 },
        ],
      },
    });
    const cola = await returnFrom(shop.till, sale.saleId, [{ lineNo: 2, quantity: '1' }], 'card');
    expect(cola).toMatchObject({ ok: true, data: { total: 1666, paidCard: -1666, reference: { code: 3 } } });
    const rest = await returnFrom(
      shop.till,
      sale.saleId,
      [
        { lineNo: 1, quantity: '3' },
        { lineNo: 2, quantity: '1' },
      ],
      'card',
    );
    expect(rest).toMatchObject({ ok: true, data: { total: 6652 - 1666, paidCard: -(6652 - 1666) } });
  });

  it(`keeps the notas de crédito of ${RANDOM_SALES} random sales within their total and the refunds within each payment`, async () => {
    const line = fc.record({
      product: fc.constantFrom(PAN, LECHE, BEBIDA, HUEVOS),
      units: fc.integer({ min: 1, max: 5 }),
      grams: fc.integer({ min: 1, max: 3000 }),
      extra: fc.integer({ min: 0, max: 30_000 }),
      // None, a percentage with decimals, or an amount: all within the cashier's 10 %.
      discount: fc.oneof(
        fc.constant(null),
        fc.integer({ min: 1, max: 1000 }).map((hundredths) => ({ percent: hundredths / 100 })),
        fc.integer({ min: 1, max: 50 }).map((perMille) => ({ perMille })),
      ),
    });
    const cases = fc.sample(
      fc.record({
        lines: fc.array(line, { minLength: 1, maxLength: 4 }),
        payment: fc.record({
          method: fc.constantFrom<PaymentMethod>('cash', 'card', 'mixed'),
          cardShare: fc.double({ min: 0.01, max: 0.99, noNaN: true }),
          extraCash: fc.constantFrom(0, 3, 1000),
        }),
        // A ticket discount on some: a percentage, or an amount of up to 9 % of the ticket.
        ticket: fc.oneof(
          fc.constant(null),
          fc.constantFrom('5', '7.5', '10').map((percent): DiscountValue => ({ kind: 'percent', percent })),
          fc.integer({ min: 1, max: 90 }).map((perMille) => ({ perMille })),
        ),
        whole: fc.boolean(),
        // Up to two partial returns before the last, each a share of every line (0: none of it).
        cuts: fc.array(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 4, maxLength: 4 }), {
          minLength: 0,
          maxLength: 2,
        }),
        preferred: fc.array(fc.constantFrom<'cash' | 'card'>('cash', 'card'), { minLength: 3, maxLength: 3 }),
      }),
      { numRuns: RANDOM_SALES, seed: 61 },
    );
    for (const c of cases) {
      const products = shop.products;
      const lines = c.lines.map((l) => {
        const weighed = products[l.product]!.weighable;
        const quantity = weighed ? (l.grams / 1000).toFixed(3) : `${l.units}.000`;
        const unitPrice = products[l.product]!.price + l.extra;
        const gross = tillLineAmount({ quantity, unitPrice, discount: 0 });
        const pesos =
          l.discount && 'perMille' in l.discount ? Math.floor((gross * l.discount.perMille) / 1000) : 0;
        const discount: DiscountValue | undefined =
          l.discount === null
            ? undefined
            : 'percent' in l.discount
              ? { kind: 'percent', percent: String(l.discount.percent) }
              : pesos > 0
                ? { kind: 'amount', amount: pesos }
                : undefined;
        return { product: l.product, quantity, unitPrice, discount };
      });
      const subtotal = lines.reduce(
        (sum, l) =>
          sum +
          tillLineAmount({
            ...l,
            ...lineDiscount(tillLineAmount({ ...l, discount: 0 }), l.discount),
          }),
        0,
      );
      const ticketPesos =
        c.ticket && 'perMille' in c.ticket ? Math.floor((subtotal * c.ticket.perMille) / 1000) : 0;
      const ticket: DiscountValue | undefined =
        c.ticket === null
          ? undefined
          : 'kind' in c.ticket
            ? c.ticket
            : ticketPesos > 0
              ? { kind: 'amount', amount: ticketPesos }
              : undefined;
      const sale = await sell(lines, c.payment, ticket);
      const credited = { total: 0, cash: 0, card: 0 };
      const take = (answer: Awaited<ReturnType<typeof returnFrom>>) => {
        if (!answer.ok) throw new Error(JSON.stringify({ error: answer.error, c }));
        credited.total += answer.data.total;
        credited.cash -= answer.data.paidCash;
        credited.card -= answer.data.paidCard;
        expect(credited.total).toBeLessThanOrEqual(sale.total);
        expect(credited.cash).toBeLessThanOrEqual(sale.paidCash);
        expect(credited.card).toBeLessThanOrEqual(sale.paidCard);
        return answer.data;
      };
      if (c.whole) {
        const note = take(await returnFrom(shop.till, sale.saleId, undefined, c.preferred[0]));
        expect(note.reference.code).toBe(1);
      } else {
        const milli = lines.map((l) => Math.round(Number(l.quantity) * 1000));
        const returned = milli.map(() => 0);
        for (const [round, cut] of c.cuts.entries()) {
          const partial = lines.flatMap((_, i) => {
            const quantity = Math.floor((milli[i]! - returned[i]!) * cut[i]! * 0.9);
            returned[i]! += quantity;
            return quantity > 0 ? [{ lineNo: i + 1, quantity: (quantity / 1000).toFixed(3) }] : [];
          });
          if (partial.length > 0) take(await returnFrom(shop.till, sale.saleId, partial, c.preferred[round]));
        }
        const rest = lines.flatMap((_, i) =>
          milli[i]! > returned[i]!
            ? [{ lineNo: i + 1, quantity: ((milli[i]! - returned[i]!) / 1000).toFixed(3) }]
            : [],
        );
        take(await returnFrom(shop.till, sale.saleId, rest, c.preferred[2]));
      }
      // Everything came back: the notes credit the boleta's total and each method got back what it paid.
      expect(credited).toEqual({ total: sale.total, cash: sale.paidCash, card: sale.paidCard });
    }
  });
});
