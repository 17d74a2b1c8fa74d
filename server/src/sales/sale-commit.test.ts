import { randomUUID } from 'node:crypto';
import { SaleCommit, type WallStoreSales } from '@erp/shared';
import { verifyTed } from '@erp/sii-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  createTestTenant,
  nextEvent,
  type TestClient,
  type TestServer,
  type TestTenant,
} from '../../test/harness.ts';
import {
  addCaf,
  addProducts,
  addTerminals,
  openTill,
  receiveStock,
  type TestProduct,
  type Till,
} from '../../test/selling.ts';
import { useSellingFixture } from '../../test/selling-fixture.ts';
import { withTenant } from '../platform/orm.ts';
import { PendingEvents } from '../realtime/pending-events.ts';
import { commitSale } from './sales.service.ts';

let server: TestServer;
let tenant: TestTenant;
let products: TestProduct[];
let till: Till;
let wall: TestClient;
const [PAN, LECHE, BEBIDA, HUEVOS] = [0, 1, 2, 3];

type Commit = z.input<typeof SaleCommit>;

function sale(overrides: Partial<Commit> = {}, t: Till = till): Commit {
  return {
    saleId: randomUUID(),
    terminalId: t.terminalId,
    cashSessionId: t.cashSessionId,
    lines: [
      { productId: products[LECHE]!.id, quantity: '2', unitPrice: 1190 },
      { productId: products[PAN]!.id, quantity: '0.455', unitPrice: 2490 },
    ],
    payments: [{ method: 'cash', tendered: 5000 }],
    ...overrides,
  };
}

async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  return withTenant(server.orm, tenant.tenantId, (em) => em.execute<T[]>(sql, params));
}

const shop = useSellingFixture({
  label: 'sale',
  stock: '100000',
  cafs: [
    [39, 1, 5000],
    [33, 1, 100],
    [41, 1, 100],
  ],
});
beforeAll(async () => {
  ({ server, tenant, products, till } = shop);
  wall = await shop.signIn(tenant, tenant.emails.supervisor, { screen: 'wall' });
});

