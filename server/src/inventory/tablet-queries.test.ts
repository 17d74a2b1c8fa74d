/**
 * The reads a stock tablet starts from: the company's warehouses (central included), the
 * products below their minimum, and the counts it can join or still has to apply.
 */
import { beforeAll, expect, it } from 'vitest';
import type { TestClient, TestServer, TestTenant } from '../../test/harness.ts';
import { useTestServer } from '../../test/test-server-fixture.ts';
import { createProducts } from '../catalog/test-products.ts';

let server: TestServer;
let tenant: TestTenant;
let other: TestTenant;
let tablet: TestClient;
let otherTablet: TestClient;
let cashier: TestClient;

async function ok<T>(promise: Promise<{ ok: boolean; data?: T; error?: unknown }>): Promise<T> {
  const result = await promise;
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.data as T;
}

const world = useTestServer(['tabq', 'tabq-o']);
beforeAll(async () => {
  ({
    server,
    tenants: [tenant, other],
  } = world);
  const connect = (t: TestTenant, email: string, screen: string) =>
    world.signIn(t, email, { storeId: t.stores[0]!.id, screen });
  [tablet, otherTablet, cashier] = await Promise.all([
    connect(tenant, tenant.emails.warehouse, 'tablet'),
    connect(other, other.emails.warehouse, 'tablet'),
    connect(tenant, tenant.emails.cashier, 'pos'),
  ]);
});

it('lists every warehouse of the company with its store, the central one last, and none of another company', async () => {
  const list = await ok(tablet.emitWithAck('warehouse:list', {}));
  expect(list).toEqual([
    {
      id: tenant.stores[0]!.warehouseId,
      code: expect.any(String),
      name: expect.any(String),
      storeId: tenant.stores[0]!.id,
      storeName: 'Tienda A',
    },
    {
      id: tenant.stores[1]!.warehouseId,
      code: expect.any(String),
      name: expect.any(String),
      storeId: tenant.stores[1]!.id,
      storeName: 'Tienda B',
    },
    {
      id: tenant.centralWarehouseId,
      code: 'CENTRAL',
      name: 'Bodega central',
      storeId: null,
      storeName: null,
    },
  ]);
  const theirs = await ok(otherTablet.emitWithAck('warehouse:list', {}));
  expect(theirs.map((w) => w.id)).not.toContain(tenant.stores[0]!.warehouseId);
});

it('lists the products below their minimum by name, and drops one once restocked', async () => {
  const warehouseId = tenant.stores[0]!.warehouseId;
  const [yogurt, aceite, arroz] = await createProducts(server.orm, tenant.tenantId, [
    { name: 'Yogur natural' },
    { name: 'Aceite maravilla 1 L' },
    { name: 'Arroz grado 1' },
  ]);
  const { id: supplierId } = await ok(
    tablet.emitWithAck('supplier:save', { rut: '76.123.456-0', name: 'Distribuidora', giro: '' }),
  );
  let folio = 100;
  const receive = (productId: string, quantity: string) =>
    ok(
      tablet.emitWithAck('receipt:create', {
        supplierId,
        warehouseId,
        documentType: 33,
        folio: folio++,
        lines: [{ productId, quantity, unitCost: '400' }],
      }),
    );
  await receive(yogurt!.id, '2');
  await receive(aceite!.id, '20');
  await receive(arroz!.id, '1');
  for (const p of [yogurt!, aceite!, arroz!]) {
    await ok(tablet.emitWithAck('stock:set-minimum', { warehouseId, productId: p.id, minimum: '5' }));
  }

  expect(await ok(tablet.emitWithAck('stock:below-minimum', { warehouseId }))).toEqual([
    { warehouseId, productId: arroz!.id, productName: 'Arroz grado 1', quantity: '1.000', minimum: '5.000' },
    { warehouseId, productId: yogurt!.id, productName: 'Yogur natural', quantity: '2.000', minimum: '5.000' },
  ]);

  await receive(yogurt!.id, '10');
  const after = await ok(tablet.emitWithAck('stock:below-minimum', { warehouseId }));
  expect(after.map((l) => l.productName)).toEqual(['Arroz grado 1']);
  // Another warehouse, and another company, see none of it.
  expect(
    await ok(tablet.emitWithAck('stock:below-minimum', { warehouseId: tenant.stores[1]!.warehouseId })),
  ).toEqual([]);
  expect(await ok(otherTablet.emitWithAck('stock:below-minimum', { warehouseId }))).toEqual([]);
});

it('lists the counts to join or apply, and gives a closed count’s variances', async () => {
  const warehouseId = tenant.stores[0]!.warehouseId;
  expect(await ok(tablet.emitWithAck('count:list', { warehouseId }))).toEqual([]);

  const count = await ok(tablet.emitWithAck('count:start', { warehouseId, fullCount: false }));
  expect(await ok(tablet.emitWithAck('count:list', { warehouseId }))).toEqual([count]);
  const early = await tablet.emitWithAck('count:result', { countId: count.id });
  expect(early).toMatchObject({
    ok: false,
    error: { code: 'CONFLICT', message: 'El conteo sigue abierto.' },
  });

  const [jugo] = await createProducts(server.orm, tenant.tenantId, [
    { name: 'Jugo naranja', barcodes: ['7801000000990'] },
  ]);
  await ok(tablet.emitWithAck('count:scan', { countId: count.id, barcode: '7801000000990', quantity: '3' }));
  const closed = await ok(tablet.emitWithAck('count:close', { countId: count.id }));
  const listed = await ok(tablet.emitWithAck('count:list', { warehouseId }));
  expect(listed).toEqual([{ ...count, status: 'closed' }]);
  expect(await ok(tablet.emitWithAck('count:result', { countId: count.id }))).toEqual(closed);
  expect(closed.lines).toEqual([
    { productId: jugo!.id, expected: '0.000', counted: '3.000', variance: '3.000' },
  ]);

  await ok(tablet.emitWithAck('count:apply', { countId: count.id }));
  expect(await ok(tablet.emitWithAck('count:list', { warehouseId }))).toEqual([]);
  expect(await ok(tablet.emitWithAck('count:result', { countId: count.id }))).toMatchObject({
    status: 'applied',
  });

  // Cashiers do not count; another company does not see the count at all.
  const refused = await cashier.emitWithAck('count:list', { warehouseId });
  expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  const foreign = await otherTablet.emitWithAck('count:result', { countId: count.id });
  expect(foreign).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
});
