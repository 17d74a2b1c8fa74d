/**
 * Catalog over real sockets on the 5,000-product demo catalog: search, look-ups, the versioned
 * feed a POS syncs from, live product and price events, scale labels and the CSV import.
 */
import { buildScaleLabel, gramsPreset, pesosPreset } from '@erp/shared/scale-label';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { nextEvent, type TestClient, type TestServer, type TestTenant } from '../../test/harness.ts';
import { useTestServer } from '../../test/test-server-fixture.ts';
import { demoProducts, seedDemoCatalog } from './demo-catalog.ts';

let server: TestServer;
let tenant: TestTenant;
let other: TestTenant;
let admin: TestClient;
let posA: TestClient;
let posB: TestClient;
let otherTenant: TestClient;
/** The demo generator is deterministic except for ids (unique per seed): tests find products by code. */
const demo = demoProducts(5000);
const byName = (name: string) => demo.find((p) => p.name === name)!;

const world = useTestServer(['cat', 'cat-o']);
beforeAll(async () => {
  ({
    server,
    tenants: [tenant, other],
  } = world);
  await seedDemoCatalog(server.orm, tenant.tenantId, 5000);
  const connect = (t: TestTenant, email: string, store: number, screen: string) =>
    world.signIn(t, email, { storeId: t.stores[store]!.id, screen });
  [admin, posA, posB, otherTenant] = await Promise.all([
    connect(tenant, tenant.emails.admin, 0, 'backoffice'),
    connect(tenant, tenant.emails.cashier, 0, 'pos'),
    connect(tenant, tenant.emails.cashier2, 1, 'pos'),
    connect(other, other.emails.admin, 0, 'backoffice'),
  ]);
}, 60_000);

async function ok<T>(promise: Promise<{ ok: boolean; data?: T; error?: unknown }>): Promise<T> {
  const result = await promise;
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.data as T;
}

const search = (query: string, socket = posA) => ok(socket.emitWithAck('product:search', { query }));

/** The seeded product named so, as the back office would edit it. */
async function editable(name: string) {
  const {
    storePrice: _,
    version: __,
    ...input
  } = await ok(admin.emitWithAck('product:lookup', { code: byName(name).code }));
  return input;
}