describe('sale:commit', () => {
  it('commits a boleta: exact totals, cash rounding, change, TED, stock, cash session, outbox, live wall', async () => {
    const seen = nextEvent<WallStoreSales>(wall, 'wall:update', 5000);
    const input = sale();
    const result = await till.socket.emitWithAck('sale:commit', input);
    // 2 × 1190 + round(0.455 × 2490 = 1132.95) = 2380 + 1133 = 3513 → cash 3510, change 1490.
    expect(result).toMatchObject({
      ok: true,
      data: {
        docType: 39,
        total: 3513,
        toPay: 3510,
        cashRounding: -3,
        paidCash: 3510,
        change: 1490,
        net: 2952,
        iva: 561,
      },
    });
    if (!result.ok) return;
    expect(verifyTed(result.data.ted)).toEqual({ ok: true });
    expect(result.data.ted).toContain(`<F>${result.data.folio}</F>`);
    expect((await seen)?.tickets[0]).toMatchObject({ folio: result.data.folio, total: 3513 });
    const [stock] = await query<{ quantity: string }>(
      'select quantity from stock_level where warehouse_id = ? and product_id = ?',
      [tenant.stores[0]!.warehouseId, products[PAN]!.id],
    );
    expect(stock!.quantity).toBe('99999.545');
    const outbox = await query<{ topic: string }>('select topic from outbox where key = ? order by topic', [
      `sale-${input.saleId}`,
    ]);
    expect(outbox.map((o) => o.topic)).toEqual(['print.receipt', 'sii.document']);
    // The cashier counts blind: the supervisor reads the cash sales.
    const report = await wall.emitWithAck('cash:report', { sessionId: till.cashSessionId });
    expect(report.ok && report.data.totals.cashSales).toBe(3510);
  });

  it('returns the original result for a repeated sale id, also when sent concurrently', async () => {
    const input = sale();
    const first = await till.socket.emitWithAck('sale:commit', input);
    const again = await till.socket.emitWithAck('sale:commit', input);
    expect(again).toEqual(first);

    const concurrent = sale();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => till.socket.emitWithAck('sale:commit', concurrent)),
    );
    expect(results[0]!.ok).toBe(true);
    for (const r of results) expect(r).toEqual(results[0]);
    const rows = await query<{ n: number }>('select count(*)::int as n from sale where id = ?', [
      concurrent.saleId,
    ]);
    expect(rows[0]!.n).toBe(1);

    const changed = await till.socket.emitWithAck('sale:commit', {
      ...input,
      payments: [{ method: 'cash', tendered: 9000 }],
    });
    expect(changed).toMatchObject({ ok: false, error: { code: 'IDEMPOTENCY_MISMATCH' } });
  });

  it('answers PRICE_CHANGED with the current prices, and commits once the cashier confirms', async () => {
    await withTenant(server.orm, tenant.tenantId, (em) =>
      em.execute('update product set price = 1290 where id = ?', [products[LECHE]!.id]),
    );
    const input = sale();
    const refused = await till.socket.emitWithAck('sale:commit', input);
    expect(refused).toMatchObject({
      ok: false,
      error: {
        code: 'PRICE_CHANGED',
        details: { changes: [{ productId: products[LECHE]!.id, shown: 1190, current: 1290 }] },
      },
    });
    const confirmed = await till.socket.emitWithAck('sale:commit', {
      ...input,
      lines: input.lines.map((l) => (l.productId === products[LECHE]!.id ? { ...l, unitPrice: 1290 } : l)),
    });
    expect(confirmed).toMatchObject({ ok: true, data: { total: 2 * 1290 + 1133 } });
    await withTenant(server.orm, tenant.tenantId, (em) =>
      em.execute('update product set price = 1190 where id = ?', [products[LECHE]!.id]),
    );
  });

  it('pays mixed card and cash, rounding only the cash part', async () => {
    const result = await till.socket.emitWithAck(
      'sale:commit',
      sale({
        payments: [
          { method: 'card', amount: 2000, authorizationCode: '123456' },
          { method: 'cash', tendered: 2000 },
        ],
      }),
    );
    expect(result).toMatchObject({
      ok: true,
      data: { total: 3513, paidCard: 2000, paidCash: 1510, change: 490, toPay: 3510 },
    });
  });

  it('refuses a factura without customer data and issues it with one, with IVA on net prices', async () => {
    const refused = await till.socket.emitWithAck('sale:commit', sale({ docType: 33 }));
    expect(refused).toMatchObject({ ok: false, error: { code: 'CUSTOMER_REQUIRED' } });
    const factura = await till.socket.emitWithAck(
      'sale:commit',
      sale({
        docType: 33,
        lines: [{ productId: products[BEBIDA]!.id, quantity: '10', unitPrice: 1990 }],
        customer: {
          rut: '77.123.456-9',
          razonSocial: 'Comercial Ñuñoa Ltda.',
          giro: 'Almacén',
          address: 'Irarrázaval 100',
          comuna: 'Ñuñoa',
        },
        payments: [{ method: 'card', amount: 19900, authorizationCode: 'A1' }],
      }),
    );
    // 10 × 1990 / 1.19 = 16722.689… net per line → MntNeto 16723, IVA round(16723 × 0.19) = 3177, total 19900.
    expect(factura).toMatchObject({
      ok: true,
      data: { docType: 33, folio: 1, net: 16723, iva: 3177, total: 19900 },
    });
  });

  it('issues a boleta exenta (41) when every line is exempt', async () => {
    const result = await till.socket.emitWithAck(
      'sale:commit',
      sale({ lines: [{ productId: products[HUEVOS]!.id, quantity: '1', unitPrice: 3590 }] }),
    );
    expect(result).toMatchObject({
      ok: true,
      data: { docType: 41, exempt: 3590, net: 0, iva: 0, total: 3590 },
    });
  });

  it('audits the lines voided before paying, with the sale, and streams them to the wall', async () => {
    const audited = nextEvent<{ changes: { kind: string; details: Record<string, unknown> }[] }>(
      wall,
      'audit:logged',
    );
    const input = sale({
      voidedLines: [
        { productId: products[BEBIDA]!.id, name: 'Bebida cola 1,5 L', quantity: '2', unitPrice: 1990 },
      ],
    });
    const result = await till.socket.emitWithAck('sale:commit', input);
    expect(result.ok).toBe(true);
    expect(await audited).toEqual({
      changes: [
        expect.objectContaining({
          kind: 'line_void',
          details: {
            saleId: input.saleId,
            productId: products[BEBIDA]!.id,
            name: 'Bebida cola 1,5 L',
            quantity: '2',
            unitPrice: 1990,
          },
        }),
      ],
    });
    const rows = await query<{ kind: string }>(`select kind from audit_log where details->>'saleId' = ?`, [
      input.saleId,
    ]);
    expect(rows).toEqual([{ kind: 'line_void' }]);
  });

  it("refuses a discount above the cashier's limit", async () => {
    const bebida = (amount: number) =>
      sale({
        lines: [
          {
            productId: products[BEBIDA]!.id,
            quantity: '1',
            unitPrice: 1990,
            discount: { kind: 'amount', amount, reason: 'damaged' },
          },
        ],
      });
    const result = await till.socket.emitWithAck('sale:commit', bebida(500));
    expect(result).toMatchObject({ ok: false, error: { code: 'DISCOUNT_NOT_ALLOWED' } });
    const allowed = await till.socket.emitWithAck('sale:commit', bebida(190));
    expect(allowed).toMatchObject({ ok: true, data: { total: 1800 } });
  });

  it('reads a line discount of 0 from a till of the previous version as no discount', async () => {
    const legacy = await till.socket.emitWithAck(
      'sale:commit',
      sale({ lines: [{ productId: products[BEBIDA]!.id, quantity: '1', unitPrice: 1990, discount: 0 }] }),
    );
    expect(legacy).toMatchObject({ ok: true, data: { total: 1990, discounts: [] } });
  });

  it('does not leave a folio gap when the transaction fails after taking one', async () => {
    const before = await query<{ max: number }>(
      'select max(folio)::int as max from sale where doc_type = 39',
    );
    const failing = withTenant(server.orm, tenant.tenantId, async (em) => {
      const result = await commitSale(
        em,
        server.secrets,
        {
          tenantId: tenant.tenantId,
          userId: tenant.users[tenant.emails.cashier]!,
          role: 'cashier',
          storeId: tenant.stores[0]!.id,
        },
        SaleCommit.parse(sale()),
        new PendingEvents(),
      );
      expect(result.folio).toBe(before[0]!.max + 1);
      throw new Error('crash after the folio was taken');
    });
    await expect(failing).rejects.toThrow('crash after the folio');
    const next = await till.socket.emitWithAck('sale:commit', sale());
    expect(next.ok && next.data.folio).toBe(before[0]!.max + 1);
  });

  it("refuses a product this tenant does not have (another tenant's id) without keeping the sale id", async () => {
    const other = await createTestTenant(server, 'other');
    const [foreign] = await addProducts(server, other);
    const attempt = sale({ lines: [{ productId: foreign!.id, quantity: '1', unitPrice: foreign!.price }] });
    const refused = await till.socket.emitWithAck('sale:commit', attempt);
    expect(refused).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    // The claim rolled back with the refusal: the same id can still be used for a real sale.
    const retried = await till.socket.emitWithAck('sale:commit', { ...sale(), saleId: attempt.saleId });
    expect(retried).toMatchObject({ ok: true, data: { saleId: attempt.saleId } });
  });

  it("refuses a sale on another terminal's cash session, leaving no folio gap and no stock moved", async () => {
    const stock = () =>
      query<{ quantity: string }>(
        'select quantity::text from stock_level where product_id = ? and warehouse_id = ?',
        [products[LECHE]!.id, tenant.stores[0]!.warehouseId],
      );
    const [before] = await query<{ max: number }>(
      'select max(folio)::int as max from sale where doc_type = 39',
    );
    const [stockBefore] = await stock();
    // The session is found, but it belongs to another terminal: the check runs with the sale's
    // own rows, after the folio was taken, and must roll everything back.
    const refused = await till.socket.emitWithAck(
      'sale:commit',
      sale({ terminalId: tenant.stores[0]!.terminalIds[1]! }),
    );
    expect(refused).toMatchObject({ ok: false, error: { code: 'CASH_SESSION_REQUIRED' } });
    expect(await stock()).toEqual([stockBefore]);
    const next = await till.socket.emitWithAck('sale:commit', sale());
    expect(next.ok && next.data.folio).toBe(before!.max + 1);
  });
});

