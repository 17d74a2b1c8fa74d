/**
 * The mermas report over real sockets and PostgreSQL: mermas recorded through `stock:write-off`
 * in two stores, one moved to yesterday. Per reason, per product and the grand total add up to
 * the same pesos, which are the ledger's own values (round(quantity × PPP) per merma); the
 * period, the store filter, paging and the CSV follow; only the owner and admins read it.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { superuserUrl, type TestClient, type TestTenant } from '../../test/harness.ts';
import { useTestServer } from '../../test/test-server-fixture.ts';
import { parseCsv } from '../catalog/csv.ts';
import { createProducts } from '../catalog/test-products.ts';

type Answer<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };
async function ok<T>(promise: Promise<Answer<T>>): Promise<T> {
  const result = await promise;
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.data;
}

let tenant: TestTenant;
let other: TestTenant;
let admin: TestClient;
let superuser: pg.Client;
let today: string;
let yesterday: string;
const products: Record<'yogur' | 'leche' | 'pan', { id: string }> = {} as never;
/** Each merma recorded today: its id, warehouse and product, for the ledger check. */
const recordedToday: { id: string; warehouseId: string; productId: string }[] = [];

const world = useTestServer(['wor', 'wor-o']);
beforeAll(async () => {
  ({
    tenants: [tenant, other],
  } = world);
  admin = await world.signIn(tenant, tenant.emails.admin, { screen: 'backoffice' });
  superuser = new pg.Client({ connectionString: superuserUrl() });
  await superuser.connect();
  const [storeA, storeB] = tenant.stores.map((s) => s.warehouseId);
  const [yogur, leche, pan] = await createProducts(world.server.orm, tenant.tenantId, [
    { code: 'YOG-01', name: 'Yogur frutilla' },
    { code: 'LEC-02', name: 'Leche semidescremada' },
    { code: 'PAN-02', name: 'Pan amasado', unit: 'kg', weighable: true },
  ]);
  Object.assign(products, { yogur, leche, pan });
  const { id: supplierId } = await ok(
    admin.emitWithAck('supplier:save', { rut: '76.123.456-0', name: 'Distribuidora Uno', giro: 'Alimentos' }),
  );
  let folio = 1;
  const receive = (warehouseId: string, productId: string, quantity: string, unitCost: string) =>
    ok(
      admin.emitWithAck('receipt:create', {
        supplierId,
        warehouseId,
        documentType: 33,
        folio: folio++,
        lines: [{ productId, quantity, unitCost }],
      }),
    );
  await receive(storeA!, yogur!.id, '10', '1000');
  await receive(storeA!, yogur!.id, '10', '1500'); // PPP 1.250
  await receive(storeA!, pan!.id, '2.5', '999.99');
  await receive(storeA!, leche!.id, '10', '800');
  await receive(storeB!, leche!.id, '10', '900');

  const writeOff = async (
    warehouseId: string,
    productId: string,
    quantity: string,
    reason: 'expired' | 'damaged' | 'theft' | 'internal_use',
  ) => {
    const { id } = await ok(
      admin.emitWithAck('stock:write-off', { id: randomUUID(), warehouseId, productId, quantity, reason }),
    );
    recordedToday.push({ id, warehouseId, productId });
    return id;
  };
  await writeOff(storeA!, yogur!.id, '4', 'expired'); // 5.000
  await writeOff(storeA!, yogur!.id, '1', 'theft'); // 1.250
  await writeOff(storeA!, pan!.id, '0.345', 'damaged'); // round(344,99655) = 345
  await writeOff(storeA!, leche!.id, '2', 'internal_use'); // 1.600
  await writeOff(storeA!, leche!.id, '1', 'expired'); // 800
  await writeOff(storeB!, leche!.id, '3', 'damaged'); // 2.700
  // Two yogures thrown away yesterday (Chile day): 2.500.
  const old = await writeOff(storeA!, yogur!.id, '2', 'expired');
  recordedToday.pop();
  await superuser.query(
    `update stock_write_off set created_at = created_at - interval '1 day' where id = $1`,
    [old],
  );
  const { rows } = await superuser.query<{ today: string; yesterday: string }>(
    `select to_char(d, 'YYYY-MM-DD') as today, to_char(d - 1, 'YYYY-MM-DD') as yesterday
       from (select (now() at time zone 'America/Santiago')::date as d) x`,
  );
  ({ today, yesterday } = rows[0]!);
}, 60_000);
afterAll(() => superuser?.end());

const report = (query: Record<string, unknown> = {}, socket = admin) =>
  socket.emitWithAck('report:write-offs', { from: today, to: today, ...query });

const reasons = (expired: number[], damaged: number[], theft: number[], internal: number[]) => [
  { reason: 'expired', count: expired[0], value: expired[1] },
  { reason: 'damaged', count: damaged[0], value: damaged[1] },
  { reason: 'theft', count: theft[0], value: theft[1] },
  { reason: 'internal_use', count: internal[0], value: internal[1] },
];

