/**
 * The back office's catalog commands over real sockets: the paged, filtered product list, a
 * product with every store's price, categories, audited price changes and imports; who may run
 * them, and that one tenant never reaches another's products.
 */
import type { ProductInput } from '@erp/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestClient, TestServer, TestTenant } from '../../test/harness.ts';
import { useTestServer } from '../../test/test-server-fixture.ts';
import { withTenant } from '../platform/orm.ts';

let server: TestServer;
let tenant: TestTenant;
let other: TestTenant;
let admin: TestClient;
let cashier: TestClient;
let otherAdmin: TestClient;

type Input = Omit<
  ProductInput,
  'brand' | 'unit' | 'weighable' | 'plu' | 'exempt' | 'additionalTax' | 'active' | 'barcodes'
> &
  Partial<ProductInput>;

const product = (p: Input): ProductInput => ({
  brand: '',
  unit: 'unidad',
  weighable: false,
  plu: null,
  exempt: false,
  additionalTax: null,
  active: true,
  barcodes: [],
  ...p,
});

const SEED: ProductInput[] = [
  product({
    code: 'LEC-1',
    name: 'Leche entera 1 L',
    category: 'Lácteos',
    price: 1190,
    barcodes: ['7800000000011'],
  }),
  product({ code: 'LEC-2', name: 'Leche descremada 1 L', category: 'Lácteos', price: 1150 }),
  product({ code: 'YOG-1', name: 'Yogur frutilla', category: 'Lácteos', price: 450, active: false }),
  product({
    code: 'PAN-1',
    name: 'Pan marraqueta',
    category: 'Panadería',
    price: 2490,
    unit: 'kg',
    weighable: true,
    plu: 11,
  }),
  product({ code: 'ARR-1', name: 'Arroz grado 1', category: 'Almacén', price: 1590 }),
];
const ids: Record<string, string> = {};

async function ok<T>(promise: Promise<{ ok: boolean; data?: T; error?: unknown }>): Promise<T> {
  const result = await promise;
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.data as T;
}

const auditOf = (kind: string) =>
  withTenant(server.orm, tenant.tenantId, (em) =>
    em.execute<{ user_id: string; details: Record<string, unknown> }[]>(
      'select user_id, details from audit_log where kind = ? order by id',
      [kind],
    ),
  );

const world = useTestServer(['boc', 'boc-o']);
beforeAll(async () => {
  ({
    server,
    tenants: [tenant, other],
  } = world);
  const connect = (t: TestTenant, email: string, screen: string) => world.signIn(t, email, { screen });
  [admin, cashier, otherAdmin] = await Promise.all([
    connect(tenant, tenant.emails.admin, 'backoffice'),
    connect(tenant, tenant.emails.cashier, 'pos'),
    connect(other, other.emails.admin, 'backoffice'),
  ]);
  for (const p of SEED) ids[p.code] = (await ok(admin.emitWithAck('product:save', p))).id;
  // The other tenant has a product with the same name, code and barcode.
  await ok(otherAdmin.emitWithAck('product:save', SEED[0]!));
}, 60_000);

const names = (page: { items: { name: string }[] }) => page.items.map((p) => p.name);

describe('product list', () => {
  it('pages the active products by name with the total', async () => {
    const first = await ok(admin.emitWithAck('product:list', { limit: 3 }));
    expect(first.total).toBe(4);
    expect(names(first)).toEqual(['Arroz grado 1', 'Leche descremada 1 L', 'Leche entera 1 L']);
    expect(first.items[2]).toMatchObject({ code: 'LEC-1', price: 1190, barcodes: ['7800000000011'] });
    const second = await ok(admin.emitWithAck('product:list', { offset: 3, limit: 3 }));
    expect(names(second)).toEqual(['Pan marraqueta']);
    expect(second.total).toBe(4);
  });

  it('matches words, an exact barcode or code, and filters by category, status and weighing', async () => {
    expect(names(await ok(admin.emitWithAck('product:list', { query: 'leche ENTERA' })))).toEqual([
      'Leche entera 1 L',
    ]);
    expect(names(await ok(admin.emitWithAck('product:list', { query: '7800000000011' })))).toEqual([
      'Leche entera 1 L',
    ]);
    expect(names(await ok(admin.emitWithAck('product:list', { query: 'PAN-1' })))).toEqual([
      'Pan marraqueta',
    ]);
    const dairy = await ok(admin.emitWithAck('product:list', { category: 'Lácteos', status: 'all' }));
    expect(names(dairy)).toEqual(['Leche descremada 1 L', 'Leche entera 1 L', 'Yogur frutilla']);
    const inactive = await ok(admin.emitWithAck('product:list', { status: 'inactive' }));
    expect(names(inactive)).toEqual(['Yogur frutilla']);
    const weighed = await ok(admin.emitWithAck('product:list', { weighable: true }));
    expect(names(weighed)).toEqual(['Pan marraqueta']);
    const query = await ok(admin.emitWithAck('product:list', { query: 'leche', category: 'Almacén' }));
    expect(query).toEqual({ items: [], total: 0 });
  });

  it("lists only this tenant's products and categories", async () => {
    const mine = await ok(otherAdmin.emitWithAck('product:list', { status: 'all' }));
    expect(mine.total).toBe(1);
    expect(mine.items[0]!.id).not.toBe(ids['LEC-1']);
    expect(await ok(admin.emitWithAck('product:categories', {}))).toEqual([
      'Almacén',
      'Lácteos',
      'Panadería',
    ]);
    expect(await ok(otherAdmin.emitWithAck('product:categories', {}))).toEqual(['Lácteos']);
  });
});

