/**
 * Facturas add up at the till: the POS totals a factura with the server's own code
 * (`saleTotals`) and plans the payment as its payment dialog does (`paymentPlan`), and the
 * server accepts every such sale with the same total. Cards never carry cash rounding.
 */
import { roundCash } from '@erp/shared';
import { saleTotals } from '@erp/sii-core/sale-amounts';
import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import { type PaymentMethod, paymentPlan } from '../../../client/src/apps/pos/payment-plan.ts';
import type { TestProduct } from '../../test/selling.ts';
import { addProducts, receiveStock } from '../../test/selling.ts';
import { useSellingFixture } from '../../test/selling-fixture.ts';

const SALES = 200;
const fixture = useSellingFixture({
  label: 'facturas',
  stock: '10',
  cafs: [
    [33, 1, SALES + 10],
    [34, 1, 20],
  ],
});
const CUSTOMER = {
  rut: '77.123.456-9',
  razonSocial: 'Comercial Ñuñoa Ltda.',
  giro: 'Almacén',
  address: 'Irarrázaval 100',
  comuna: 'Ñuñoa',
};

/** Prices that end in every digit, a few exempt and a few weighed products. */
let catalog: TestProduct[];

beforeAll(async () => {
  const prices = fc.sample(fc.integer({ min: 1, max: 250_000 }), { numRuns: 40, seed: 21 });
  catalog = await addProducts(
    fixture.server,
    fixture.tenant,
    prices.map((price, i) => ({
      code: `FAC-${i}`,
      name: `Producto factura ${i}`,
      price,
      exempt: i % 9 === 4,
      weighable: i % 7 === 3,
    })),
  );
  await receiveStock(
    fixture.server,
    fixture.tenant,
    fixture.tenant.stores[0]!.warehouseId,
    catalog.map((p) => p.id),
    '100000',
  );
});

type Payments = ReturnType<typeof paymentPlan>['payments'];

/** Commits a factura for the fixed customer from the cashier's till. */
function commitFactura(
  lines: { productId: string; quantity: string; unitPrice: number }[],
  payments: Payments,
) {
  return fixture.till.socket.emitWithAck('sale:commit', {
    saleId: crypto.randomUUID(),
    terminalId: fixture.till.terminalId,
    cashSessionId: fixture.till.cashSessionId,
    docType: 33,
    customer: CUSTOMER,
    lines,
    payments,
  });
}

const cartArbitrary = fc.array(
  fc.record({
    product: fc.nat({ max: 39 }),
    units: fc.integer({ min: 1, max: 12 }),
    grams: fc.integer({ min: 5, max: 9_999 }),
  }),
  { minLength: 1, maxLength: 6 },
);
const paymentArbitrary = fc.record({
  method: fc.constantFrom<PaymentMethod>('card', 'cash', 'mixed'),
  cardShare: fc.double({ min: 0.01, max: 0.99, noNaN: true }),
  extraCash: fc.constantFrom(0, 0, 1, 7, 500, 10_000),
});

it(`accepts ${SALES} random facturas paid as the POS plans them, with the POS's total`, async () => {
  const carts = fc.sample(fc.tuple(cartArbitrary, paymentArbitrary), { numRuns: SALES, seed: 33 });
  let grossDiffers = 0;
  for (const [cart, pay] of carts) {
    const lines = cart.map(({ product, units, grams }) => {
      const p = catalog[product]!;
      const quantity = p.weighable ? (grams / 1000).toFixed(3) : `${units}.000`;
      return { product: p, quantity };
    });
    const tillLines = lines.map(({ product, quantity }) => ({
      quantity,
      unitPrice: product.price,
      discount: 0,
      exempt: product.exempt,
    }));
    const total = saleTotals(33, tillLines).total;
    if (total !== saleTotals(39, tillLines).total) grossDiffers++;
    // Integer pesos only: the card part of a mixed payment is a whole share of the total.
    const cardAmount =
      pay.method === 'mixed' ? Math.max(1, Math.min(total - 1, Math.floor(total * pay.cardShare))) : 0;
    const cashDue = pay.method === 'card' ? 0 : roundCash(total - cardAmount);
    const plan = paymentPlan(total, {
      method: pay.method === 'mixed' && total < 2 ? 'card' : pay.method,
      cardAmount,
      authorizationCode: 'AUT-1',
      tendered: cashDue + pay.extraCash,
    });
    expect(plan.problem).toBeNull();
    const answer = await fixture.till.socket.emitWithAck('sale:commit', {
      saleId: crypto.randomUUID(),
      terminalId: fixture.till.terminalId,
      cashSessionId: fixture.till.cashSessionId,
      docType: 33,
      customer: CUSTOMER,
      lines: lines.map(({ product, quantity }) => ({
        productId: product.id,
        quantity,
        unitPrice: product.price,
      })),
      payments: plan.payments,
    });
    if (!answer.ok)
      throw new Error(`${JSON.stringify(answer.error)} for ${JSON.stringify({ tillLines, plan })}`);
    expect(answer.data.total).toBe(total);
    expect(answer.data.toPay).toBe(plan.toPay);
    if (plan.cashDue === 0) expect(answer.data.cashRounding).toBe(0);
  }
  // The sample must include facturas whose total is not the sum of their IVA-included lines.
  expect(grossDiffers).toBeGreaterThan(20);
});

it('refuses a card-only payment short of the total instead of rounding it as cash', async () => {
  const product = catalog.find((p) => !p.exempt && !p.weighable)!;
  const total = saleTotals(33, [
    { quantity: '1.000', unitPrice: product.price, discount: 0, exempt: false },
  ]).total;
  const answer = await commitFactura(
    [{ productId: product.id, quantity: '1', unitPrice: product.price }],
    [{ method: 'card', amount: total - 1, authorizationCode: 'AUT-2' }],
  );
  expect(answer).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: 'Falta pagar $1.' } });
});
