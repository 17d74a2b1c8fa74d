/**
 * Inside one company, a person bound to a store acts only in that store. Warehouse, terminal,
 * sale, transfer and count ids arrive in payloads, so the server resolves each id's store and
 * refuses another store's with STORE_SCOPE, writing nothing; the same person's commands in their
 * own store go through. A store-B warehouse worker and a store-B cashier attack store A.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD, TEST_PIN, type TestClient } from '../../test/harness.ts';
import type { Till } from '../../test/selling.ts';
import { useSellingFixture } from '../../test/selling-fixture.ts';
import { withTenant } from '../platform/orm.ts';

const [PAN, LECHE] = [0, 1];
const shop = useSellingFixture({
  label: 'scope',
  stock: '100',
  everyStore: true,
  cafs: [
    [39, 1, 50],
    [61, 1, 20],
  ],
});

type Answer<T = unknown> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

async function ok<T>(promise: Promise<Answer<T>>): Promise<T> {
  const result = await promise;
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.data;
}

/** The answer is a store-scope refusal; returns its message. */
async function refused(promise: Promise<Answer>): Promise<string> {
  const answer = await promise;
  expect(answer).toMatchObject({ ok: false, error: { code: 'STORE_SCOPE' } });
  return answer.ok ? '' : answer.error.message;
}

let storeA: { id: string; warehouseId: string; terminalIds: string[] };
let storeB: typeof storeA;
/** A warehouse worker bound to store B, on a tablet. */
let tabletB: TestClient;
/** Store A's own warehouse worker. */
let tabletA: TestClient;
/** Store B's cashier at B's first till. */
let tillB: Till;
let supplierId: string;
let saleA: string;
let saleB: string;

async function sell(till: Till, productIndex = LECHE): Promise<string> {
  const product = shop.products[productIndex]!;
  const sale = await ok(
    till.socket.emitWithAck('sale:commit', {
      saleId: randomUUID(),
      terminalId: till.terminalId,
      cashSessionId: till.cashSessionId,
      lines: [{ productId: product.id, quantity: '1', unitPrice: product.price }],
      payments: [{ method: 'cash', tendered: product.price }],
    }),
  );
  return sale.saleId;
}

/**
 * What store A holds, as one value to compare before and after an attack: its stock levels and
 * minimums, movements, transfers, counts and their scans, goods receipts, and every copy of a
 * receipt printed anywhere.
 */
async function storeAState() {
  const [row] = await withTenant(shop.server.orm, shop.tenant.tenantId, (em) =>
    em.execute<{ state: unknown }[]>(
      `select json_build_object(
         'levels', (select json_agg(json_build_object('p', product_id, 'q', quantity::text,
                      'min', min_quantity::text) order by product_id)
                      from stock_level where warehouse_id = ?),
         'movements', (select count(*) from stock_movement where warehouse_id = ?),
         'transfers', (select json_agg(json_build_object('id', id, 'status', status) order by id)
                         from stock_transfer where ? in (from_warehouse_id, to_warehouse_id)),
         'counts', (select json_agg(json_build_object('id', id, 'status', status) order by id)
                      from stock_count where warehouse_id = ?),
         'scans', (select count(*) from stock_count_scan s join stock_count c on c.id = s.count_id
                    where c.warehouse_id = ?),
         'receipts', (select count(*) from goods_receipt where warehouse_id = ?),
         'copies', (select count(*) from print_job where is_copy)
       ) as state`,
      Array(6).fill(storeA.warehouseId),
    ),
  );
  return row!.state;
}

/** Runs an attack and checks it was refused for the store and left store A as it was. */
async function attack(promise: () => Promise<Answer>): Promise<string> {
  const before = await storeAState();
  const message = await refused(promise());
  expect(await storeAState()).toEqual(before);
  return message;
}

beforeAll(async () => {
  const { tenant } = shop;
  [storeA, storeB] = tenant.stores as [typeof storeA, typeof storeA];
  const admin = await shop.signIn(tenant, tenant.emails.admin, { screen: 'backoffice' });
  const email = `bodega-b-${randomUUID().slice(0, 8)}@test.cl`;
  await ok(
    admin.emitWithAck('user:create', {
      email,
      name: 'Bodega B',
      password: TEST_PASSWORD,
      role: 'warehouse',
      storeId: storeB.id,
    }),
  );
  supplierId = (await ok(admin.emitWithAck('supplier:save', { rut: '76.086.428-5', name: 'Proveedor' }))).id;
  [tabletB, tabletA] = await Promise.all([
    shop.signIn(tenant, email, { screen: 'tablet' }),
    shop.signIn(tenant, tenant.emails.warehouse, { screen: 'tablet' }),
  ]);
  tillB = await shop.openTill(storeB.terminalIds[0]!, tenant.emails.cashier2);
  saleA = await sell(shop.till);
  saleB = await sell(tillB);
}, 60_000);

