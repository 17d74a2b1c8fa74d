/**
 * Inventory over real sockets: receipts move stock and PPP in one transaction and the change
 * reaches the store's room only (once per commit), with the PPP only for roles that see costs
 * (a till reads and hears stock without it), low-stock alerts fire once per crossing, and
 * transfers are a send/receive handshake.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { nextEvent, type TestClient, type TestServer, type TestTenant } from '../../test/harness.ts';
import { useTestServer } from '../../test/test-server-fixture.ts';
import { createProducts } from '../catalog/test-products.ts';

let server: TestServer;
let tenant: TestTenant;
let other: TestTenant;
let warehouse: TestClient;
let posA: TestClient;
let posB: TestClient;
let tabletA: TestClient;
let tabletB: TestClient;
let otherTenant: TestClient;
let supplierId: string;
let folio = 1;

async function ok<T>(promise: Promise<{ ok: boolean; data?: T; error?: unknown }>): Promise<T> {
  const result = await promise;
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.data as T;
}

/**
 * Every `event` the socket gets while `work` runs, until `expected` of them came (events trail
 * the acks, more so on a busy machine), and for a short while after, so a surplus one shows.
 */
async function collect<T>(
  socket: TestClient,
  event: string,
  expected: number,
  work: () => Promise<unknown>,
): Promise<T[]> {
  const seen: T[] = [];
  const listener = (payload: T) => seen.push(payload);
  socket.on(event as never, listener as never);
  await work();
  await vi.waitFor(() => expect(seen.length).toBeGreaterThanOrEqual(expected), { timeout: 10_000 });
  await new Promise((r) => setTimeout(r, 300));
  socket.off(event as never, listener as never);
  return seen;
}

const world = useTestServer(['inv', 'inv-o']);
beforeAll(async () => {
  ({
    server,
    tenants: [tenant, other],
  } = world);
  const connect = (t: TestTenant, email: string, store: number, screen: string) =>
    world.signIn(t, email, { storeId: t.stores[store]!.id, screen });
  [warehouse, posA, posB, tabletA, tabletB, otherTenant] = await Promise.all([
    connect(tenant, tenant.emails.warehouse, 0, 'tablet'),
    connect(tenant, tenant.emails.cashier, 0, 'pos'),
    connect(tenant, tenant.emails.cashier2, 1, 'pos'),
    connect(tenant, tenant.emails.supervisor, 0, 'tablet'),
    connect(tenant, tenant.emails.supervisor, 1, 'tablet'),
    connect(other, other.emails.admin, 0, 'pos'),
  ]);
  ({ id: supplierId } = await ok(
    warehouse.emitWithAck('supplier:save', {
      rut: '76.123.456-0',
      name: 'Distribuidora Uno',
      giro: 'Alimentos',
    }),
  ));
});

const receive = (
  warehouseId: string,
  lines: { productId: string; quantity: string; unitCost: string }[],
  by = warehouse,
) =>
  by.emitWithAck('receipt:create', {
    supplierId,
    warehouseId,
    documentType: 33,
    folio: folio++,
    lines,
  });

