/**
 * The ledger against real PostgreSQL: worked PPP examples, the ledger/stock invariant for any
 * sequence of movements (fast-check), row locks under concurrent receipts, and the
 * negative-stock policy.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestServer, type TestServer, type TestTenant } from '../../test/harness.ts';
import { createProducts } from '../catalog/index.ts';
import { withTenant } from '../platform/orm.ts';
import { PendingEvents } from '../realtime/pending-events.ts';
import { setInventorySettings } from './inventory.service.ts';
import { applyMovements, type MovementInput } from './stock-ledger.ts';

let server: TestServer;
let tenant: TestTenant;
let warehouseId: string;

beforeAll(async () => {
  server = await startTestServer();
  tenant = await createTestTenant(server, 'ledger');
  warehouseId = tenant.stores[0]!.warehouseId;
});
afterAll(() => server?.close());

const actor = () => ({ userId: tenant.users[tenant.emails.warehouse]!, deviceId: 'test' });

function apply(movements: Omit<MovementInput, 'warehouseId'>[], wh = warehouseId) {
  return withTenant(server.orm, tenant.tenantId, (em) =>
    applyMovements(
      em,
      movements.map((m) => ({ warehouseId: wh, ...m })),
      new PendingEvents(),
      actor(),
    ),
  );
}

async function newProduct(): Promise<string> {
  const [product] = await createProducts(server.orm, tenant.tenantId, [{}]);
  return product!.id;
}

async function level(productId: string) {
  return withTenant(server.orm, tenant.tenantId, async (em) => {
    const [row] = await em.execute<{ quantity: string; average_cost: string }[]>(
      'select quantity::text, average_cost::text from stock_level where warehouse_id = ? and product_id = ?',
      [warehouseId, productId],
    );
    const [sum] = await em.execute<{ total: string; count: string; negative_averages: string }[]>(
      `select coalesce(sum(quantity), 0)::text as total, count(*)::text as count,
              count(*) filter (where resulting_average_cost < 0 or unit_cost < 0)::text as negative_averages
         from stock_movement where warehouse_id = ? and product_id = ?`,
      [warehouseId, productId],
    );
    return {
      ...row!,
      ledgerTotal: sum!.total,
      movements: Number(sum!.count),
      negativeAverages: Number(sum!.negative_averages),
    };
  });
}

describe('applyMovements', () => {
  it('PPP worked example: 8 units at $10 then 4 at $16 give $12; a sale leaves at $12', async () => {
    const productId = await newProduct();
    await apply([{ productId, kind: 'receipt', quantity: '8', unitCost: '10' }]);
    const [receipt] = await apply([{ productId, kind: 'receipt', quantity: '4', unitCost: '16' }]);
    expect(receipt).toMatchObject({ resultingQuantity: '12.000', resultingAverageCost: '12.000000' });
    const [sale] = await apply([{ productId, kind: 'sale', quantity: '-5', documentType: 'sale' }]);
    expect(sale).toMatchObject({
      unitCost: '12.000000',
      resultingQuantity: '7.000',
      resultingAverageCost: '12.000000',
    });
    expect(await level(productId)).toMatchObject({
      quantity: '7.000',
      average_cost: '12.000000',
      ledgerTotal: '7.000',
    });
  });

  it('after selling below zero, the next receipt sets the average to its own cost', async () => {
    const productId = await newProduct();
    await apply([
      { productId, kind: 'receipt', quantity: '2', unitCost: '100' },
      { productId, kind: 'sale', quantity: '-4' },
    ]);
    const [receipt] = await apply([{ productId, kind: 'receipt', quantity: '10', unitCost: '130' }]);
    expect(receipt).toMatchObject({ resultingQuantity: '8.000', resultingAverageCost: '130.000000' });
  });

  it('for any sequence of movements, stock equals the sum of the ledger and no average is negative', async () => {
    const quantity = fc.integer({ min: 1, max: 50_000 }).map((milli) => (milli / 1000).toFixed(3));
    const movement = fc.oneof(
      fc.record({
        kind: fc.constantFrom('receipt' as const, 'transfer_in' as const),
        quantity,
        unitCost: fc.integer({ min: 0, max: 99_999_999 }).map((c) => (c / 100).toFixed(2)),
      }),
      fc.record({
        kind: fc.constantFrom('sale' as const, 'transfer_out' as const),
        quantity: quantity.map((q) => `-${q}`),
      }),
      fc.record({ kind: fc.constant('return' as const), quantity }),
      fc.record({
        kind: fc.constantFrom('adjustment' as const, 'count_adjustment' as const),
        quantity: fc.tuple(quantity, fc.boolean()).map(([q, neg]) => (neg ? `-${q}` : q)),
      }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(movement, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 }),
        async (batches) => {
          const productId = await newProduct();
          for (const batch of batches) await apply(batch.map((m) => ({ productId, ...m })));
          const after = await level(productId);
          expect(after.quantity).toBe(after.ledgerTotal);
          expect(after.movements).toBe(batches.flat().length);
          expect(after.negativeAverages).toBe(0);
          expect(Number(after.average_cost)).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('two concurrent receipts of one product give the serial result (the second waits for the row lock)', async () => {
    const productId = await newProduct();
    await apply([{ productId, kind: 'receipt', quantity: '10', unitCost: '100' }]);
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let firstApplied!: () => void;
    const firstLocked = new Promise<void>((resolve) => {
      firstApplied = resolve;
    });
    const first = withTenant(server.orm, tenant.tenantId, async (em) => {
      const result = await applyMovements(
        em,
        [{ warehouseId, productId, kind: 'receipt', quantity: '10', unitCost: '200' }],
        new PendingEvents(),
        actor(),
      );
      firstApplied();
      await held;
      return result;
    });
    await firstLocked;
    let secondDone = false;
    const second = apply([{ productId, kind: 'receipt', quantity: '30', unitCost: '300' }]).then((r) => {
      secondDone = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 150));
    expect(secondDone).toBe(false);
    release();
    const [[a], [b]] = await Promise.all([first, second]);
    // Serially: 10 @ 100, +10 @ 200 → 20 @ 150, +30 @ 300 → 50 @ 240 (the other order also gives 240).
    expect(a).toMatchObject({ resultingQuantity: '20.000', resultingAverageCost: '150.000000' });
    expect(b).toMatchObject({ resultingQuantity: '50.000', resultingAverageCost: '240.000000' });
    expect(await level(productId)).toMatchObject({ quantity: '50.000', average_cost: '240.000000' });
  });

  it('locks rows in one fixed order, so batches naming products in opposite orders never deadlock', async () => {
    const [a, b, c] = [await newProduct(), await newProduct(), await newProduct()];
    const batch = (ids: string[]) =>
      apply(ids.map((productId) => ({ productId, kind: 'receipt' as const, quantity: '1', unitCost: '10' })));
    await Promise.all(Array.from({ length: 8 }, (_, i) => batch(i % 2 ? [a, b, c] : [c, b, a])));
    for (const id of [a, b, c])
      expect(await level(id)).toMatchObject({ quantity: '8.000', ledgerTotal: '8.000' });
  });

  it('refuses to go below zero when the tenant says so, writing nothing (counts excepted)', async () => {
    const productId = await newProduct();
    const other = await newProduct();
    await apply([
      { productId, kind: 'receipt', quantity: '3', unitCost: '50' },
      { productId: other, kind: 'receipt', quantity: '3', unitCost: '50' },
    ]);
    await withTenant(server.orm, tenant.tenantId, (em) =>
      setInventorySettings(em, { allowNegativeStock: false }),
    );
    try {
      await expect(
        apply([
          { productId: other, kind: 'sale', quantity: '-1' },
          { productId, kind: 'sale', quantity: '-3.001' },
        ]),
      ).rejects.toMatchObject({ code: 'INSUFFICIENT_STOCK', details: { productId, available: '3.000' } });
      expect(await level(productId)).toMatchObject({ quantity: '3.000', movements: 1 });
      expect(await level(other)).toMatchObject({ quantity: '3.000', movements: 1 });
      // A count records what is physically there; the policy never refuses it.
      await apply([{ productId: other, kind: 'count_adjustment', quantity: '-3.5' }]);
      expect(await level(other)).toMatchObject({ quantity: '-0.500', movements: 2 });
    } finally {
      await withTenant(server.orm, tenant.tenantId, (em) =>
        setInventorySettings(em, { allowNegativeStock: true }),
      );
    }
    await apply([{ productId, kind: 'sale', quantity: '-4' }]);
    expect(await level(productId)).toMatchObject({ quantity: '-1.000', ledgerTotal: '-1.000' });
  });

  it('refuses movements whose sign contradicts their kind, and unknown products', async () => {
    const productId = await newProduct();
    await expect(apply([{ productId, kind: 'sale', quantity: '2' }])).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    await expect(apply([{ productId, kind: 'receipt', quantity: '2' }])).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    await expect(
      apply([{ productId: crypto.randomUUID(), kind: 'receipt', quantity: '2', unitCost: '1' }]),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('keeps the ledger append-only', async () => {
    const productId = await newProduct();
    await apply([{ productId, kind: 'receipt', quantity: '1', unitCost: '1' }]);
    await expect(
      withTenant(server.orm, tenant.tenantId, (em) =>
        em.execute('update stock_movement set quantity = 5 where product_id = ?', [productId]),
      ),
    ).rejects.toThrow(/append-only/);
  });
});