describe('report:write-offs', () => {
  it('adds up by reason and by product to the same grand total, the sum of the ledger values', async () => {
    const data = await ok(report());
    expect(data.reasons).toEqual(reasons([2, 5800], [2, 3045], [1, 1250], [1, 1600]));
    expect(data.items).toEqual([
      {
        productId: products.yogur.id,
        code: 'YOG-01',
        name: 'Yogur frutilla',
        unit: 'unidad',
        quantity: '5.000',
        count: 2,
        byReason: { expired: 5000, damaged: 0, theft: 1250, internal_use: 0 },
        value: 6250,
      },
      {
        productId: products.leche.id,
        code: 'LEC-02',
        name: 'Leche semidescremada',
        unit: 'unidad',
        quantity: '6.000',
        count: 3,
        byReason: { expired: 800, damaged: 2700, theft: 0, internal_use: 1600 },
        value: 5100,
      },
      {
        productId: products.pan.id,
        code: 'PAN-02',
        name: 'Pan amasado',
        unit: 'kg',
        quantity: '0.345',
        count: 1,
        byReason: { expired: 0, damaged: 345, theft: 0, internal_use: 0 },
        value: 345,
      },
    ]);
    expect(data.totals).toEqual({ count: 6, value: 11695 });
    expect(data.total).toBe(3);

    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
    expect(sum(data.reasons.map((r) => r.value))).toBe(data.totals.value);
    expect(sum(data.items.map((p) => p.value))).toBe(data.totals.value);
    for (const row of data.items) expect(sum(Object.values(row.byReason))).toBe(row.value);

    // The ledger's own rows for today's mermas, valued as the ledger holds them.
    let ledger = 0;
    for (const merma of recordedToday) {
      const kardex = await ok(
        admin.emitWithAck('stock:kardex', { warehouseId: merma.warehouseId, productId: merma.productId }),
      );
      const row = kardex.find((m) => m.documentId === merma.id)!;
      expect(row.kind).toBe('write_off');
      ledger += Math.round(-Number(row.quantity) * Number(row.unitCost));
    }
    expect(ledger).toBe(data.totals.value);
  });

  it("follows the period (Chile days) and one store's warehouses", async () => {
    const both = await ok(report({ from: yesterday }));
    expect(both.totals).toEqual({ count: 7, value: 11695 + 2500 });
    expect(both.reasons[0]).toEqual({ reason: 'expired', count: 3, value: 5800 + 2500 });
    expect(both.items[0]).toMatchObject({ code: 'YOG-01', quantity: '7.000', value: 8750 });

    const before = await ok(report({ from: yesterday, to: yesterday }));
    expect(before.totals).toEqual({ count: 1, value: 2500 });
    expect(before.items.map((p) => p.code)).toEqual(['YOG-01']);

    const storeB = await ok(report({ storeId: tenant.stores[1]!.id }));
    expect(storeB.totals).toEqual({ count: 1, value: 2700 });
    expect(storeB.reasons).toEqual(reasons([0, 0], [1, 2700], [0, 0], [0, 0]));
    expect(storeB.items).toEqual([
      expect.objectContaining({ code: 'LEC-02', quantity: '3.000', count: 1, value: 2700 }),
    ]);
  });

  it('pages the products and keeps the totals of the whole period', async () => {
    const page = await ok(report({ offset: 1, limit: 1 }));
    expect(page.items.map((p) => p.code)).toEqual(['LEC-02']);
    expect(page.total).toBe(3);
    expect(page.totals).toEqual({ count: 6, value: 11695 });
  });

  it('exports the whole report as CSV for Excel, adding up both ways', async () => {
    const { filename, csv, rows } = await ok(
      admin.emitWithAck('report:write-offs-csv', { from: yesterday, to: today }),
    );
    expect(filename).toBe(`mermas_${yesterday}_${today}.csv`);
    expect(rows).toBe(3);
    expect(
      csv.startsWith(
        '\uFEFFCódigo;Producto;Unidad;Cantidad;Mermas;Vencido;Dañado;Robo;Consumo interno;Total $\r\n',
      ),
    ).toBe(true);
    expect(parseCsv(csv).map((r) => r.cells)).toEqual([
      [
        'Código',
        'Producto',
        'Unidad',
        'Cantidad',
        'Mermas',
        'Vencido',
        'Dañado',
        'Robo',
        'Consumo interno',
        'Total $',
      ],
      ['YOG-01', 'Yogur frutilla', 'unidad', '7', '3', '7500', '0', '1250', '0', '8750'],
      ['LEC-02', 'Leche semidescremada', 'unidad', '6', '3', '800', '2700', '0', '1600', '5100'],
      ['PAN-02', 'Pan amasado', 'kg', '0,345', '1', '0', '345', '0', '0', '345'],
      ['', 'Total', '', '', '7', '8300', '3045', '1250', '1600', '14195'],
    ]);
  });

  it('is read by the owner and admins only, each company its own, over a valid period', async () => {
    const supervisor = await world.signIn(tenant, tenant.emails.supervisor, {
      storeId: tenant.stores[0]!.id,
    });
    expect(await report({}, supervisor)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const owner = await world.signIn(tenant, tenant.emails.owner, { screen: 'backoffice' });
    expect((await ok(report({}, owner))).totals).toEqual({ count: 6, value: 11695 });

    const otherAdmin = await world.signIn(other, other.emails.admin, { screen: 'backoffice' });
    expect(await ok(report({}, otherAdmin))).toEqual({
      items: [],
      total: 0,
      reasons: reasons([0, 0], [0, 0], [0, 0], [0, 0]),
      totals: { count: 0, value: 0 },
    });
    // Another company's store id names nothing of this one.
    expect((await ok(report({ storeId: other.stores[0]!.id }))).totals).toEqual({ count: 0, value: 0 });

    expect(await report({ from: today, to: yesterday })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
  });
});
