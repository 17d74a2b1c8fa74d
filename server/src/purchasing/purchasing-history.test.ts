import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { type StockHistory, useBusinessStock } from '../../test/backoffice-stock.ts';
import type { TestClient, TestServer, TestTenant } from '../../test/harness.ts';
import { withTenant } from '../platform/orm.ts';

let server: TestServer;
let tenant: TestTenant;
let other: TestTenant;
let stock: StockHistory;
let admin: TestClient;
const received = useBusinessStock('pur');
const socketOf = (t: TestTenant, email: string) => received.signIn(t, email);
beforeAll(() => {
  ({ server, tenant, other, stock } = received);
  admin = stock.admin;
});

function data<T>(result: { ok: true; data: T } | { ok: false; error: unknown }): T {
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.data;
}

describe('receipt:list and receipt:get', () => {
  it('lists receipts newest first with supplier, warehouse and net cost', async () => {
    const page = data(await admin.emitWithAck('receipt:list', {}));
    expect(page.total).toBe(3);
    expect(page.items.map((r) => r.id)).toEqual([...stock.receipts].reverse());
    expect(page.items[2]).toEqual({
      id: stock.receipts[0],
      supplierId: stock.suppliers.sur,
      supplierName: 'Distribuidora Sur',
      supplierRut: '76086428-5',
      warehouseId: tenant.stores[0]!.warehouseId,
      warehouseName: expect.any(String),
      documentType: 33,
      folio: 501,
      lineCount: 3,
      // 6.000 + 3.704 (3 × 1.234,5) + 1.500 (1,5 × 999,99): each line rounded, then added.
      totalCost: 11204,
      receivedByName: 'Admin',
      receivedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
  });

  it('filters by supplier, warehouse and days, and pages', async () => {
    const ids = async (query: Record<string, unknown>) =>
      data(await admin.emitWithAck('receipt:list', query)).items.map((r) => r.id);
    const [first, second, third] = stock.receipts;
    expect(await ids({ supplierId: stock.suppliers.norte })).toEqual([third]);
    expect(await ids({ warehouseId: tenant.stores[0]!.warehouseId })).toEqual([second, first]);
    expect(await ids({ limit: 1, offset: 1 })).toEqual([second]);
    // Receipts of two days ago are out of a "today" filter.
    await withTenant(server.orm, tenant.tenantId, (em) =>
      em.execute(`update goods_receipt set created_at = created_at - interval '2 days' where id = ?`, [
        first,
      ]),
    );
    const [row] = await withTenant(server.orm, tenant.tenantId, (em) =>
      em.execute<{ today: string }[]>(
        `select to_char(now() at time zone 'America/Santiago', 'YYYY-MM-DD') as today`,
      ),
    );
    const today = row!.today;
    expect(await ids({ from: today, to: today })).toEqual([third, second]);
    expect(await ids({ to: today })).toEqual([third, second, first]);
  });

  it('shows a receipt line by line at its net unit costs', async () => {
    const receipt = data(await admin.emitWithAck('receipt:get', { receiptId: stock.receipts[0]! }));
    expect(receipt.lines).toEqual([
      {
        lineNo: 1,
        productId: stock.products.leche.id,
        code: 'LEC-01',
        name: 'Leche entera 1 L Colún',
        quantity: '10.000',
        unitCost: '600.000000',
        lineCost: 6000,
      },
      {
        lineNo: 2,
        productId: stock.products.bebida.id,
        code: 'BEB-01',
        name: 'Bebida cola 1,5 L',
        quantity: '3.000',
        unitCost: '1234.500000',
        lineCost: 3704,
      },
      {
        lineNo: 3,
        productId: stock.products.pan.id,
        code: 'PAN-01',
        name: 'Pan marraqueta',
        quantity: '1.500',
        unitCost: '999.990000',
        lineCost: 1500,
      },
    ]);
    expect(receipt.lines.reduce((sum, l) => sum + l.lineCost, 0)).toBe(receipt.totalCost);
    expect(await admin.emitWithAck('receipt:get', { receiptId: randomUUID() })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });
});

describe('suppliers', () => {
  it('pages suppliers by name with their receipt count, searching name or RUT', async () => {
    const page = data(await admin.emitWithAck('supplier:page', {}));
    expect(page).toEqual({
      total: 3,
      items: [
        {
          id: stock.suppliers.norte,
          rut: '77777777-7',
          name: 'Comercial Norte',
          giro: 'Mayorista',
          receiptCount: 1,
        },
        {
          id: stock.suppliers.sur,
          rut: '76086428-5',
          name: 'Distribuidora Sur',
          giro: 'Mayorista',
          receiptCount: 2,
        },
        {
          id: stock.suppliers.idle,
          rut: '11111111-1',
          name: 'Proveedor sin compras',
          giro: 'Mayorista',
          receiptCount: 0,
        },
      ],
    });
    const names = async (search: string) =>
      data(await admin.emitWithAck('supplier:page', { search })).items.map((s) => s.name);
    expect(await names('distri')).toEqual(['Distribuidora Sur']);
    expect(await names('76.086')).toEqual(['Distribuidora Sur']);
    expect(await names('sur 76086428')).toEqual(['Distribuidora Sur']);
    expect(
      data(await admin.emitWithAck('supplier:page', { limit: 1, offset: 2 })).items.map((s) => s.name),
    ).toEqual(['Proveedor sin compras']);
  });

  it('edits a supplier by its RUT and deletes only one without receipts', async () => {
    const edited = data(
      await admin.emitWithAck('supplier:save', {
        rut: '11111111-1',
        name: 'Proveedor nuevo',
        giro: 'Bebidas',
      }),
    );
    expect(edited).toEqual({
      id: stock.suppliers.idle,
      rut: '11111111-1',
      name: 'Proveedor nuevo',
      giro: 'Bebidas',
    });
    expect(await admin.emitWithAck('supplier:delete', { supplierId: stock.suppliers.sur })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: expect.stringContaining('recepciones') },
    });
    expect(await admin.emitWithAck('supplier:delete', { supplierId: stock.suppliers.idle })).toEqual({
      ok: true,
      data: { id: stock.suppliers.idle },
    });
    expect(data(await admin.emitWithAck('supplier:page', {})).total).toBe(2);
    expect(await admin.emitWithAck('supplier:delete', { supplierId: stock.suppliers.idle })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });
});

describe('who may read purchases', () => {
  it('lets warehouse staff read and refuses cashiers', async () => {
    const warehouse = await socketOf(tenant, tenant.emails.warehouse);
    expect(data(await warehouse.emitWithAck('receipt:list', {})).total).toBe(3);
    const cashier = await socketOf(tenant, tenant.emails.cashier);
    const forbidden = { ok: false, error: { code: 'FORBIDDEN' } };
    expect(await cashier.emitWithAck('receipt:list', {})).toMatchObject(forbidden);
    expect(await cashier.emitWithAck('receipt:get', { receiptId: stock.receipts[0]! })).toMatchObject(
      forbidden,
    );
    expect(await cashier.emitWithAck('supplier:page', {})).toMatchObject(forbidden);
    expect(await cashier.emitWithAck('supplier:delete', { supplierId: stock.suppliers.norte })).toMatchObject(
      forbidden,
    );
  });

  it("shows another tenant none of this tenant's receipts or suppliers", async () => {
    const otherAdmin = await socketOf(other, other.emails.admin);
    const empty = { ok: true, data: { items: [], total: 0 } };
    expect(await otherAdmin.emitWithAck('receipt:list', {})).toEqual(empty);
    expect(await otherAdmin.emitWithAck('receipt:list', { supplierId: stock.suppliers.sur })).toEqual(empty);
    expect(await otherAdmin.emitWithAck('supplier:page', {})).toEqual(empty);
    expect(await otherAdmin.emitWithAck('receipt:get', { receiptId: stock.receipts[0]! })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(
      await otherAdmin.emitWithAck('supplier:delete', { supplierId: stock.suppliers.norte }),
    ).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(data(await admin.emitWithAck('supplier:page', { search: 'norte' })).total).toBe(1);
  });
});
