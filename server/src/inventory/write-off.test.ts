/**
 * Mermas over real sockets and PostgreSQL: a merma leaves the warehouse at the PPP of that
 * moment through the ledger (stock and value move, the PPP does not, the kardex shows it), live
 * to the store's screens and audited; weighed products take grams, unit products whole units;
 * cashiers, other stores and other companies are refused, and bad input writes nothing. Below
 * zero it follows the company's negative-stock policy, as sales do.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { nextEvent, type TestClient, type TestTenant } from '../../test/harness.ts';
import { useTestServer } from '../../test/test-server-fixture.ts';
import { createProducts } from '../catalog/test-products.ts';

let tenant: TestTenant;
let other: TestTenant;
let bodega: TestClient;
let till: TestClient;
let admin: TestClient;
let otherAdmin: TestClient;
let supplierId: string;
let folio = 1;

type Answer<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

async function ok<T>(promise: Promise<Answer<T>>): Promise<T> {
  const result = await promise;
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.data;
}

const world = useTestServer(['wo', 'wo-o']);
beforeAll(async () => {
  ({
    tenants: [tenant, other],
  } = world);
  const storeA = tenant.stores[0]!.id;
  [bodega, till, admin, otherAdmin] = await Promise.all([
    world.signIn(tenant, tenant.emails.warehouse, { storeId: storeA, screen: 'tablet' }),
    world.signIn(tenant, tenant.emails.cashier, { storeId: storeA, screen: 'pos' }),
    world.signIn(tenant, tenant.emails.admin, { screen: 'backoffice' }),
    world.signIn(other, other.emails.admin, { screen: 'backoffice' }),
  ]);
  ({ id: supplierId } = await ok(
    admin.emitWithAck('supplier:save', { rut: '76.123.456-0', name: 'Distribuidora Uno', giro: 'Alimentos' }),
  ));
});

/** Chile's date today, as the report's days are. */
const today = () => new Date().toLocaleDateString('sv-SE', { timeZone: 'America/Santiago' });

const storeAWarehouse = () => tenant.stores[0]!.warehouseId;

const receive = (productId: string, quantity: string, unitCost: string) =>
  ok(
    admin.emitWithAck('receipt:create', {
      supplierId,
      warehouseId: storeAWarehouse(),
      documentType: 33,
      folio: folio++,
      lines: [{ productId, quantity, unitCost }],
    }),
  );

const writeOff = (
  productId: string,
  quantity: string,
  reason: 'expired' | 'damaged' | 'theft' | 'internal_use' = 'expired',
  by = bodega,
  warehouseId = storeAWarehouse(),
) => by.emitWithAck('stock:write-off', { id: randomUUID(), warehouseId, productId, quantity, reason });

const level = async (productId: string) =>
  (
    await ok(bodega.emitWithAck('stock:list', { warehouseId: storeAWarehouse(), productIds: [productId] }))
  )[0];

const kardex = (productId: string) =>
  ok(bodega.emitWithAck('stock:kardex', { warehouseId: storeAWarehouse(), productId }));

const warehouseValue = async () =>
  (await ok(admin.emitWithAck('stock:valuation', {}))).warehouses.find(
    (w) => w.warehouseId === storeAWarehouse(),
  )!.value;

