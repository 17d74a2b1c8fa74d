/**
 * A collaborative stock count with two tablets on one warehouse, while the store keeps selling:
 * every scan reaches the other tablet, and the variances compare each product with the stock it
 * had when it was counted.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  connectClient,
  createTestTenant,
  nextEvent,
  startTestServer,
  type TestClient,
  type TestServer,
  type TestTenant,
  tokenFor,
} from '../../test/harness.ts';
import { createProducts } from '../catalog/index.ts';
import { withTenant } from '../platform/orm.ts';
import { PendingEvents } from '../realtime/pending-events.ts';
import { applyMovements } from './stock-ledger.ts';

let server: TestServer;
let tenant: TestTenant;
let tablet1: TestClient;
let tablet2: TestClient;
let storeBTablet: TestClient;

async function ok<T>(promise: Promise<{ ok: boolean; data?: T; error?: unknown }>): Promise<T> {
  const result = await promise;
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.data as T;
}

beforeAll(async () => {
  server = await startTestServer();
  tenant = await createTestTenant(server, 'count');
  const connect = async (email: string, store: number) =>
    connectClient(server.url, tenant.slug, {
      token: await tokenFor(server.url, email),
      storeId: tenant.stores[store]!.id,
      screen: 'tablet',
    });
  [tablet1, tablet2, storeBTablet] = await Promise.all([
    connect(tenant.emails.warehouse, 0),
    connect(tenant.emails.supervisor, 0),
    connect(tenant.emails.supervisor, 1),
  ]);
});
afterAll(async () => {
  for (const socket of [tablet1, tablet2, storeBTablet]) socket?.close();
  await server?.close();
});

/** A sale as the sale commit will record it: a movement in its own transaction. */
const sell = (warehouseId: string, productId: string, quantity: string) =>
  withTenant(server.orm, tenant.tenantId, (em) =>
    applyMovements(
      em,
      [{ warehouseId, productId, kind: 'sale', quantity: `-${quantity}` }],
      new PendingEvents(),
      {
        userId: null,
        deviceId: 'pos-1',
      },
    ),
  );