describe('product detail and prices', () => {
  it('shows every store price, audits base and store price changes, not other edits', async () => {
    const [storeA, storeB] = tenant.stores;
    await ok(
      admin.emitWithAck('product:set-store-price', {
        productId: ids['ARR-1']!,
        storeId: storeB!.id,
        price: 1690,
      }),
    );
    const detail = await ok(admin.emitWithAck('product:get', { id: ids['ARR-1']! }));
    expect(detail).toMatchObject({
      code: 'ARR-1',
      price: 1590,
      storePrices: [{ storeId: storeB!.id, price: 1690 }],
    });

    const { storePrices: _, version: __, ...input } = detail;
    await ok(admin.emitWithAck('product:save', { ...input, name: 'Arroz grado 1 (1 kg)' }));
    await ok(admin.emitWithAck('product:save', { ...input, name: 'Arroz grado 1 (1 kg)', price: 1650 }));
    await ok(
      admin.emitWithAck('product:set-store-price', {
        productId: ids['ARR-1']!,
        storeId: storeA!.id,
        price: 1600,
      }),
    );
    await ok(
      admin.emitWithAck('product:set-store-price', {
        productId: ids['ARR-1']!,
        storeId: storeB!.id,
        price: null,
      }),
    );
    // Setting the same price again is no change.
    await ok(
      admin.emitWithAck('product:set-store-price', {
        productId: ids['ARR-1']!,
        storeId: storeA!.id,
        price: 1600,
      }),
    );

    const entries = await auditOf('price_change');
    expect(entries.map((e) => e.details)).toEqual([
      expect.objectContaining({ storeId: storeB!.id, before: null, after: 1690 }),
      {
        productId: ids['ARR-1'],
        code: 'ARR-1',
        name: 'Arroz grado 1 (1 kg)',
        storeId: null,
        before: 1590,
        after: 1650,
      },
      expect.objectContaining({ storeId: storeA!.id, before: null, after: 1600 }),
      expect.objectContaining({ storeId: storeB!.id, before: 1690, after: null }),
    ]);
    expect(entries.every((e) => e.user_id === tenant.users[tenant.emails.admin])).toBe(true);
    expect((await ok(admin.emitWithAck('product:get', { id: ids['ARR-1']! }))).storePrices).toEqual([
      { storeId: storeA!.id, price: 1600 },
    ]);
  });

  it("never reads or changes another tenant's product", async () => {
    const read = await otherAdmin.emitWithAck('product:get', { id: ids['LEC-1']! });
    expect(read).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const price = await otherAdmin.emitWithAck('product:set-store-price', {
      productId: ids['LEC-1']!,
      storeId: other.stores[0]!.id,
      price: 1,
    });
    expect(price).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect((await ok(admin.emitWithAck('product:get', { id: ids['LEC-1']! }))).storePrices).toEqual([]);
  });
});

describe('imports and roles', () => {
  it('audits an applied import with its counts', async () => {
    const csv = 'codigo;nombre;precio\nFID-1;Fideos spaghetti 400 g;890\nLEC-2;Leche descremada 1 L;1250\n';
    const result = await ok(admin.emitWithAck('catalog:import-apply', { csv }));
    expect(result).toMatchObject({ created: 1, updated: 1 });
    const [entry] = await auditOf('catalog_import');
    expect(entry!.details).toEqual({ importId: result.importId, created: 1, updated: 1 });
  });

  it('refuses every catalog edit and back-office read to a cashier', async () => {
    const id = ids['LEC-1']!;
    const results = await Promise.all([
      cashier.emitWithAck('product:list', {}),
      cashier.emitWithAck('product:get', { id }),
      cashier.emitWithAck('product:categories', {}),
      cashier.emitWithAck('product:save', SEED[0]!),
      cashier.emitWithAck('product:set-store-price', {
        productId: id,
        storeId: tenant.stores[0]!.id,
        price: 1,
      }),
      cashier.emitWithAck('label:set-rules', { rules: [] }),
      cashier.emitWithAck('catalog:import-preview', { csv: 'codigo\nX' }),
      cashier.emitWithAck('catalog:import-apply', { csv: 'codigo\nX' }),
    ]);
    for (const result of results) expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect((await ok(admin.emitWithAck('product:get', { id }))).price).toBe(1190);
  });
});
