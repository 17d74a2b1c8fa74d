/**
 * The store node's server side: folio leases for store hubs and the offline sales they
 * synchronise, against real PostgreSQL, Redis and Socket.IO, with scripted hubs (socket.io
 * clients with hub credentials) that stamp TEDs with sii-core's code and the opened lease key.
 */
import { makeTestCertificate } from '@erp/sii-core/test-authority';
import { beforeAll, describe, expect, it } from 'vitest';
import { nextEvent, type TestClient, type TestServer, type TestTenant } from '../../test/harness.ts';
import { connectHub, issueHubCredential } from '../../test/hubs.ts';
import { ScriptedHub } from '../../test/scripted-hub.ts';
import {
  addCaf,
  addProducts,
  openTill,
  receiveStock,
  type TestProduct,
  type Till,
} from '../../test/selling.ts';
import { useSellingFixture } from '../../test/selling-fixture.ts';
import { startTestPipeline } from '../../test/sii-pipeline.ts';
import { waitUntil } from '../../test/wait.ts';
import { withTenant } from '../platform/orm.ts';
import { storeCertificate } from '../sii/certificate.store.ts';

let server: TestServer;
let tenant: TestTenant;
let other: TestTenant;
let products: TestProduct[];
let till: Till;
let tillB: Till;
let admin: TestClient;
let wall: TestClient;
let hubA: ScriptedHub;
let hubB: ScriptedHub;
let cashier: string;
let cashierB: string;
const [PAN, LECHE, BEBIDA, HUEVOS] = [0, 1, 2, 3];
const PFX_PASSWORD = 'clave-del-pfx-lease';

const shop = useSellingFixture({
  label: 'lease',
  others: ['lease-other'],
  stock: '1000',
  stocked: [PAN, LECHE, HUEVOS],
  everyStore: true,
  cafs: [
    [39, 1, 5000],
    [41, 1, 1000],
  ],
});

async function query<T>(sql: string, params: unknown[] = [], tenantId = tenant.tenantId): Promise<T[]> {
  return withTenant(server.orm, tenantId, (em) => em.execute<T[]>(sql, params));
}

async function ok<T>(answer: Promise<{ ok: boolean; data?: unknown; error?: unknown }>): Promise<T> {
  const result = await answer;
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.data as T;
}

async function hubFor(storeId: string, t: TestTenant = tenant, name = 'Hub tienda') {
  const credential = await issueHubCredential(
    t === tenant ? admin : await shop.signIn(t, t.emails.admin),
    storeId,
    name,
  );
  const socket = await connectHub(server.url, t.slug, credential);
  shop.keep(socket);
  return { hub: new ScriptedHub(socket), credential };
}

/** Online sales at a till, as the POS sends them. */
function sellOnline(t: Till, count: number) {
  return Promise.all(
    Array.from({ length: count }, () =>
      ok<{ folio: number }>(
        t.socket.emitWithAck('sale:commit', {
          saleId: crypto.randomUUID(),
          terminalId: t.terminalId,
          cashSessionId: t.cashSessionId,
          lines: [{ productId: products[LECHE]!.id, quantity: '1', unitPrice: 1190 }],
          payments: [{ method: 'cash', tendered: 2000 }],
        }),
      ),
    ),
  );
}

type NodeState = { storeId: string; hubOnline: boolean; offlineSince: string | null; pending: number };

/** The wall's next `store-node:state` that matches. */
function nodeEvent(matches: (state: NodeState) => boolean): Promise<NodeState> {
  return new Promise((resolve) => {
    const listener = (state: NodeState) => {
      if (!matches(state)) return;
      wall.off('store-node:state', listener);
      resolve(state);
    };
    wall.on('store-node:state', listener);
  });
}