it('two tablets see each other’s scans; variances and adjustments account for sales during the count', async () => {
  const warehouseId = tenant.stores[0]!.warehouseId;
  const [milk, bread, soap] = await createProducts(server.orm, tenant.tenantId, [
    { name: 'Leche', barcodes: ['7801000000013'] },
    { name: 'Pan de molde', barcodes: ['7801000000020'] },
    { name: 'Jabón', barcodes: ['7801000000037'] },
  ]);
  await withTenant(server.orm, tenant.tenantId, (em) =>
    applyMovements(
      em,
      [milk!, bread!, soap!].map((p) => ({
        warehouseId,
        productId: p.id,
        kind: 'receipt' as const,
        quantity: '10',
        unitCost: '500',
      })),
      new PendingEvents(),
      { userId: null, deviceId: null },
    ),
  );

  const announced = nextEvent(tablet2, 'count:started');
  const count = await ok(
    tablet1.emitWithAck('count:start', { warehouseId, zones: ['Pasillo 1', 'Pasillo 2'] }),
  );
  expect(await announced).toMatchObject({ id: count.id, status: 'open' });
  await ok(tablet2.emitWithAck('count:join', { countId: count.id }));

  // Before anyone reaches the milk shelf, 2 are sold: the shelf holds 8.
  await sell(warehouseId, milk!.id, '2');

  const seenBy2 = nextEvent<Record<string, unknown>>(tablet2, 'count:scanned');
  const notStoreB = nextEvent(storeBTablet, 'count:scanned', 500);
  await ok(
    tablet1.emitWithAck('count:scan', {
      countId: count.id,
      barcode: '7801000000013',
      quantity: '5',
      zone: 'Pasillo 1',
    }),
  );
  expect(await seenBy2).toMatchObject({
    productId: milk!.id,
    productName: 'Leche',
    quantity: '5.000',
    total: '5.000',
    zone: 'Pasillo 1',
    userId: tenant.users[tenant.emails.warehouse],
    userName: 'Bodega',
  });
  // Tablet 1 may still get the echo of its own scan; wait for tablet 2's.
  const seenBy1 = nextEvent<Record<string, unknown>>(
    tablet1,
    'count:scanned',
    10_000,
    (e) => e.userName === 'Supervisor',
  );
  await ok(
    tablet2.emitWithAck('count:scan', {
      countId: count.id,
      barcode: '7801000000013',
      quantity: '2',
      zone: 'Pasillo 2',
    }),
  );
  expect(await seenBy1).toMatchObject({ total: '7.000', userName: 'Supervisor' });
  expect(await notStoreB).toBeUndefined();

  // After the milk was counted (7: one is missing), one more is sold; the shelf holds 6.
  await sell(warehouseId, milk!.id, '1');
  const unknown = nextEvent<Record<string, unknown>>(
    tablet1,
    'count:scanned',
    10_000,
    (e) => e.productId === null,
  );
  await ok(tablet2.emitWithAck('count:scan', { countId: count.id, barcode: '7809999999993' }));
  expect(await unknown).toMatchObject({
    productId: null,
    productName: null,
    barcode: '7809999999993',
    total: '1.000',
  });
  await ok(
    tablet1.emitWithAck('count:scan', { countId: count.id, barcode: '7801000000020', quantity: '10' }),
  );
  // Nobody counts the soap: in a full count that means none is there.

  const state = await ok(tablet1.emitWithAck('count:join', { countId: count.id }));
  expect(state.totals.find((t) => t.productId === milk!.id)).toMatchObject({
    counted: '7.000',
    byUser: expect.arrayContaining([
      { userId: tenant.users[tenant.emails.warehouse], userName: 'Bodega', counted: '5.000' },
      { userId: tenant.users[tenant.emails.supervisor], userName: 'Supervisor', counted: '2.000' },
    ]),
  });
  expect(state.totals.find((t) => t.productId === null)).toMatchObject({
    barcode: '7809999999993',
    counted: '1.000',
  });

  const closedHeard = nextEvent(tablet2, 'count:closed');
  const closed = await ok(tablet1.emitWithAck('count:close', { countId: count.id }));
  expect(await closedHeard).toMatchObject({ id: count.id, status: 'closed' });
  const line = (id: string) => closed.lines.find((l) => l.productId === id);
  expect(line(milk!.id)).toEqual({
    productId: milk!.id,
    expected: '8.000',
    counted: '7.000',
    variance: '-1.000',
  });
  expect(line(bread!.id)).toEqual({
    productId: bread!.id,
    expected: '10.000',
    counted: '10.000',
    variance: '0.000',
  });
  expect(line(soap!.id)).toEqual({
    productId: soap!.id,
    expected: '10.000',
    counted: '0.000',
    variance: '-10.000',
  });
  expect(
    await tablet1.emitWithAck('count:scan', { countId: count.id, barcode: '7801000000013' }),
  ).toMatchObject({
    ok: false,
    error: { code: 'CONFLICT' },
  });

  // A sale between closing and applying changes nothing: variances are deltas.
  await sell(warehouseId, bread!.id, '4');
  await ok(tablet1.emitWithAck('count:apply', { countId: count.id }));
  const stock = await ok(tablet1.emitWithAck('stock:list', { warehouseId }));
  const quantityOf = (id: string) => stock.find((s) => s.productId === id)?.quantity;
  expect([quantityOf(milk!.id), quantityOf(bread!.id), quantityOf(soap!.id)]).toEqual([
    '6.000',
    '6.000',
    '0.000',
  ]);
  const kardex = await ok(tablet1.emitWithAck('stock:kardex', { warehouseId, productId: milk!.id }));
  expect(kardex[0]).toMatchObject({ kind: 'count_adjustment', quantity: '-1.000', documentId: count.id });
  expect(await tablet1.emitWithAck('count:apply', { countId: count.id })).toMatchObject({
    ok: false,
    error: { code: 'CONFLICT' },
  });
});