describe('goods receipts and stock events', () => {
  it("a receipt updates stock and PPP, and only the store's room hears it, once per commit", async () => {
    const [a, b, c] = await createProducts(server.orm, tenant.tenantId, [{}, {}, {}]);
    const warehouseId = tenant.stores[0]!.warehouseId;
    const firstHeard = [nextEvent(posA, 'stock:changed'), nextEvent(warehouse, 'stock:changed')];
    await ok(receive(warehouseId, [{ productId: a!.id, quantity: '8', unitCost: '10' }]));
    await Promise.all(firstHeard);

    const elsewhere = [nextEvent(posB, 'stock:changed', 600), nextEvent(otherTenant, 'stock:changed', 600)];
    let receipt: Awaited<ReturnType<typeof receive>> | undefined;
    let received!: () => void;
    const receiptDone = new Promise<void>((resolve) => (received = resolve));
    const [heard, heardAtTablet] = await Promise.all([
      collect<{ changes: unknown[] }>(posA, 'stock:changed', 1, async () => {
        receipt = await receive(warehouseId, [
          { productId: a!.id, quantity: '4', unitCost: '16' },
          { productId: b!.id, quantity: '2.5', unitCost: '1000.5' },
          { productId: c!.id, quantity: '1', unitCost: '0' },
        ]);
        received();
      }),
      collect<{ changes: unknown[] }>(warehouse, 'stock:changed', 1, () => receiptDone),
    ]);
    expect(receipt).toMatchObject({
      ok: true,
      data: {
        lines: [
          { averageCost: '12.000000', stock: '12.000' },
          { averageCost: '1000.500000' },
          { stock: '1.000' },
        ],
      },
    });
    // The warehouse's tablet hears the new PPP; the till hears the quantities only.
    expect(heardAtTablet).toHaveLength(1);
    expect(heardAtTablet[0]!.changes).toEqual(
      expect.arrayContaining([
        { warehouseId, productId: a!.id, quantity: '12.000', averageCost: '12.000000' },
        { warehouseId, productId: b!.id, quantity: '2.500', averageCost: '1000.500000' },
        { warehouseId, productId: c!.id, quantity: '1.000', averageCost: '0.000000' },
      ]),
    );
    expect(heard).toHaveLength(1);
    expect(heard[0]!.changes).toEqual(
      expect.arrayContaining([
        { warehouseId, productId: a!.id, quantity: '12.000' },
        { warehouseId, productId: b!.id, quantity: '2.500' },
        { warehouseId, productId: c!.id, quantity: '1.000' },
      ]),
    );
    expect(await Promise.all(elsewhere)).toEqual([undefined, undefined]);

    const kardex = await ok(warehouse.emitWithAck('stock:kardex', { warehouseId, productId: a!.id }));
    expect(kardex.map((m) => [m.kind, m.quantity, m.unitCost, m.resultingAverageCost])).toEqual([
      ['receipt', '4.000', '16.000000', '12.000000'],
      ['receipt', '8.000', '10.000000', '10.000000'],
    ]);
    expect(kardex[0]).toMatchObject({
      userId: tenant.users[tenant.emails.warehouse],
      documentType: 'goods_receipt',
    });
    const atTill = await ok(posA.emitWithAck('stock:kardex', { warehouseId, productId: a!.id }));
    expect(atTill.map((m) => [m.kind, m.quantity, m.resultingQuantity])).toEqual([
      ['receipt', '4.000', '12.000'],
      ['receipt', '8.000', '8.000'],
    ]);
    for (const line of atTill) {
      expect(line).not.toHaveProperty('unitCost');
      expect(line).not.toHaveProperty('resultingAverageCost');
    }
  });

  it('a till reads stock without its PPP; a warehouse user reads it with it', async () => {
    const [p] = await createProducts(server.orm, tenant.tenantId, [{}]);
    const warehouseId = tenant.stores[0]!.warehouseId;
    await ok(receive(warehouseId, [{ productId: p!.id, quantity: '3', unitCost: '250' }]));
    const query = { warehouseId, productIds: [p!.id] };
    expect(await ok(posA.emitWithAck('stock:list', query))).toEqual([
      { warehouseId, productId: p!.id, quantity: '3.000', minimum: null },
    ]);
    expect(await ok(warehouse.emitWithAck('stock:list', query))).toEqual([
      { warehouseId, productId: p!.id, quantity: '3.000', averageCost: '250.000000', minimum: null },
    ]);
  });

  it('refuses the same supplier document twice and a cashier receiving goods', async () => {
    const [p] = await createProducts(server.orm, tenant.tenantId, [{}]);
    const line = { productId: p!.id, quantity: '1', unitCost: '1' };
    const input = {
      supplierId,
      warehouseId: tenant.stores[0]!.warehouseId,
      documentType: 52 as const,
      folio: 777,
      lines: [line],
    };
    await ok(warehouse.emitWithAck('receipt:create', input));
    expect(await warehouse.emitWithAck('receipt:create', input)).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
    expect(await posA.emitWithAck('receipt:create', { ...input, folio: 778 })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
  });

  it("alerts the store's tablets once when stock crosses below the minimum", async () => {
    const [p] = await createProducts(server.orm, tenant.tenantId, [{ name: 'Leche Entera 1 L' }]);
    const warehouseId = tenant.stores[0]!.warehouseId;
    await ok(receive(warehouseId, [{ productId: p!.id, quantity: '10', unitCost: '700' }]));
    await ok(warehouse.emitWithAck('stock:set-minimum', { warehouseId, productId: p!.id, minimum: '5' }));
    const adjust = (quantity: string) =>
      ok(warehouse.emitWithAck('stock:adjust', { warehouseId, lines: [{ productId: p!.id, quantity }] }));

    const alerts = await collect<{ changes: { productId: string }[] }>(tabletA, 'stock:low', 2, async () => {
      await adjust('-5'); // 5: not below
      await adjust('-1'); // 4: crosses
      await adjust('-1'); // 3: still below, no second alert
      await adjust('3'); // 6: back above
      await adjust('-2'); // 4: crosses again
    });
    expect(alerts.map((a) => a.changes)).toEqual([
      [
        {
          warehouseId,
          productId: p!.id,
          productName: 'Leche Entera 1 L',
          quantity: '4.000',
          minimum: '5.000',
        },
      ],
      [
        {
          warehouseId,
          productId: p!.id,
          productName: 'Leche Entera 1 L',
          quantity: '4.000',
          minimum: '5.000',
        },
      ],
    ]);
  });
});

describe('transfers', () => {
  it('send takes stock out at its average, receive brings it in and records the difference', async () => {
    const [p] = await createProducts(server.orm, tenant.tenantId, [{}]);
    const from = tenant.stores[0]!.warehouseId;
    const to = tenant.stores[1]!.warehouseId;
    await ok(receive(from, [{ productId: p!.id, quantity: '10', unitCost: '300' }]));
    await ok(receive(to, [{ productId: p!.id, quantity: '10', unitCost: '500' }], tabletB));

    const announced = nextEvent<{ id: string }>(tabletB, 'transfer:sent');
    const sent = await ok(
      warehouse.emitWithAck('transfer:send', {
        fromWarehouseId: from,
        toWarehouseId: to,
        lines: [{ productId: p!.id, quantity: '6' }],
      }),
    );
    expect(sent).toMatchObject({
      status: 'sent',
      lines: [{ quantitySent: '6.000', unitCost: '300.000000', quantityReceived: null }],
    });
    expect((await announced)?.id).toBe(sent.id);
    const pending = await ok(tabletB.emitWithAck('transfer:list', { warehouseId: to }));
    expect(pending.map((t) => t.id)).toContain(sent.id);
    expect(await ok(tabletA.emitWithAck('stock:list', { warehouseId: from, productIds: [p!.id] }))).toEqual([
      { warehouseId: from, productId: p!.id, quantity: '4.000', averageCost: '300.000000', minimum: null },
    ]);

    // The destination's tablet confirms what arrived (store A's worker may not: see store-scope.test.ts).
    const arrived = nextEvent<{ changes: unknown[] }>(tabletB, 'stock:changed');
    const arrivedAtTill = nextEvent<{ changes: unknown[] }>(posB, 'stock:changed');
    const received = await ok(
      tabletB.emitWithAck('transfer:receive', {
        transferId: sent.id,
        lines: [{ productId: p!.id, quantityReceived: '5' }],
      }),
    );
    expect(received).toMatchObject({
      status: 'received',
      lines: [{ quantityReceived: '5.000', difference: '-1.000' }],
    });
    // (10 × 500 + 5 × 300) / 15 = 433.333333
    expect((await arrived)?.changes).toEqual([
      { warehouseId: to, productId: p!.id, quantity: '15.000', averageCost: '433.333333' },
    ]);
    expect((await arrivedAtTill)?.changes).toEqual([
      { warehouseId: to, productId: p!.id, quantity: '15.000' },
    ]);
    expect(await tabletB.emitWithAck('transfer:receive', { transferId: sent.id, lines: [] })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: 'La transferencia ya fue recibida.' },
    });
  });
});