describe('search on the demo catalog', () => {
  it('matches every word as a word prefix, in any case and without accents', async () => {
    const results = await search('LECHE entera colun');
    expect(results.map((p) => p.name)).toEqual(
      expect.arrayContaining([
        'Leche Entera Colun 200 ml',
        'Leche Entera Colun 1 L',
        'Leche Entera Colun 6 x 1 L',
      ]),
    );
    for (const p of results) expect(p.name).toMatch(/^Leche Entera Colun/);

    const cafe = await search('cafe haiti');
    expect(cafe.length).toBeGreaterThan(0);
    for (const p of cafe) expect(p.name).toMatch(/Caf[eé] .*Haití/);

    expect((await search('ron anejo')).map((p) => p.name)).toContain('Ron Añejo Havana Club 700 ml');
    expect((await search('yog bat fru')).every((p) => p.name.startsWith('Yoghurt Batido Frutilla'))).toBe(
      true,
    );
  });

  it('does not match inside words, and puts names that start with the query first', async () => {
    expect(await search('eche entera')).toEqual([]);
    const palta = await search('palta');
    expect(palta[0]!.name).toBe('Palta Hass');
  });

  it('finds a product by barcode or internal code, first', async () => {
    const milk = byName('Leche Entera Colun 1 L');
    const [byBarcode] = await search(milk.barcodes[0]!);
    expect(byBarcode).toMatchObject({
      code: milk.code,
      name: milk.name,
      price: milk.price,
      barcodes: milk.barcodes,
    });
    expect((await search(milk.code))[0]!.id).toBe(byBarcode!.id);
    expect(await ok(posA.emitWithAck('product:lookup', { code: milk.barcodes[0]! }))).toMatchObject({
      id: byBarcode!.id,
    });
    expect(await posA.emitWithAck('product:lookup', { code: '7809999999999' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });

  it("never returns another tenant's products", async () => {
    expect(await search('leche', otherTenant)).toEqual([]);
  });
});

describe('catalog feed and live changes', () => {
  it('a POS takes a snapshot, then pulls only what changed and hears product and price events', async () => {
    const snapshot = await ok(posA.emitWithAck('catalog:snapshot', {}));
    expect(snapshot.products).toHaveLength(5000);
    expect(snapshot.storeId).toBe(tenant.stores[0]!.id);

    const input = await editable('Leche Entera Colun 1 L');
    const { id } = input;
    const heardProduct = nextEvent<{ changes: { id: string; price: number }[] }>(posB, 'product:changed');
    const heardPrice = nextEvent<{ changes: unknown[] }>(posB, 'price:changed');
    const notHeard = nextEvent(otherTenant, 'product:changed', 500);
    const saved = await ok(admin.emitWithAck('product:save', { ...input, price: 1890 }));
    expect(saved).toMatchObject({ id, price: 1890, storePrice: null });
    expect((await heardProduct)?.changes).toEqual([expect.objectContaining({ id, price: 1890 })]);
    expect((await heardPrice)?.changes).toEqual([
      { productId: id, storeId: null, price: 1890, version: saved.version },
    ]);
    expect(await notHeard).toBeUndefined();

    const changes = await ok(posA.emitWithAck('catalog:changes', { since: snapshot.version }));
    expect(changes.products.map((p) => p.id)).toEqual([id]);
    expect(changes.version).toBe(saved.version);

    // A store's own price reaches that store only, and shows in its feed.
    const storeB = nextEvent<{ changes: unknown[] }>(posB, 'price:changed', 500);
    const storeA = nextEvent<{ changes: unknown[] }>(posA, 'price:changed');
    await ok(
      admin.emitWithAck('product:set-store-price', {
        productId: id,
        storeId: tenant.stores[0]!.id,
        price: 1790,
      }),
    );
    expect((await storeA)?.changes).toEqual([expect.objectContaining({ productId: id, price: 1790 })]);
    expect(await storeB).toBeUndefined();
    const [inA] = (await ok(posA.emitWithAck('catalog:changes', { since: changes.version }))).products;
    const [inB] = (await ok(posB.emitWithAck('catalog:changes', { since: changes.version }))).products;
    expect([inA?.storePrice, inB?.storePrice]).toEqual([1790, null]);
    const fullA = await ok(posA.emitWithAck('catalog:snapshot', {}));
    expect(fullA.products.find((p) => p.id === id)).toMatchObject({ price: 1890, storePrice: 1790 });

    // Deactivated: in the changes (so the POS drops it), out of the next snapshot.
    const off = await ok(admin.emitWithAck('product:save', { ...input, price: 1890, active: false }));
    const dropped = await ok(posA.emitWithAck('catalog:changes', { since: off.version - 1 }));
    expect(dropped.products).toEqual([expect.objectContaining({ id, active: false })]);
    // Store B's till asks: a socket's budget holds two whole catalogs at once (realtime limits).
    expect((await ok(posB.emitWithAck('catalog:snapshot', {}))).products).toHaveLength(4999);
  });

  it('refuses a barcode already used by another product, and cashiers cannot edit', async () => {
    const input = await editable('Coca-Cola 500 ml');
    const b = byName('Coca-Cola 1,5 L');
    expect(await admin.emitWithAck('product:save', { ...input, barcodes: b.barcodes })).toMatchObject({
      ok: false,
      error: {
        code: 'CONFLICT',
        message: `El código de barras ${b.barcodes[0]} ya pertenece a ${b.name} (${b.code}).`,
      },
    });
    expect(await posA.emitWithAck('product:save', input)).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
  });
});

describe('scale labels', () => {
  const palta = () => byName('Palta Hass');

  it('reads weight and price labels of a PLU and prices the line', async () => {
    const weight = buildScaleLabel(gramsPreset('20'), palta().plu!, 1250);
    expect(await ok(admin.emitWithAck('label:test', { barcode: weight }))).toMatchObject({
      outcome: 'scale_label',
      plu: palta().plu,
      valueKind: 'grams',
      quantity: '1.250',
      amount: Math.round((palta().price * 1250) / 1000),
      product: { code: palta().code, name: 'Palta Hass' },
    });
    const price = buildScaleLabel(pesosPreset('23'), palta().plu!, 2000);
    expect(await ok(admin.emitWithAck('label:test', { barcode: price }))).toMatchObject({
      outcome: 'scale_label',
      valueKind: 'pesos',
      amount: 2000,
    });
  });

  it('explains bad check digits, unknown PLUs and codes outside the rules', async () => {
    const good = buildScaleLabel(gramsPreset('20'), palta().plu!, 1250);
    const bad = `${good.slice(0, 12)}${(Number(good[12]) + 1) % 10}`;
    expect(await ok(admin.emitWithAck('label:test', { barcode: bad }))).toMatchObject({
      outcome: 'bad_check_digit',
      product: null,
    });
    const unknown = buildScaleLabel(gramsPreset('20'), 99999, 500);
    expect(await ok(admin.emitWithAck('label:test', { barcode: unknown }))).toMatchObject({
      outcome: 'unknown_plu',
      plu: 99999,
      message: 'La etiqueta es válida, pero ningún producto tiene ese PLU.',
    });
    const milk = byName('Leche Entera Colun 200 ml').barcodes[0]!;
    expect(await ok(admin.emitWithAck('label:test', { barcode: milk }))).toMatchObject({
      outcome: 'no_rule',
    });
  });

  it('uses the rules the tenant configures', async () => {
    const rules = [{ prefix: '25', pluLength: 4, valueKind: 'pesos' as const, valueLength: 6 }];
    expect(await ok(admin.emitWithAck('label:set-rules', { rules }))).toEqual(rules);
    const label = buildScaleLabel(rules[0]!, palta().plu!, 1500);
    expect(await ok(admin.emitWithAck('label:test', { barcode: label }))).toMatchObject({
      outcome: 'scale_label',
      amount: 1500,
    });
    await ok(admin.emitWithAck('label:set-rules', { rules: [] }));
  });
});

describe('CSV import', () => {
  const bread = () => byName('Pan Marraqueta');
  const juice = () => byName('Jugo Néctar Durazno Watts 1,5 L');

  it('previews creations, updates and errors, refuses to apply with errors, then applies with progress', async () => {
    const csv = [
      'codigo;nombre;precio;codigos_barra;unidad;pesable',
      `NUEVO-1;Sopaipillas congeladas;2.490;7801999000017;un;no`,
      `${bread().code};${bread().name};$1.990;;kg;si`,
      `NUEVO-2;Empanada de queso;1500;${juice().barcodes[0]};un;no`,
      `NUEVO-3;"Queso ""Chanco"" laminado";abc;;un;no`,
      `NUEVO-1;Repetido;100;;un;no`,
    ].join('\r\n');
    const preview = await ok(admin.emitWithAck('catalog:import-preview', { csv }));
    expect(preview).toEqual({
      total: 5,
      toCreate: [{ line: 2, code: 'NUEVO-1', name: 'Sopaipillas congeladas' }],
      toUpdate: [{ line: 3, code: bread().code, name: bread().name, changes: ['precio'] }],
      unchanged: 0,
      errors: [
        {
          line: 4,
          message: `El código de barras ${juice().barcodes[0]} ya pertenece a ${juice().name} (${juice().code}).`,
        },
        { line: 5, message: 'Valor no válido en precio.' },
        { line: 6, message: 'El código NUEVO-1 ya aparece en la línea 2.' },
      ],
    });
    expect(await admin.emitWithAck('catalog:import-apply', { csv })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });

    const clean = [
      'codigo,nombre,precio',
      ...Array.from({ length: 1200 }, (_, i) => `IMP-${i},Producto importado ${i},${990 + i}`),
      `${bread().code},${bread().name},1990`,
    ].join('\n');
    const progress: { processed: number; total: number }[] = [];
    admin.on('catalog:import-progress', (p) => progress.push(p));
    const changed: unknown[] = [];
    posA.on('product:changed', (p) => changed.push(p));
    const result = await ok(admin.emitWithAck('catalog:import-apply', { csv: clean }));
    expect(result).toMatchObject({ created: 1200, updated: 1 });
    // Progress travels through the rooms (Redis), the answer straight back: either may come first.
    await vi.waitFor(() => expect(progress.map((p) => p.processed)).toEqual([500, 1000, 1201]), {
      timeout: 2000,
    });
    // One message per chunk of rows, not one per product: wait for it, then make sure no second one follows.
    await vi.waitFor(() => expect(changed.length).toBeGreaterThan(0), { timeout: 2000 });
    await new Promise((r) => setTimeout(r, 200));
    expect(changed.length).toBe(1);
    expect((changed[0] as { changes: unknown[] }).changes).toHaveLength(1201);
    expect((await search('producto importado 1199'))[0]).toMatchObject({ code: 'IMP-1199', price: 2189 });
  });
});