beforeAll(async () => {
  ({ server, tenant, products, till } = shop);
  other = shop.tenants[1]!;
  cashier = tenant.users[tenant.emails.cashier]!;
  cashierB = tenant.users[tenant.emails.cashier2]!;
  admin = await shop.signIn(tenant, tenant.emails.admin, { screen: 'backoffice' });
  wall = await shop.signIn(tenant, tenant.emails.supervisor, { screen: 'wall' });
  tillB = await openTill(server, tenant, tenant.stores[1]!.terminalIds[0]!, tenant.emails.cashier2);
  shop.keep(tillB.socket);
  for (const store of tenant.stores.slice(0, 2)) {
    await ok(
      admin.emitWithAck('folio-lease:save-settings', { storeId: store.id, sizes: { 39: 40, 41: 10, 33: 0 } }),
    );
  }
  ({ hub: hubA } = await hubFor(tenant.stores[0]!.id));
  ({ hub: hubB } = await hubFor(tenant.stores[1]!.id));
});

describe('folio leases', () => {
  it('leases each type inside one CAF, sealed to the hub, carved from the online counter, never overlapping', async () => {
    const a = await hubA.lease();
    const b = await hubB.lease();
    expect(a.ok && b.ok).toBe(true);
    expect(a.data!.leases.map((l) => [l.docType, l.to - l.from + 1])).toEqual([
      [39, 40],
      [41, 10],
    ]);
    const cafs = await query<{
      id: string;
      doc_type: number;
      folio_from: number;
      folio_to: number;
      next_folio: number;
    }>('select id, doc_type, folio_from, folio_to, next_folio from caf');
    const leases = [...a.data!.leases, ...b.data!.leases];
    for (const lease of leases) {
      const caf = cafs.find((c) => c.id === lease.cafId)!;
      expect(caf.doc_type).toBe(lease.docType);
      expect(lease.from).toBeGreaterThanOrEqual(caf.folio_from);
      expect(lease.to).toBeLessThanOrEqual(caf.folio_to);
      // The online counter moved past every leased folio.
      expect(caf.next_folio).toBeGreaterThan(lease.to);
      for (const another of leases) {
        if (another !== lease && another.docType === lease.docType) {
          expect(another.to < lease.from || another.from > lease.to).toBe(true);
        }
      }
    }
    // Asking again with nothing used refills nothing; the same leases come back.
    const again = await hubA.lease();
    expect(again.data!.leases.map((l) => l.leaseId)).toEqual(a.data!.leases.map((l) => l.leaseId));
    // Another key for the same credential is refused.
    const stranger = new ScriptedHub(hubA.socket);
    expect((await stranger.lease(stranger.keys.publicKey)).error).toMatchObject({ code: 'HUB_KEY_MISMATCH' });
    // The database refuses an overlapping lease outright.
    await expect(
      query(
        `insert into folio_lease (id, tenant_id, store_id, device_id, caf_id, doc_type, folio_from, folio_to)
         select gen_random_uuid(), tenant_id, store_id, device_id, caf_id, doc_type, folio_to, folio_to + 5 from folio_lease limit 1`,
      ),
    ).rejects.toThrow(/folio_lease_no_overlap/);
  });

  it('two stores selling online and offline at once never share a folio', async () => {
    const offlineA = await Promise.all(
      Array.from({ length: 8 }, () =>
        hubA.sell(server.orm, till, cashier, [{ product: products[LECHE]!, quantity: '1' }]),
      ),
    );
    const offlineB = await Promise.all(
      Array.from({ length: 8 }, () =>
        hubB.sell(server.orm, tillB, cashierB, [{ product: products[PAN]!, quantity: '0.500' }]),
      ),
    );
    const [online, outA, outB, onlineB] = await Promise.all([
      sellOnline(till, 10),
      hubA.sync(offlineA),
      hubB.sync(offlineB),
      sellOnline(tillB, 5),
    ]);
    expect([...outA, ...outB].map((o) => o.status)).toEqual(Array(16).fill('recorded'));
    const leases = await query<{ device_id: string; folio_from: number; folio_to: number }>(
      `select device_id, folio_from, folio_to from folio_lease where doc_type = 39`,
    );
    for (const { folio } of [...online, ...onlineB]) {
      expect(leases.some((l) => folio >= l.folio_from && folio <= l.folio_to)).toBe(false);
    }
    const leaseA = hubA.leases.find((l) => l.docType === 39)!;
    expect(outA.every((o) => o.result!.folio >= leaseA.from && o.result!.folio <= leaseA.to)).toBe(true);
    const folios = await query<{ folio: number }>('select folio from sale where doc_type = 39');
    expect(new Set(folios.map((f) => f.folio)).size).toBe(folios.length);
    expect(folios.length).toBe(31);
    // Each offline sale went into its till's cash session, with its TED as stamped.
    const [session] = await query<{ ticket_count: number }>(
      'select ticket_count from cash_session where id = ?',
      [till.cashSessionId],
    );
    expect(session!.ticket_count).toBe(18);
    const stored = await query<{ ted: string }>('select ted from sale where id = ?', [
      offlineA[0]!.sale.saleId,
    ]);
    expect(stored[0]!.ted).toBe(offlineA[0]!.ted);
  });

  it('records prices as sold, audits the ones that differ from the central price at sale time, and negative stock', async () => {
    const soldAt = new Date(Date.now() - 60_000);
    // At sale time the central price was 1190: the hub's 1190 is right, its 990 is not.
    const right = await hubA.sell(server.orm, till, cashier, [{ product: products[LECHE]!, quantity: '2' }], {
      at: soldAt,
    });
    const wrong = await hubA.sell(
      server.orm,
      till,
      cashier,
      [{ product: products[LECHE]!, quantity: '1', unitPrice: 990 }],
      {
        at: soldAt,
      },
    );
    const noStock = await hubA.sell(server.orm, till, cashier, [
      { product: products[BEBIDA]!, quantity: '3' },
    ]);
    // The central price changed after the sales were taken, before they arrive.
    await ok(
      admin.emitWithAck('product:set-store-price', {
        productId: products[LECHE]!.id,
        storeId: tenant.stores[0]!.id,
        price: 1290,
      }),
    );
    const [stockBefore] = await query<{ quantity: string }>(
      'select quantity::text from stock_level where warehouse_id = ? and product_id = ?',
      [tenant.stores[0]!.warehouseId, products[LECHE]!.id],
    );
    const outcomes = await hubA.sync([right, wrong, noStock]);
    expect(outcomes.map((o) => o.status)).toEqual(['recorded', 'recorded', 'recorded']);
    const audits = await query<{ kind: string; details: Record<string, unknown> }>(
      `select kind, details from audit_log where kind in ('offline_price', 'negative_stock') order by created_at`,
    );
    expect(audits.filter((a) => a.kind === 'offline_price')).toEqual([
      {
        kind: 'offline_price',
        details: expect.objectContaining({ saleId: wrong.sale.saleId, centralPrice: 1190, soldPrice: 990 }),
      },
    ]);
    expect(audits.filter((a) => a.kind === 'negative_stock')).toEqual([
      {
        kind: 'negative_stock',
        details: expect.objectContaining({ saleId: noStock.sale.saleId, resultingQuantity: '-3.000' }),
      },
    ]);
    const [line] = await query<{ unit_price: number }>('select unit_price from sale_line where sale_id = ?', [
      wrong.sale.saleId,
    ]);
    expect(Number(line!.unit_price)).toBe(990);
    const [stockAfter] = await query<{ quantity: string }>(
      'select quantity::text from stock_level where warehouse_id = ? and product_id = ?',
      [tenant.stores[0]!.warehouseId, products[LECHE]!.id],
    );
    expect(Number(stockBefore!.quantity) - Number(stockAfter!.quantity)).toBe(3);

    // The connection dropped mid-batch: the hub sends the whole batch again. Nothing doubles.
    const count = async () =>
      (
        await query<{ n: number }>('select count(*)::int as n from sale where cash_session_id = ?', [
          till.cashSessionId,
        ])
      )[0]!.n;
    const sales = await count();
    const repeat = await hubA.sync([right, wrong, noStock]);
    expect(repeat.map((o) => [o.status, o.result!.folio])).toEqual(
      outcomes.map((o) => ['duplicate', o.result!.folio]),
    );
    expect(await count()).toBe(sales);
    const [stockRepeat] = await query<{ quantity: string }>(
      'select quantity::text from stock_level where warehouse_id = ? and product_id = ?',
      [tenant.stores[0]!.warehouseId, products[LECHE]!.id],
    );
    expect(stockRepeat!.quantity).toBe(stockAfter!.quantity);
  });

  it("refuses a folio outside its lease, another hub's lease, a TED that does not verify or match, and a folio used twice", async () => {
    const leaseA = hubA.leases.find((l) => l.docType === 39)!;
    const leaseB = hubB.leases.find((l) => l.docType === 39)!;
    const line = [{ product: products[LECHE]!, quantity: '1' }];
    // A folio of hub B's range under hub A's lease: stamped with the right key, still refused.
    const outside = await hubA.sell(server.orm, till, cashier, line, {
      folio: { lease: leaseA, folio: leaseB.from + 20 },
    });
    // Hub B's lease named by hub A.
    const foreign = await hubA.sell(server.orm, till, cashier, line);
    foreign.leaseId = leaseB.leaseId;
    // A TED whose signature does not verify (its total edited after stamping).
    const forged = await hubA.sell(server.orm, till, cashier, line);
    forged.ted = forged.ted.replace(/<MNT>(\d+)<\/MNT>/, (_m, n) => `<MNT>${Number(n) - 100}</MNT>`);
    // A genuine TED, indented: not the form that is printed and signed.
    const indented = await hubA.sell(server.orm, till, cashier, line);
    indented.ted = indented.ted.replace('<DD>', '\n  <DD>');
    // A genuine TED for another sale: two units sold, one stamped.
    const mismatched = await hubA.sell(server.orm, till, cashier, line);
    mismatched.sale.lines[0]!.quantity = '2';
    mismatched.sale.payments = [{ method: 'cash', tendered: 10_000 }];
    // A folio already used by a recorded sale, with another sale id.
    const recorded = (
      await query<{ folio: number }>(`select folio from offline_sale where lease_id = ? limit 1`, [
        leaseA.leaseId,
      ])
    )[0]!;
    const reused = await hubA.sell(server.orm, till, cashier, line, {
      folio: { lease: leaseA, folio: recorded.folio },
    });
    const before = (await query<{ n: number }>('select count(*)::int as n from sale'))[0]!.n;
    const outcomes = await hubA.sync([outside, foreign, forged, indented, mismatched, reused]);
    expect(outcomes.map((o) => [o.status, o.error?.code])).toEqual([
      ['refused', 'LEASE_REFUSED'],
      ['refused', 'LEASE_REFUSED'],
      ['refused', 'TED_INVALID'],
      ['refused', 'TED_INVALID'],
      ['refused', 'TED_INVALID'],
      ['refused', 'FOLIO_USED'],
    ]);
    expect(outcomes[4]!.error!.message).toContain('monto total');
    expect((await query<{ n: number }>('select count(*)::int as n from sale'))[0]!.n).toBe(before);

    // Their boletas were handed over: the back office lists each, with why, until it is recorded.
    const annul = await ok<{
      ranges: { reason: string; docType: number; from: number; to: number }[];
      refused: { saleId: string; folio: number; total: number; code: string; message: string }[];
    }>(admin.emitWithAck('folio-lease:unused', { storeId: tenant.stores[0]!.id }));
    const sent = [outside, foreign, forged, indented, mismatched, reused];
    expect(annul.refused.map((r) => r.saleId).sort()).toEqual(sent.map((s) => s.sale.saleId).sort());
    for (const [i, sale] of sent.entries()) {
      expect(annul.refused.find((r) => r.saleId === sale.sale.saleId)).toMatchObject({
        folio: sale.folio,
        total: sale.totals.total,
        code: outcomes[i]!.error!.code,
        message: outcomes[i]!.error!.message,
      });
    }
    // Their folios are to annul where they lie in the hub's own lease and no recorded sale has
    // them: not hub B's folio, not the one claimed under B's lease, not the one used before.
    const refusedFolios = annul.ranges
      .filter((r) => r.reason === 'refused')
      .flatMap((r) => Array.from({ length: r.to - r.from + 1 }, (_v, k) => r.from + k));
    expect(refusedFolios.sort((a, b) => a - b)).toEqual([forged.folio, indented.folio, mismatched.folio]);
    // A refusal sent again stays one row.
    await hubA.sync([forged]);
    const rows = await query<{ n: number }>('select count(*)::int as n from offline_sale_refusal');
    expect(rows[0]!.n).toBe(6);
  });

  it('rolls back a refused sale alone: the sales around it in the batch are recorded, stock moved once each', async () => {
    const leaseA = hubA.leases.find((l) => l.docType === 39)!;
    const line = [{ product: products[LECHE]!, quantity: '1' }];
    const stock = async () =>
      (
        await query<{ quantity: string }>(
          'select quantity::text from stock_level where warehouse_id = ? and product_id = ?',
          [tenant.stores[0]!.warehouseId, products[LECHE]!.id],
        )
      )[0]!.quantity;
    const first = await hubA.sell(server.orm, till, cashier, line);
    // Refused only when its sale is written, after its stock was planned: a folio used before.
    const [used] = await query<{ folio: number }>(
      'select folio from offline_sale where lease_id = ? limit 1',
      [leaseA.leaseId],
    );
    const reused = await hubA.sell(server.orm, till, cashier, line, {
      folio: { lease: leaseA, folio: used!.folio },
    });
    const last = await hubA.sell(server.orm, till, cashier, line);
    const before = Number(await stock());
    const outcomes = await hubA.sync([first, reused, last]);
    expect(outcomes.map((o) => [o.status, o.error?.code])).toEqual([
      ['recorded', undefined],
      ['refused', 'FOLIO_USED'],
      ['recorded', undefined],
    ]);
    expect(Number(await stock())).toBe(before - 2);
    const ledger = await query<{ document_id: string; resulting_quantity: string }>(
      `select document_id, resulting_quantity::text from stock_movement
        where document_id = any(?::uuid[]) and product_id = ?`,
      [`{${first.sale.saleId},${reused.sale.saleId},${last.sale.saleId}}`, products[LECHE]!.id],
    );
    expect(Object.fromEntries(ledger.map((m) => [m.document_id, Number(m.resulting_quantity)]))).toEqual({
      [first.sale.saleId]: before - 1,
      [last.sale.saleId]: before - 2,
    });
    expect(await query('select 1 from sale where id = ?', [reused.sale.saleId])).toEqual([]);
    // The refused sale's id is free: sent again with its own folio, it is recorded.
    const fixed = await hubA.sell(server.orm, till, cashier, line);
    const again = await hubA.sync([{ ...fixed, sale: { ...fixed.sale, saleId: reused.sale.saleId } }]);
    expect(again[0]!.status).toBe('recorded');
  });

  it('runs batches sent one ahead of their answers in the order they came', async () => {
    const line = [{ product: products[LECHE]!, quantity: '1' }];
    const sales = [];
    for (let i = 0; i < 6; i++) sales.push(await hubA.sell(server.orm, till, cashier, line));
    const [first, second] = await Promise.all([hubA.sync(sales.slice(0, 3)), hubA.sync(sales.slice(3))]);
    expect([...first, ...second].map((o) => o.status)).toEqual(Array(6).fill('recorded'));
    const ledger = await query<{ document_id: string }>(
      'select document_id from stock_movement where document_id = any(?::uuid[]) order by seq',
      [`{${sales.map((s) => s.sale.saleId).join(',')}}`],
    );
    expect(ledger.map((m) => m.document_id)).toEqual(sales.map((s) => s.sale.saleId));
  });

  it('answers superseded for a sale the server committed online before the hub took it offline', async () => {
    // At the central price of now (the store's LECHE was raised to 1290 above).
    const offline = await hubA.sell(server.orm, till, cashier, [
      { product: products[LECHE]!, quantity: '1', unitPrice: 1290 },
    ]);
    // The POS's commit reached the server, its ack was lost, and the hub then took the sale.
    const online = await ok<{ folio: number }>(till.socket.emitWithAck('sale:commit', offline.sale));
    const [outcome] = await hubA.sync([offline]);
    expect(outcome).toMatchObject({ status: 'superseded', result: { folio: online.folio } });
    expect(online.folio).not.toBe(offline.folio);
    const rows = await query<{ n: number }>('select count(*)::int as n from sale where id = ?', [
      offline.sale.saleId,
    ]);
    expect(rows[0]!.n).toBe(1);
    // The hub printed its folio on that receipt: no document will carry it, so it is to annul.
    const annul = await ok<{ ranges: { reason: string; from: number; to: number; docType: number }[] }>(
      admin.emitWithAck('folio-lease:unused', { storeId: tenant.stores[0]!.id }),
    );
    expect(annul.ranges).toContainEqual(
      expect.objectContaining({ reason: 'superseded', docType: 39, from: offline.folio, to: offline.folio }),
    );
    // Sent again, it stays one voided folio.
    expect((await hubA.sync([offline]))[0]!.status).toBe('superseded');
    const voided = await query<{ n: number }>('select count(*)::int as n from folio_lease_void', []);
    expect(voided[0]!.n).toBe(1);
  });

  it("refuses a revoked hub's lease at sync and lists its unused folios for anulación", async () => {
    const leaseB = hubB.leases.find((l) => l.docType === 39)!;
    const used = (
      await query<{ folio: number }>('select folio from offline_sale where lease_id = ? order by folio', [
        leaseB.leaseId,
      ])
    ).map((r) => r.folio);
    expect(used.length).toBe(8);
    const pending = await hubB.sell(server.orm, tillB, cashierB, [
      { product: products[PAN]!, quantity: '1' },
    ]);
    const deviceB = hubB.deviceId;
    await ok(admin.emitWithAck('hub:revoke', { deviceId: deviceB }));
    await waitUntil('hub B dropped', () => !hubB.socket.connected, 5000, 50);
    // The store's new hub cannot sync under the revoked lease.
    const { hub: replacement } = await hubFor(tenant.stores[1]!.id, tenant, 'Hub nuevo');
    const outcomes = await replacement.sync([pending]);
    expect(outcomes[0]).toMatchObject({ status: 'refused', error: { code: 'LEASE_REFUSED' } });
    const unused = await ok<{
      ranges: { leaseId: string; docType: number; from: number; to: number; count: number }[];
      instructions: string;
    }>(admin.emitWithAck('folio-lease:unused', { storeId: tenant.stores[1]!.id }));
    const of39 = unused.ranges.filter((r) => r.leaseId === leaseB.leaseId && r.docType === 39);
    expect(of39.reduce((sum, r) => sum + r.count, 0)).toBe(40 - used.length);
    for (const r of of39) for (const f of used) expect(f < r.from || f > r.to).toBe(true);
    expect(unused.ranges.some((r) => r.docType === 41 && r.count === 10)).toBe(true);
    expect(unused.instructions).toContain('Anulación de folios');
    const list = await ok<{ leases: { leaseId: string; revokedAt: string | null; used: number }[] }>(
      admin.emitWithAck('folio-lease:list', {}),
    );
    expect(list.leases.find((l) => l.leaseId === leaseB.leaseId)).toMatchObject({
      used: 8,
      revokedAt: expect.any(String),
    });
    // The new hub gets fresh leases that overlap none of the old ones.
    const fresh = await replacement.lease();
    const fresh39 = fresh.data!.leases.find((l) => l.docType === 39)!;
    expect(fresh39.from).toBeGreaterThan(Math.max(leaseB.to, hubA.leases.find((l) => l.docType === 39)!.to));
  });

  it('keeps tenants apart: a hub of another company cannot sync into this one', async () => {
    const products2 = await addProducts(server, other);
    await receiveStock(
      server,
      other,
      other.stores[0]!.warehouseId,
      products2.map((p) => p.id),
      '10',
    );
    await addCaf(server, other, 39, 1, 100);
    const { hub: foreignHub } = await hubFor(other.stores[0]!.id, other, 'Hub ajeno');
    expect((await foreignHub.lease()).ok).toBe(true);
    // This company's sale, sent by the other company's hub (with this company's lease id).
    const sale = await hubA.sell(server.orm, till, cashier, [{ product: products[LECHE]!, quantity: '1' }]);
    const before = (await query<{ n: number }>('select count(*)::int as n from sale'))[0]!.n;
    const outcomes = await foreignHub.sync([sale]);
    expect(outcomes[0]!.status).toBe('refused');
    expect((await query<{ n: number }>('select count(*)::int as n from sale'))[0]!.n).toBe(before);
    expect(
      (await query<{ n: number }>('select count(*)::int as n from sale', [], other.tenantId))[0]!.n,
    ).toBe(0);
    // Its own hub records it.
    expect((await hubA.sync([sale]))[0]!.status).toBe('recorded');
  });

  it('shows each store node: cut off since, sales waiting, and when the hub dropped', async () => {
    const since = new Date(Date.now() - 5 * 60_000).toISOString();
    const pushed = nextEvent<{ storeId: string; pending: number; offlineSince: string | null }>(
      wall,
      'store-node:state',
      5000,
    );
    await ok(hubA.socket.emitWithAck('node:status', { offlineSince: since, pending: 3 }));
    expect(await pushed).toMatchObject({ storeId: tenant.stores[0]!.id, pending: 3, offlineSince: since });
    const states = await ok<{ stores: { storeId: string; hubOnline: boolean; pending: number }[] }>(
      wall.emitWithAck('store-node:states', {}),
    );
    expect(states.stores.find((s) => s.storeId === tenant.stores[0]!.id)).toMatchObject({
      hubOnline: true,
      pending: 3,
    });
    await ok(hubA.socket.emitWithAck('node:status', { offlineSince: null, pending: 0 }));
    const dropped = nodeEvent((state) => !state.hubOnline);
    hubA.socket.disconnect();
    expect(await dropped).toMatchObject({ hubOnline: false, offlineSince: expect.any(String) });
    hubA.socket.connect();
    await waitUntil('hub A back', () => hubA.socket.connected, 5000, 50);
  });
});