describe('many cashiers at once', () => {
  it('gives 1,000 concurrent sales from 10 cashiers gap-free folios and exact stock', async () => {
    const busy = await createTestTenant(server, 'folios');
    const [product] = await addProducts(server, busy, [
      { code: 'AGUA', name: 'Agua mineral 500 ml', price: 790, exempt: false, weighable: false },
    ]);
    await receiveStock(server, busy, busy.stores[0]!.warehouseId, [product!.id], '5000');
    await addCaf(server, busy, 39, 1, 600);
    await addCaf(server, busy, 39, 601, 2000);
    const terminals = await addTerminals(server, busy, 10);
    const tills = await Promise.all(terminals.map((t) => openTill(server, busy, t, busy.emails.cashier)));
    const results = await Promise.all(
      tills.map(async (t) => {
        const folios: number[] = [];
        for (let i = 0; i < 100; i++) {
          const r = await t.socket.emitWithAck('sale:commit', {
            saleId: randomUUID(),
            terminalId: t.terminalId,
            cashSessionId: t.cashSessionId,
            lines: [{ productId: product!.id, quantity: '1', unitPrice: 790 }],
            payments: [{ method: 'cash', tendered: 1000 }],
          });
          if (!r.ok) throw new Error(JSON.stringify(r.error));
          folios.push(r.data.folio);
        }
        return folios;
      }),
    );
    const folios = results.flat().sort((a, b) => a - b);
    expect(folios).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    const [row] = await withTenant(server.orm, busy.tenantId, (em) =>
      em.execute<{ quantity: string; ledger: string; sales: number }[]>(
        `select s.quantity, (select sum(quantity) from stock_movement m where m.product_id = s.product_id) as ledger,
                (select count(*)::int from sale) as sales
           from stock_level s where s.product_id = ?`,
        [product!.id],
      ),
    );
    expect(row).toEqual({ quantity: '4000.000', ledger: '4000.000', sales: 1000 });
    for (const t of tills) t.socket.close();
  }, 120_000);

  it('answers NO_FOLIOS when no CAF is loaded for the type', async () => {
    const empty = await createTestTenant(server, 'nofolio');
    const [product] = await addProducts(server, empty, [
      { code: 'X', name: 'Chicle', price: 100, exempt: false, weighable: false },
    ]);
    const t = await openTill(server, empty, empty.stores[0]!.terminalIds[0]!);
    const r = await t.socket.emitWithAck('sale:commit', {
      saleId: randomUUID(),
      terminalId: t.terminalId,
      cashSessionId: t.cashSessionId,
      lines: [{ productId: product!.id, quantity: '1', unitPrice: 100 }],
      payments: [{ method: 'cash', tendered: 100 }],
    });
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'NO_FOLIOS', message: expect.stringContaining('CAF') },
    });
    t.socket.close();
  });
});