describe('stock commands of a store-B warehouse worker', () => {
  const line = () => [{ productId: shop.products[LECHE]!.id, quantity: '2' }];

  it("stock:adjust: refused on store A's warehouse, done on store B's", async () => {
    const message = await attack(() =>
      tabletB.emitWithAck('stock:adjust', { warehouseId: storeA.warehouseId, lines: line() }),
    );
    expect(message).toBe('La bodega pertenece a otra sucursal.');
    await ok(tabletB.emitWithAck('stock:adjust', { warehouseId: storeB.warehouseId, lines: line() }));
  });

  it("stock:set-minimum: refused on store A's warehouse, done on store B's", async () => {
    const minimum = { productId: shop.products[LECHE]!.id, minimum: '5' };
    await attack(() =>
      tabletB.emitWithAck('stock:set-minimum', { warehouseId: storeA.warehouseId, ...minimum }),
    );
    await ok(tabletB.emitWithAck('stock:set-minimum', { warehouseId: storeB.warehouseId, ...minimum }));
  });

  it("receipt:create: refused into store A's warehouse, done into store B's", async () => {
    const receipt = (warehouseId: string, folio: number) => ({
      supplierId,
      warehouseId,
      documentType: 33 as const,
      folio,
      lines: [{ productId: shop.products[LECHE]!.id, quantity: '3', unitCost: '500' }],
    });
    await attack(() => tabletB.emitWithAck('receipt:create', receipt(storeA.warehouseId, 1001)));
    await ok(tabletB.emitWithAck('receipt:create', receipt(storeB.warehouseId, 1002)));
  });

  it('transfer:send from store A is refused; from store B to A it goes, and only store A receives it', async () => {
    await attack(() =>
      tabletB.emitWithAck('transfer:send', {
        fromWarehouseId: storeA.warehouseId,
        toWarehouseId: storeB.warehouseId,
        lines: line(),
      }),
    );
    const sent = await ok(
      tabletB.emitWithAck('transfer:send', {
        fromWarehouseId: storeB.warehouseId,
        toWarehouseId: storeA.warehouseId,
        lines: line(),
      }),
    );
    // The sender cannot also receive at the destination: that is store A's to confirm.
    await attack(() => tabletB.emitWithAck('transfer:receive', { transferId: sent.id, lines: [] }));
    const received = await ok(tabletA.emitWithAck('transfer:receive', { transferId: sent.id, lines: [] }));
    expect(received.status).toBe('received');
  });

  it("every count command is refused on store A's count; the worker counts store B's", async () => {
    await attack(() => tabletB.emitWithAck('count:start', { warehouseId: storeA.warehouseId }));
    const count = await ok(tabletA.emitWithAck('count:start', { warehouseId: storeA.warehouseId }));
    await ok(tabletA.emitWithAck('count:scan', { countId: count.id, barcode: shop.products[PAN]!.code }));

    await attack(() => tabletB.emitWithAck('count:list', { warehouseId: storeA.warehouseId }));
    await attack(() => tabletB.emitWithAck('count:join', { countId: count.id }));
    await attack(() =>
      tabletB.emitWithAck('count:scan', { countId: count.id, barcode: shop.products[LECHE]!.code }),
    );
    await attack(() => tabletB.emitWithAck('count:close', { countId: count.id }));
    await ok(tabletA.emitWithAck('count:close', { countId: count.id }));
    await attack(() => tabletB.emitWithAck('count:result', { countId: count.id }));
    await attack(() => tabletB.emitWithAck('count:apply', { countId: count.id }));
    await ok(tabletA.emitWithAck('count:apply', { countId: count.id }));

    const own = await ok(tabletB.emitWithAck('count:start', { warehouseId: storeB.warehouseId }));
    expect(
      (await ok(tabletB.emitWithAck('count:list', { warehouseId: storeB.warehouseId }))).map((c) => c.id),
    ).toEqual([own.id]);
    await ok(tabletB.emitWithAck('count:join', { countId: own.id }));
    await ok(tabletB.emitWithAck('count:scan', { countId: own.id, barcode: shop.products[LECHE]!.code }));
    await ok(tabletB.emitWithAck('count:close', { countId: own.id }));
    await ok(tabletB.emitWithAck('count:result', { countId: own.id }));
    await ok(tabletB.emitWithAck('count:apply', { countId: own.id }));
  });
});