describe('stock:write-off', () => {
  it('takes stock out at the PPP of the moment: stock and value move, PPP stays, kardex, live news, audit', async () => {
    const [p] = await createProducts(world.server.orm, tenant.tenantId, [{ name: 'Yogur frutilla' }]);
    await receive(p!.id, '10', '1000');
    await receive(p!.id, '10', '1500');
    expect(await level(p!.id)).toMatchObject({ quantity: '20.000', averageCost: '1250.000000' });
    const valueBefore = await warehouseValue();

    const heardAtTill = nextEvent<{ changes: unknown[] }>(till, 'stock:changed');
    const heardAtTablet = nextEvent<{ changes: unknown[] }>(bodega, 'stock:changed');
    const recorded = await ok(
      bodega.emitWithAck('stock:write-off', {
        id: randomUUID(),
        warehouseId: storeAWarehouse(),
        productId: p!.id,
        quantity: '4',
        reason: 'expired',
        note: '  vencidos en la vitrina  ',
      }),
    );
    expect(recorded).toMatchObject({
      warehouseId: storeAWarehouse(),
      productId: p!.id,
      productName: 'Yogur frutilla',
      quantity: '4.000',
      reason: 'expired',
      note: 'vencidos en la vitrina',
      unitCost: '1250.000000',
      value: 5000,
      resultingQuantity: '16.000',
      resultingAverageCost: '1250.000000',
    });

    expect(await level(p!.id)).toMatchObject({ quantity: '16.000', averageCost: '1250.000000' });
    expect(valueBefore - (await warehouseValue())).toBe(4 * 1250);

    const [last, receipt] = await kardex(p!.id);
    expect(receipt).toMatchObject({ kind: 'receipt', writeOffReason: null });
    expect(last).toMatchObject({
      kind: 'write_off',
      writeOffReason: 'expired',
      quantity: '-4.000',
      unitCost: '1250.000000',
      resultingQuantity: '16.000',
      resultingAverageCost: '1250.000000',
      userId: tenant.users[tenant.emails.warehouse],
      documentType: 'write_off',
      documentId: recorded.id,
    });

    // Pushed like every stock change: the PPP to the tablet, the quantity alone to the till.
    expect((await heardAtTablet)?.changes).toEqual([
      { warehouseId: storeAWarehouse(), productId: p!.id, quantity: '16.000', averageCost: '1250.000000' },
    ]);
    expect((await heardAtTill)?.changes).toEqual([
      { warehouseId: storeAWarehouse(), productId: p!.id, quantity: '16.000' },
    ]);

    const audit = await ok(admin.emitWithAck('audit:list', { kind: 'write_off' }));
    const entry = audit.items.find((e) => e.details.writeOffId === recorded.id);
    expect(entry).toMatchObject({
      kind: 'write_off',
      storeId: tenant.stores[0]!.id,
      userId: tenant.users[tenant.emails.warehouse],
      details: {
        productId: p!.id,
        name: 'Yogur frutilla',
        quantity: '4.000',
        reason: 'expired',
        note: 'vencidos en la vitrina',
        unitCost: '1250.000000',
        value: 5000,
      },
    });
  });

  it('takes grams of a weighed product, and whole units only of a product sold by unit', async () => {
    const [pan, leche] = await createProducts(world.server.orm, tenant.tenantId, [
      { name: 'Pan amasado', unit: 'kg', weighable: true },
      { name: 'Leche semidescremada' },
    ]);
    await receive(pan!.id, '2.5', '999.99');
    await receive(leche!.id, '6', '800');

    const pan345 = await ok(writeOff(pan!.id, '0.345', 'damaged'));
    // round(0,345 × 999,99) = round(344,99655) = $345
    expect(pan345).toMatchObject({ quantity: '0.345', value: 345, resultingQuantity: '2.155' });
    expect((await kardex(pan!.id))[0]).toMatchObject({ kind: 'write_off', quantity: '-0.345' });

    expect(await writeOff(leche!.id, '1.5', 'damaged')).toEqual({
      ok: false,
      error: {
        code: 'VALIDATION',
        message: 'Leche semidescremada se vende por unidad: la merma debe ser en unidades enteras.',
        details: { field: 'quantity' },
      },
    });
    expect(await level(leche!.id)).toMatchObject({ quantity: '6.000' });
    expect(await kardex(leche!.id)).toHaveLength(1);
  });

  it('records from the back office too (any store of the company), by the admin', async () => {
    const [p] = await createProducts(world.server.orm, tenant.tenantId, [{}]);
    const storeB = tenant.stores[1]!.warehouseId;
    await ok(
      admin.emitWithAck('receipt:create', {
        supplierId,
        warehouseId: storeB,
        documentType: 33,
        folio: folio++,
        lines: [{ productId: p!.id, quantity: '3', unitCost: '100' }],
      }),
    );
    const recorded = await ok(writeOff(p!.id, '1', 'internal_use', admin, storeB));
    expect(recorded).toMatchObject({ warehouseId: storeB, value: 100, resultingQuantity: '2.000' });
  });

  it('refuses cashiers, other stores and other companies, and bad input, writing nothing', async () => {
    const [p] = await createProducts(world.server.orm, tenant.tenantId, [{}]);
    const [foreign] = await createProducts(world.server.orm, other.tenantId, [{}]);
    await receive(p!.id, '5', '200');
    const refusal = async (answer: Promise<Answer<unknown>>) => {
      const result = await answer;
      return result.ok ? 'written' : result.error.code;
    };

    const recordedToday = async () =>
      (await ok(admin.emitWithAck('report:write-offs', { from: today(), to: today() }))).totals.count;
    const before = await recordedToday();

    expect(await refusal(writeOff(p!.id, '1', 'theft', till))).toBe('FORBIDDEN');
    // The store A worker names store B's warehouse.
    expect(await writeOff(p!.id, '1', 'theft', bodega, tenant.stores[1]!.warehouseId)).toEqual({
      ok: false,
      error: { code: 'STORE_SCOPE', message: 'La bodega pertenece a otra sucursal.' },
    });
    // Another company sees neither this warehouse nor this product; nor we theirs.
    expect(await writeOff(p!.id, '1', 'theft', otherAdmin)).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'No se encontró la bodega.' },
    });
    expect(await writeOff(foreign!.id, '1', 'theft')).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'No se encontró el producto.' },
    });
    for (const quantity of ['0', '0.000', '-1', '1.2345', '10000.001', '99999', 'dos', '']) {
      expect(await refusal(writeOff(p!.id, quantity)), quantity).toBe('VALIDATION');
    }
    expect(
      await bodega.emitWithAck('stock:write-off', {
        id: randomUUID(),
        warehouseId: storeAWarehouse(),
        productId: p!.id,
        quantity: '1',
        reason: 'lost' as never,
      }),
    ).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(
      await bodega.emitWithAck('stock:write-off', {
        id: randomUUID(),
        warehouseId: storeAWarehouse(),
        productId: p!.id,
        quantity: '1',
        reason: 'theft',
        note: 'x'.repeat(201),
      }),
    ).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    // The largest merma allowed goes through (stock may go below zero: see the next test).
    expect(await ok(writeOff(p!.id, '10000', 'theft'))).toMatchObject({ resultingQuantity: '-9995.000' });

    expect(await kardex(p!.id)).toHaveLength(2);
    expect(await recordedToday()).toBe(before + 1);
    expect(
      await ok(
        otherAdmin.emitWithAck('stock:kardex', {
          warehouseId: other.stores[0]!.warehouseId,
          productId: foreign!.id,
        }),
      ),
    ).toEqual([]);
  });

  it('answers a repeat with the merma first recorded, writing nothing more; other data under its id is refused', async () => {
    const [p] = await createProducts(world.server.orm, tenant.tenantId, [{ name: 'Jugo naranja' }]);
    const [foreign] = await createProducts(world.server.orm, other.tenantId, [{}]);
    await receive(p!.id, '10', '500');
    const input = {
      id: randomUUID(),
      warehouseId: storeAWarehouse(),
      productId: p!.id,
      quantity: '2',
      reason: 'damaged' as const,
      note: 'caja aplastada',
    };
    const first = await ok(bodega.emitWithAck('stock:write-off', input));
    const [again, alsoAgain] = await Promise.all([
      ok(bodega.emitWithAck('stock:write-off', { ...input, quantity: '2.000' })),
      ok(bodega.emitWithAck('stock:write-off', input)),
    ]);
    expect(again).toEqual(first);
    expect(alsoAgain).toEqual(first);
    expect(first).toMatchObject({
      quantity: '2.000',
      value: 1000,
      resultingQuantity: '8.000',
      note: 'caja aplastada',
    });
    expect(await level(p!.id)).toMatchObject({ quantity: '8.000' });
    expect((await kardex(p!.id)).map((m) => m.kind)).toEqual(['write_off', 'receipt']);
    const audit = await ok(admin.emitWithAck('audit:list', { kind: 'write_off', limit: 200 }));
    expect(audit.items.filter((e) => e.details.writeOffId === input.id)).toHaveLength(1);

    expect(await bodega.emitWithAck('stock:write-off', { ...input, quantity: '3' })).toMatchObject({
      ok: false,
      error: { code: 'IDEMPOTENCY_MISMATCH' },
    });
    expect(await bodega.emitWithAck('stock:write-off', { ...input, note: undefined })).toMatchObject({
      ok: false,
      error: { code: 'IDEMPOTENCY_MISMATCH' },
    });
    // Another company cannot read or reuse this merma through its id.
    expect(
      await otherAdmin.emitWithAck('stock:write-off', {
        ...input,
        warehouseId: other.stores[0]!.warehouseId,
        productId: foreign!.id,
      }),
    ).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await level(p!.id)).toMatchObject({ quantity: '8.000' });
  });

  it('may take stock below zero as a sale may, unless the company forbids negative stock', async () => {
    const [p] = await createProducts(world.server.orm, tenant.tenantId, [{ name: 'Galletas de agua' }]);
    await receive(p!.id, '2', '300');
    expect(await ok(writeOff(p!.id, '3', 'damaged'))).toMatchObject({
      resultingQuantity: '-1.000',
      value: 900,
    });

    await ok(admin.emitWithAck('inventory:set-settings', { allowNegativeStock: false }));
    try {
      await receive(p!.id, '3', '300');
      expect(await writeOff(p!.id, '3', 'damaged')).toEqual({
        ok: false,
        error: {
          code: 'INSUFFICIENT_STOCK',
          message: 'No hay stock suficiente de Galletas de agua: quedan 2.000.',
          details: { warehouseId: storeAWarehouse(), productId: p!.id, available: '2.000' },
        },
      });
      expect(await level(p!.id)).toMatchObject({ quantity: '2.000' });
      expect((await kardex(p!.id)).map((m) => m.kind)).toEqual(['receipt', 'write_off', 'receipt']);
      expect(await ok(writeOff(p!.id, '2', 'damaged'))).toMatchObject({ resultingQuantity: '0.000' });
    } finally {
      await ok(admin.emitWithAck('inventory:set-settings', { allowNegativeStock: true }));
    }
  });
});