describe('store node over time', () => {
  it('a renewed credential keeps its leases (a new sealing key binds anew) and syncs sales stamped before', async () => {
    const stamped = await hubA.sell(server.orm, till, cashier, [
      { product: products[LECHE]!, quantity: '1' },
    ]);
    const renewed = await ok<{ token: string; storeId: string; deviceId: string }>(
      admin.emitWithAck('hub:renew', { deviceId: hubA.deviceId }),
    );
    const oldDevice = hubA.deviceId;
    const oldLeases = hubA.leases.map((l) => l.leaseId);
    const dropped = nodeEvent((state) => state.storeId === tenant.stores[0]!.id && !state.hubOnline);
    hubA.socket.close();
    await dropped;
    const socket = await connectHub(server.url, tenant.slug, renewed);
    shop.keep(socket);
    const next = new ScriptedHub(socket);
    for (const [leaseId, folio] of hubA.next) next.next.set(leaseId, folio);
    const answer = await next.lease();
    expect(answer.ok).toBe(true);
    expect(answer.data!.deviceId).toBe(renewed.deviceId);
    expect(answer.data!.leases.map((l) => l.leaseId)).toEqual(expect.arrayContaining(oldLeases));
    expect((await next.sync([stamped]))[0]!.status).toBe('recorded');
    const [old] = await query<{ revoked_at: Date | null }>('select revoked_at from hub_device where id = ?', [
      oldDevice,
    ]);
    expect(old!.revoked_at).not.toBeNull();
    const live = await query<{ n: number }>(
      'select count(*)::int as n from folio_lease where id = any(?::uuid[]) and revoked_at is null',
      [`{${oldLeases.join(',')}}`],
    );
    expect(live[0]!.n).toBe(oldLeases.length);
    hubA = next;
  });
});