describe('till commands of a store-B cashier', () => {
  it("print:reprint: a sale of store A is refused; B's own sale is reprinted, but not at A's terminal", async () => {
    await attack(() => tillB.socket.emitWithAck('print:reprint', { saleId: saleA }));
    await attack(() =>
      tillB.socket.emitWithAck('print:reprint', { saleId: saleB, terminalId: storeA.terminalIds[0]! }),
    );
    const copy = await ok(
      tillB.socket.emitWithAck('print:reprint', { saleId: saleB, terminalId: tillB.terminalId }),
    );
    expect(copy.reprintOf).toBe(saleB);
  });

  it("sale:return restocks only into the cashier's store", async () => {
    const returning = (warehouseId: string) => ({
      returnId: randomUUID(),
      terminalId: tillB.terminalId,
      cashSessionId: tillB.cashSessionId,
      original: { saleId: saleB },
      warehouseId,
      refundMethod: 'cash' as const,
      reason: 'Producto vencido',
      approval: { email: shop.tenant.emails.supervisor, pin: TEST_PIN },
    });
    const drawer = async () =>
      (await ok(tillB.socket.emitWithAck('cash:report', { sessionId: tillB.cashSessionId }))).totals;
    const before = await drawer();
    await attack(() => tillB.socket.emitWithAck('sale:return', returning(storeA.warehouseId)));
    expect(await drawer()).toEqual(before);
    await ok(tillB.socket.emitWithAck('sale:return', returning(storeB.warehouseId)));
    expect((await drawer()).returnCount).toBe(before.returnCount + 1);
  });

  it("a supervisor working at store B neither opens, reads nor moves store A's drawers", async () => {
    const supervisorB = await shop.signIn(shop.tenant, shop.tenant.emails.supervisor, {
      storeId: storeB.id,
      screen: 'pos',
    });
    const drawerA = { sessionId: shop.till.cashSessionId };
    const before = await ok(shop.till.socket.emitWithAck('cash:report', drawerA));
    await attack(() =>
      supervisorB.emitWithAck('cash:open', { terminalId: storeA.terminalIds[1]!, openingFloat: 0 }),
    );
    await attack(() => supervisorB.emitWithAck('cash:report', drawerA));
    await attack(() =>
      supervisorB.emitWithAck('cash:move', { ...drawerA, kind: 'out', amount: 1000, reason: 'Retiro' }),
    );
    expect(await ok(shop.till.socket.emitWithAck('cash:report', drawerA))).toEqual(before);
    const unopened = { terminalId: storeA.terminalIds[1]! };
    expect(await ok(shop.till.socket.emitWithAck('cash:current', unopened))).toBeNull();
    await ok(supervisorB.emitWithAck('cash:report', { sessionId: tillB.cashSessionId }));
  });

  it("cash:current answers for the cashier's own terminals only", async () => {
    await refused(tillB.socket.emitWithAck('cash:current', { terminalId: shop.till.terminalId }));
    const own = await ok(tillB.socket.emitWithAck('cash:current', { terminalId: tillB.terminalId }));
    expect(own?.id).toBe(tillB.cashSessionId);
    // A tenant-wide owner still sees every store's drawers.
    const owner = await shop.signIn(shop.tenant, shop.tenant.emails.owner, { screen: 'backoffice' });
    const seen = await ok(owner.emitWithAck('cash:current', { terminalId: shop.till.terminalId }));
    expect(seen?.id).toBe(shop.till.cashSessionId);
  });

  it('store:list shows a store-bound person only their store; the owner sees every store', async () => {
    const stores = await ok(tillB.socket.emitWithAck('store:list', {}));
    expect(stores.map((s) => s.id)).toEqual([storeB.id]);
    expect(stores[0]!.terminals.map((t) => t.id).sort()).toEqual([...storeB.terminalIds].sort());
    expect(stores[0]!.warehouses.map((w) => w.id)).toEqual([storeB.warehouseId]);
    const owner = await shop.signIn(shop.tenant, shop.tenant.emails.owner, { screen: 'backoffice' });
    expect((await ok(owner.emitWithAck('store:list', {}))).map((s) => s.id).sort()).toEqual(
      [storeA.id, storeB.id].sort(),
    );
  });
});
