import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { type StockHistory, useBusinessStock } from '../../test/backoffice-stock.ts';
import type { TestClient, TestTenant } from '../../test/harness.ts';

let tenant: TestTenant;
let other: TestTenant;
let stock: StockHistory;
const received = useBusinessStock('val');
const socketOf = (t: TestTenant, email: string) => received.signIn(t, email);
beforeAll(() => {
  ({ tenant, other, stock } = received);
});

function data<T>(result: { ok: true; data: T } | { ok: false; error: unknown }): T {
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.data;
}

describe('stock:valuation', () => {
  it('values every warehouse at PPP, per product rounded to pesos, and the company in total', async () => {
    const valuation = data(await stock.admin.emitWithAck('stock:valuation', {}));
    expect(valuation).toEqual({
      warehouses: [
        {
          warehouseId: tenant.centralWarehouseId,
          code: expect.any(String),
          name: expect.any(String),
          storeName: null,
          products: 0,
          value: 0,
        },
        {
          warehouseId: tenant.stores[0]!.warehouseId,
          code: expect.any(String),
          name: expect.any(String),
          storeName: 'Tienda A',
          products: 3,
          value: 13300 + 3704 + 1500,
        },
        {
          warehouseId: tenant.stores[1]!.warehouseId,
          code: expect.any(String),
          name: expect.any(String),
          storeName: 'Tienda B',
          products: 1,
          value: 20000,
        },
      ],
      total: 38504,
    });
  });
});

const levels = (query: Record<string, unknown>, socket?: TestClient) =>
  (socket ?? stock.admin).emitWithAck('stock:levels', {
    warehouseId: tenant.stores[0]!.warehouseId,
    ...query,
  });

describe('stock:levels', () => {
  it("lists a warehouse's products by name with stock, PPP and value, adding up to the warehouse", async () => {
    const page = data(await levels({}));
    expect(page).toEqual({
      total: 3,
      items: [
        {
          productId: stock.products.bebida.id,
          code: 'BEB-01',
          name: 'Bebida cola 1,5 L',
          category: 'Almacén',
          unit: 'unidad',
          quantity: '3.000',
          averageCost: '1234.500000',
          value: 3704,
          minimum: null,
        },
        expect.objectContaining({
          code: 'LEC-01',
          quantity: '19.000',
          averageCost: '700.000000',
          value: 13300,
        }),
        expect.objectContaining({
          code: 'PAN-01',
          unit: 'kg',
          quantity: '1.500',
          averageCost: '999.990000',
          value: 1500,
        }),
      ],
    });
    expect(page.items.reduce((sum, p) => sum + p.value, 0)).toBe(18504);
  });

  it('pages and searches by code or words of the name, accents aside', async () => {
    const first = data(await levels({ limit: 2 }));
    const second = data(await levels({ limit: 2, offset: 2 }));
    expect([first.total, first.items.length, second.items.map((p) => p.code)]).toEqual([3, 2, ['PAN-01']]);
    const codes = async (search: string) => data(await levels({ search })).items.map((p) => p.code);
    expect(await codes('colun')).toEqual(['LEC-01']);
    expect(await codes('COL')).toEqual(['BEB-01', 'LEC-01']);
    expect(await codes('lec-01')).toEqual(['LEC-01']);
    expect(await codes('pan leche')).toEqual([]);
  });
});

describe('stock:kardex-page', () => {
  it("pages a product's movements newest first with who made them", async () => {
    const query = { warehouseId: tenant.stores[0]!.warehouseId, productId: stock.products.leche.id };
    const page = data(await stock.admin.emitWithAck('stock:kardex-page', query));
    expect(page.total).toBe(3);
    expect(
      page.items.map((m) => [m.kind, m.quantity, m.unitCost, m.resultingQuantity, m.resultingAverageCost]),
    ).toEqual([
      ['adjustment', '-1.000', '700.000000', '19.000', '700.000000'],
      ['receipt', '10.000', '800.000000', '20.000', '700.000000'],
      ['receipt', '10.000', '600.000000', '10.000', '600.000000'],
    ]);
    expect(page.items[1]).toMatchObject({
      userName: 'Admin',
      documentType: 'goods_receipt',
      documentId: stock.receipts[1],
    });
    const last = data(await stock.admin.emitWithAck('stock:kardex-page', { ...query, limit: 2, offset: 2 }));
    expect(last.items.map((m) => m.documentId)).toEqual([stock.receipts[0]]);
  });
});

describe('who may see stock at PPP', () => {
  it('lets warehouse staff read it and refuses cashiers', async () => {
    const warehouse = await socketOf(tenant, tenant.emails.warehouse);
    expect(data(await warehouse.emitWithAck('stock:valuation', {})).total).toBe(38504);
    const cashier = await socketOf(tenant, tenant.emails.cashier);
    const forbidden = { ok: false, error: { code: 'FORBIDDEN' } };
    expect(await cashier.emitWithAck('stock:valuation', {})).toMatchObject(forbidden);
    expect(await levels({}, cashier)).toMatchObject(forbidden);
    expect(
      await cashier.emitWithAck('stock:kardex-page', {
        warehouseId: tenant.stores[0]!.warehouseId,
        productId: stock.products.leche.id,
      }),
    ).toMatchObject(forbidden);
  });

  it("shows another tenant none of this tenant's stock", async () => {
    const otherAdmin = await socketOf(other, other.emails.admin);
    const valuation = data(await otherAdmin.emitWithAck('stock:valuation', {}));
    expect(valuation.total).toBe(0);
    expect(valuation.warehouses.map((w) => w.warehouseId).sort()).toEqual(
      [other.centralWarehouseId, ...other.stores.map((s) => s.warehouseId)].sort(),
    );
    expect(await levels({}, otherAdmin)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(
      await otherAdmin.emitWithAck('stock:kardex-page', {
        warehouseId: tenant.stores[0]!.warehouseId,
        productId: stock.products.leche.id,
      }),
    ).toEqual({ ok: true, data: { items: [], total: 0 } });
    expect(
      await otherAdmin.emitWithAck('stock:kardex-page', {
        warehouseId: randomUUID(),
        productId: randomUUID(),
      }),
    ).toEqual({ ok: true, data: { items: [], total: 0 } });
  });
});