// Last: the SII worker joins the socket cluster, and for a few seconds after it stops the server's
// cross-process look-ups (a hub's admission) wait for it.
describe('SII', () => {
  it('signs the synchronised boletas and sends them to the SII like any other, with the TED the hub stamped', async () => {
    const pfx = makeTestCertificate({ rut: '11111111-1', name: 'Firmante Prueba', password: PFX_PASSWORD });
    await withTenant(server.orm, tenant.tenantId, (em) =>
      storeCertificate(em, server.secrets, tenant.tenantId, pfx, PFX_PASSWORD),
    );
    const sales = [
      await hubA.sell(server.orm, till, cashier, [{ product: products[LECHE]!, quantity: '1' }]),
      await hubA.sell(server.orm, till, cashier, [{ product: products[HUEVOS]!, quantity: '1' }]),
    ];
    expect(sales.map((s) => s.docType)).toEqual([39, 41]);
    expect((await hubA.sync(sales)).map((o) => o.status)).toEqual(['recorded', 'recorded']);
    const pipeline = await startTestPipeline([tenant.tenantId]);
    try {
      const ids = (await query<{ sale_id: string }>('select sale_id from offline_sale')).map(
        (r) => r.sale_id,
      );
      const docs = await waitUntil(
        'offline boletas accepted',
        async () => {
          const rows = await query<{ sale_id: string; state: string; signed_xml: string | null }>(
            'select sale_id, state, signed_xml from dte_document where sale_id = any(?::uuid[])',
            [`{${ids.join(',')}}`],
          );
          return rows.length === ids.length && rows.every((r) => r.state === 'accepted') && rows;
        },
        90_000,
        250,
      );
      for (const sale of sales) {
        const doc = docs.find((d) => d.sale_id === sale.sale.saleId)!;
        expect(doc.signed_xml).toContain(sale.ted);
      }
      // The documents screen tells they were issued offline, when they reached the central
      // server, and when they went to the SII.
      const list = await ok<{
        items: { saleId: string; issuedAt: string; offlineSyncedAt: string | null; sentAt: string | null }[];
      }>(admin.emitWithAck('dte:list', { offset: 0, limit: 50 }));
      for (const sale of sales) {
        const view = list.items.find((d) => d.saleId === sale.sale.saleId)!;
        expect(Date.parse(view.offlineSyncedAt!)).toBeGreaterThanOrEqual(Date.parse(view.issuedAt));
        expect(Date.parse(view.sentAt!)).toBeGreaterThanOrEqual(Date.parse(view.offlineSyncedAt!));
      }
      const online = list.items.filter((d) => !ids.includes(d.saleId));
      expect(online.length).toBeGreaterThan(0);
      expect(online.every((d) => d.offlineSyncedAt === null)).toBe(true);
    } finally {
      await pipeline.close();
    }
  }, 120_000);
});

