import type { SalesReportKind } from '@erp/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BusinessHistory, EXPECTED, ringBusinessHistory } from '../../test/backoffice-sales.ts';
import {
  createTestTenant,
  SignedInSockets,
  startTestServer,
  type TestClient,
  type TestServer,
  type TestTenant,
} from '../../test/harness.ts';
import { parseCsv } from '../catalog/index.ts';

let server: TestServer;
let tenant: TestTenant;
let other: TestTenant;
let history: BusinessHistory;
let admin: TestClient;
const sockets = new SignedInSockets();
const socketOf = (t: TestTenant, email: string) => sockets.as(server, t, email);

beforeAll(async () => {
  server = await startTestServer();
  tenant = await createTestTenant(server, 'rep');
  other = await createTestTenant(server, 'repb');
  history = await ringBusinessHistory(server, tenant);
  admin = await socketOf(tenant, tenant.emails.admin);
}, 120_000);
afterAll(async () => {
  sockets.closeAll();
  for (const till of history?.tills ?? []) till.socket.close();
  await server?.close();
});

async function report(report: SalesReportKind, extra: Record<string, unknown> = {}, socket = admin) {
  const result = await socket.emitWithAck('report:sales', {
    report,
    from: history.yesterday,
    to: history.today,
    ...extra,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.data;
}

const row = (key: string, label: string, figures: Record<string, unknown>) => ({
  key,
  label,
  detail: null,
  quantity: null,
  ...figures,
});

describe('report:sales', () => {
  it('adds sales up by day: returns subtract, margins come from the cost at PPP on each sale', async () => {
    const data = await report('day');
    expect(data.items).toEqual([
      row(history.yesterday, history.yesterday, {
        tickets: 1,
        returns: 0,
        total: 7570,
        net: 6935,
        cost: 4469,
        margin: 2466,
      }),
      row(history.today, history.today, {
        tickets: 3,
        returns: 1,
        total: 9808,
        net: 8242,
        cost: 5500,
        margin: 2742,
      }),
    ]);
    expect(data.total).toBe(2);
    expect(data.totals).toEqual(EXPECTED.totals);
  });

  it('shares each document over its products so they add up to the documents exactly', async () => {
    const { pan, leche, bebida, huevos } = history.products;
    const data = await report('product');
    expect(data.items).toEqual([
      {
        key: bebida.id,
        label: bebida.name,
        detail: 'BEB-01',
        quantity: '3.000',
        tickets: 2,
        returns: 0,
        total: 5970,
        net: 5017,
        cost: 3769,
        margin: 1248,
      },
      {
        key: leche.id,
        label: leche.name,
        detail: 'LEC-01',
        quantity: '5.000',
        tickets: 3,
        returns: 1,
        total: 5950,
        net: 5000,
        cost: 3450,
        margin: 1550,
      },
      {
        key: huevos.id,
        label: huevos.name,
        detail: 'HUE-01',
        quantity: '1.000',
        tickets: 1,
        returns: 0,
        total: 3590,
        net: 3590,
        cost: 2000,
        margin: 1590,
      },
      {
        key: pan.id,
        label: pan.name,
        detail: 'PAN-01',
        quantity: '0.750',
        tickets: 1,
        returns: 0,
        total: 1868,
        net: 1570,
        cost: 750,
        margin: 820,
      },
    ]);
    expect(data.totals).toEqual(EXPECTED.totals);
    for (const field of ['total', 'net', 'cost', 'margin'] as const) {
      expect(
        data.items.reduce((sum, r) => sum + (r[field] ?? 0), 0),
        field,
      ).toBe(EXPECTED.totals[field]);
    }
  });

  it('pages the rows on the server, the totals always being the whole period', async () => {
    const first = await report('product', { limit: 2 });
    const second = await report('product', { limit: 2, offset: 2 });
    expect(first.items.map((r) => r.detail)).toEqual(['BEB-01', 'LEC-01']);
    expect(second.items.map((r) => r.detail)).toEqual(['HUE-01', 'PAN-01']);
    expect([first.total, second.total]).toEqual([4, 4]);
    expect(second.totals).toEqual(EXPECTED.totals);
    expect((await report('product', { offset: 10 })).items).toEqual([]);
  });

  it('groups by category, cashier and store', async () => {
    expect((await report('category')).items).toEqual([
      row('Almacén', 'Almacén', { tickets: 3, returns: 0, total: 7838, net: 6587, cost: 4519, margin: 2068 }),
      row('Lácteos', 'Lácteos', { tickets: 3, returns: 1, total: 5950, net: 5000, cost: 3450, margin: 1550 }),
      row('', 'Sin categoría', { tickets: 1, returns: 0, total: 3590, net: 3590, cost: 2000, margin: 1590 }),
    ]);
    const storeA = { tickets: 3, returns: 1, total: 14198, net: 12505, cost: 8019, margin: 4486 };
    const storeB = { tickets: 1, returns: 0, total: 3180, net: 2672, cost: 1950, margin: 722 };
    const cashier = await report('cashier');
    expect(cashier.items).toEqual([
      row(expect.any(String), 'Cajero', storeA),
      row(expect.any(String), 'Cajero B', storeB),
    ]);
    expect((await report('store')).items).toEqual([
      row(tenant.stores[0]!.id, 'Tienda A', storeA),
      row(tenant.stores[1]!.id, 'Tienda B', storeB),
    ]);
    expect(cashier.totals).toEqual(EXPECTED.totals);
  });

  it('adds up what each payment method collected, refunds subtracted', async () => {
    const data = await report('payment');
    expect(data.items).toEqual([
      row('cash', 'cash', {
        tickets: 3,
        returns: 1,
        total: 5440 + 2180 + 2380 - 1190,
        net: null,
        cost: null,
        margin: null,
      }),
      row('card', 'card', {
        tickets: 2,
        returns: 0,
        total: 7570 + 1000,
        net: null,
        cost: null,
        margin: null,
      }),
    ]);
    expect(data.totals).toEqual({
      tickets: 4,
      returns: 1,
      quantity: null,
      total: EXPECTED.collected,
      net: null,
      cost: null,
      margin: null,
    });
  });

  it('reports one store or one day on request', async () => {
    const storeB = await report('product', { storeId: tenant.stores[1]!.id });
    expect(storeB.items.map((r) => [r.detail, r.net])).toEqual([
      ['BEB-01', 1672],
      ['LEC-01', 1000],
    ]);
    expect(storeB.totals).toMatchObject({ tickets: 1, returns: 0, total: 3180, net: 2672, cost: 1950 });
    const yesterday = await report('day', { to: history.yesterday });
    expect(yesterday.totals).toMatchObject({ tickets: 1, total: 7570, margin: 2466 });
  });

  it('exports the whole report as CSV for Excel: BOM, semicolons, decimal comma, a total line', async () => {
    const result = await admin.emitWithAck('report:csv', {
      report: 'product',
      from: history.yesterday,
      to: history.today,
    });
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    const { filename, csv, rows } = result.data;
    expect(filename).toBe(`ventas-por-producto_${history.yesterday}_${history.today}.csv`);
    expect(rows).toBe(4);
    expect(
      csv.startsWith(
        '\uFEFFCódigo;Producto;Cantidad;Ventas;Devoluciones;Total con IVA;Neto;Costo PPP;Margen;Margen %\r\n',
      ),
    ).toBe(true);
    expect(csv).toContain('HUE-01;"Huevos ""color""; docena";1;1;0;3590;3590;2000;1590;44,3\r\n');
    expect(parseCsv(csv).map((r) => r.cells)).toEqual([
      [
        'Código',
        'Producto',
        'Cantidad',
        'Ventas',
        'Devoluciones',
        'Total con IVA',
        'Neto',
        'Costo PPP',
        'Margen',
        'Margen %',
      ],
      ['BEB-01', 'Bebida cola 1,5 L', '3', '2', '0', '5970', '5017', '3769', '1248', '24,9'],
      ['LEC-01', 'Leche entera 1 L', '5', '3', '1', '5950', '5000', '3450', '1550', '31'],
      ['HUE-01', 'Huevos "color"; docena', '1', '1', '0', '3590', '3590', '2000', '1590', '44,3'],
      ['PAN-01', 'Pan marraqueta', '0,75', '1', '0', '1868', '1570', '750', '820', '52,2'],
      ['', 'Total', '', '4', '1', '17378', '15177', '9969', '5208', '34,3'],
    ]);
    const payments = await admin.emitWithAck('report:csv', {
      report: 'payment',
      from: history.yesterday,
      to: history.today,
    });
    expect(payments.ok && parseCsv(payments.data.csv).map((r) => r.cells)).toEqual([
      ['Medio de pago', 'Ventas', 'Devoluciones', 'Monto'],
      ['Efectivo', '3', '1', '8810'],
      ['Tarjeta', '2', '0', '8570'],
      ['Total', '4', '1', '17380'],
    ]);
  });

  it('refuses periods backwards or longer than a year', async () => {
    const backwards = await admin.emitWithAck('report:sales', {
      report: 'day',
      from: history.today,
      to: history.yesterday,
    });
    expect(backwards).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const tooLong = await admin.emitWithAck('report:csv', {
      report: 'day',
      from: '2024-01-01',
      to: '2025-06-30',
    });
    expect(tooLong).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('is for the owner and admins only: supervisors, cashiers and warehouse staff are refused', async () => {
    const owner = await socketOf(tenant, tenant.emails.owner);
    expect((await report('store', {}, owner)).totals).toEqual(EXPECTED.totals);
    for (const email of [tenant.emails.supervisor, tenant.emails.cashier, tenant.emails.warehouse]) {
      const socket = await socketOf(tenant, email);
      const query = { report: 'day' as const, from: history.yesterday, to: history.today };
      expect(await socket.emitWithAck('report:sales', query)).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
      expect(await socket.emitWithAck('report:csv', query)).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
    }
  });

  it("shows another tenant none of this tenant's sales", async () => {
    const otherAdmin = await socketOf(other, other.emails.admin);
    const zero = { tickets: 0, returns: 0, quantity: null, total: 0, net: 0, cost: 0, margin: 0 };
    for (const kind of ['day', 'product', 'category', 'cashier', 'store'] as const) {
      expect(await report(kind, {}, otherAdmin)).toEqual({ items: [], total: 0, totals: zero });
    }
    const payments = await report('payment', {}, otherAdmin);
    expect(payments.items.map((r) => r.total)).toEqual([0, 0]);
    // Even naming this tenant's store.
    expect((await report('product', { storeId: tenant.stores[0]!.id }, otherAdmin)).items).toEqual([]);
  });
});