describe('many offline sales', () => {
  it('syncs hundreds of offline sales in batches, refilling its lease, a batch re-sent after a drop doubling nothing', async () => {
    await ok(
      admin.emitWithAck('folio-lease:save-settings', {
        storeId: tenant.stores[0]!.id,
        sizes: { 39: 300, 41: 10, 33: 0 },
      }),
    );
    const refill = await hubA.lease();
    expect(refill.data!.leases.filter((l) => l.docType === 39).some((l) => l.to - l.from + 1 === 300)).toBe(
      true,
    );
    const count = 250;
    const sales = [];
    for (let i = 0; i < count; i++) {
      sales.push(await hubA.sell(server.orm, till, cashier, [{ product: products[LECHE]!, quantity: '1' }]));
    }
    const stock = async () =>
      Number(
        (
          await query<{ quantity: string }>(
            'select quantity::text from stock_level where warehouse_id = ? and product_id = ?',
            [tenant.stores[0]!.warehouseId, products[LECHE]!.id],
          )
        )[0]!.quantity,
      );
    const before = await stock();
    const started = performance.now();
    const outcomes = [];
    for (let i = 0; i < count; i += 100) outcomes.push(...(await hubA.sync(sales.slice(i, i + 100))));
    const ms = performance.now() - started;
    console.info(
      `store-node sync: ${count} offline sales in ${Math.round(ms)} ms (${Math.round((count * 1000) / ms)}/s)`,
    );
    expect(outcomes.every((o) => o.status === 'recorded')).toBe(true);
    // The middle batch again, as after a connection dropped before its answer.
    const again = await hubA.sync(sales.slice(100, 200));
    expect(again.every((o) => o.status === 'duplicate')).toBe(true);
    expect(await stock()).toBe(before - count);
    const ids = `{${sales.map((s) => s.sale.saleId).join(',')}}`;
    const rows = await query<{ n: number; folios: number }>(
      'select count(*)::int as n, count(distinct folio)::int as folios from sale where id = any(?::uuid[])',
      [ids],
    );
    expect(rows[0]).toEqual({ n: count, folios: count });
    const outside = await query<{ n: number }>(
      `select count(*)::int as n from offline_sale o join folio_lease l on l.id = o.lease_id
        where o.sale_id = any(?::uuid[]) and (o.folio < l.folio_from or o.folio > l.folio_to)`,
      [ids],
    );
    expect(outside[0]!.n).toBe(0);
  }, 120_000);
});
