/**
 * The sales wall over real sockets: the snapshot's figures per store, cashier and hour (a return
 * included) against the database, the alerts it gathers, coalesced live updates, and tenants
 * that never see each other.
 */
import { randomUUID } from 'node:crypto';
import type { WallSnapshot, WallStoreSales } from '@erp/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectClient,
  nextEvent,
  TEST_PIN,
  type TestClient,
  type TestServer,
  type TestTenant,
  testConfig,
  tokenFor,
} from '../../test/harness.ts';
import { connectHub, hubEmit, issueHubCredential } from '../../test/hubs.ts';
import { addTerminals, openTill, type TestProduct, type Till } from '../../test/selling.ts';
import { useSellingFixture } from '../../test/selling-fixture.ts';
import { withTenant } from '../platform/orm.ts';
import { connectRedis } from '../platform/redis.ts';
import { createDteAnnouncer } from '../sii/index.ts';
import { WALL_TICKETS_PER_STORE } from './wall.service.ts';
import { WALL_UPDATE_INTERVAL_MS } from './wall-feed.ts';

let server: TestServer;
let tenant: TestTenant;
let other: TestTenant;
let products: TestProduct[];
let tillA: Till;
let tillB: Till;
let wall: TestClient;
let otherWall: TestClient;
const sockets: TestClient[] = [];
const [PAN, LECHE, BEBIDA] = [0, 1, 2];

async function query<T>(sql: string, params: unknown[] = [], tenantId = tenant.tenantId): Promise<T[]> {
  return withTenant(server.orm, tenantId, (em) => em.execute<T[]>(sql, params));
}

async function ring(
  till: Till,
  lines: { product: number; quantity: string; discount?: number }[],
  card = false,
) {
  const priced = lines.map((l) => ({
    productId: products[l.product]!.id,
    quantity: l.quantity,
    unitPrice: products[l.product]!.price,
    discount: l.discount ?? 0,
  }));
  const wire = priced.map(({ discount, ...l }) => ({
    ...l,
    ...(discount
      ? { discount: { kind: 'amount' as const, amount: discount, reason: 'damaged' as const } }
      : {}),
  }));
  const result = await till.socket.emitWithAck('sale:commit', {
    saleId: randomUUID(),
    terminalId: till.terminalId,
    cashSessionId: till.cashSessionId,
    lines: wire,
    payments: card
      ? [
          {
            method: 'card',
            amount: priced.reduce(
              (sum, l) => sum + Math.round(l.unitPrice * Number(l.quantity)) - l.discount,
              0,
            ),
            authorizationCode: 'A1',
          },
        ]
      : [{ method: 'cash', tendered: 100_000 }],
  });
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.data;
}

async function snapshotOf(socket: TestClient): Promise<WallSnapshot> {
  const answer = await socket.emitWithAck('wall:snapshot', {});
  if (!answer.ok) throw new Error(JSON.stringify(answer.error));
  return answer.data;
}

/** Net sales, tickets and returns of a store today, straight from the sales table. */
async function storeTotalsInDb(storeId: string) {
  const [row] = await query<{ total: string; tickets: number; returns: number }>(
    `select coalesce(sum(case kind when 'sale' then total else -total end), 0) as total,
            count(*) filter (where kind = 'sale')::int as tickets,
            count(*) filter (where kind = 'return')::int as returns
       from sale where store_id = ? and issue_date = (now() at time zone 'America/Santiago')::date`,
    [storeId],
  );
  return { total: Number(row!.total), tickets: row!.tickets, returns: row!.returns };
}

const chileHour = (iso: string) =>
  Number(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'America/Santiago',
      hour: '2-digit',
      hourCycle: 'h23',
    }).format(new Date(iso)),
  );

const shop = useSellingFixture({
  label: 'wall',
  others: ['wallb'],
  stock: '1000',
  everyStore: true,
  cafs: [
    [39, 1, 1000],
    [61, 1, 100],
  ],
});
beforeAll(async () => {
  ({ server, tenant, products, till: tillA } = shop);
  other = shop.tenants[1]!;
  tillB = await shop.openTill(tenant.stores[1]!.terminalIds[0]!, tenant.emails.cashier2);
  wall = await shop.signIn(tenant, tenant.emails.supervisor, { screen: 'wall' });
  otherWall = await shop.signIn(other, other.emails.supervisor, { screen: 'wall' });
});
afterAll(() => {
  for (const socket of sockets) socket.close();
});

describe('wall:snapshot', () => {
  it("sums today's sales per store, cashier and hour, subtracting a return, and matches the database", async () => {
    const first = await ring(tillA, [{ product: LECHE, quantity: '2' }]);
    const second = await ring(tillA, [{ product: BEBIDA, quantity: '1' }], true);
    const third = await ring(tillB, [{ product: PAN, quantity: '0.500' }]);
    const returned = await tillA.socket.emitWithAck('sale:return', {
      returnId: randomUUID(),
      terminalId: tillA.terminalId,
      cashSessionId: tillA.cashSessionId,
      original: { saleId: first.saleId },
      refundMethod: 'cash',
      reason: 'Producto vencido',
      approval: { email: tenant.emails.supervisor, pin: TEST_PIN },
    });
    if (!returned.ok) throw new Error(JSON.stringify(returned.error));

    const snapshot = await snapshotOf(wall);
    const [storeA, storeB] = tenant.stores.map((s) => snapshot.sales.find((b) => b.storeId === s.id)!);
    const gross = first.total + second.total;
    const refund = returned.data.total;
    expect(storeA!.figures).toEqual({
      total: gross - refund,
      tickets: 2,
      averageTicket: Math.round(gross / 2),
      returns: 1,
      returnsTotal: refund,
    });
    expect(storeB!.figures).toEqual({
      total: third.total,
      tickets: 1,
      averageTicket: third.total,
      returns: 0,
      returnsTotal: 0,
    });
    for (const block of [storeA!, storeB!]) {
      const db = await storeTotalsInDb(block.storeId);
      expect(block.figures).toMatchObject(db);
    }

    // Per cashier: each cashier's own store; names resolve through the snapshot's people.
    const cashierA = storeA!.cashiers;
    expect(cashierA).toHaveLength(1);
    expect(cashierA[0]).toMatchObject({ total: gross - refund, tickets: 2, returns: 1 });
    expect(snapshot.people.find((p) => p.id === cashierA[0]!.cashierId)?.name).toBe('Cajero');
    expect(storeB!.cashiers).toEqual([{ cashierId: expect.any(String), ...storeB!.figures }]);
    expect(snapshot.people.find((p) => p.id === storeB!.cashiers[0]!.cashierId)?.name).toBe('Cajero B');

    // Per hour (Chile time): each ticket in the hour it was issued; the hours add up to the day.
    const expectedHours = new Map<number, { total: number; tickets: number }>();
    for (const ticket of storeA!.tickets) {
      const hour = expectedHours.get(chileHour(ticket.issuedAt)) ?? { total: 0, tickets: 0 };
      hour.total += ticket.total;
      if (ticket.kind === 'sale') hour.tickets += 1;
      expectedHours.set(chileHour(ticket.issuedAt), hour);
    }
    expect(storeA!.hourly).toEqual(
      [...expectedHours].sort(([a], [b]) => a - b).map(([hour, v]) => ({ hour, ...v })),
    );

    // Latest tickets, newest first; the nota de crédito negative.
    expect(storeA!.tickets.map((t) => [t.kind, t.docType, t.folio, t.total])).toEqual([
      ['return', 61, returned.data.folio, -refund],
      ['sale', 39, second.folio, second.total],
      ['sale', 39, first.folio, first.total],
    ]);

    // Cash in the drawer from the session's running totals, as the supervisor's X report has it.
    const report = await wall.emitWithAck('cash:report', { sessionId: tillA.cashSessionId });
    if (!report.ok) throw new Error(JSON.stringify(report.error));
    expect(storeA!.drawers).toEqual([
      {
        sessionId: tillA.cashSessionId,
        terminalId: tillA.terminalId,
        cashierId: cashierA[0]!.cashierId,
        status: 'open',
        openedAt: report.data.openedAt,
        expectedCash: report.data.totals.expectedCash,
        dropSuggested: false,
      },
    ]);
    expect(report.data.totals.expectedCash).toBe(20000 + first.paidCash + returned.data.paidCash);

    // The return is in the audit stream; no worker runs here, so every document is pending.
    expect(snapshot.audit.map((a) => a.kind)).toContain('return');
    expect(snapshot.sii).toMatchObject({ pending: 4, rejected: 0, latest: [] });
    expect(snapshot.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(snapshot.stores.map((s) => s.name)).toEqual(['Tienda A', 'Tienda B']);
  });

  it('gathers the alerts: drawer over the cash-drop threshold, low stock, folios, hubs, refused documents', async () => {
    await query(`update tenant set settings = settings || '{"cashDropThreshold": 25000}'::jsonb`);
    const sale = await ring(tillA, [{ product: LECHE, quantity: '5', discount: 100 }]);

    const admin = await connectClient(server.url, tenant.slug, {
      token: await tokenFor(server.url, tenant.emails.admin),
    });
    sockets.push(admin);
    const low = nextEvent<{ changes: { productId: string }[] }>(wall, 'stock:low', 5000);
    const minimum = await admin.emitWithAck('stock:set-minimum', {
      warehouseId: tenant.stores[1]!.warehouseId,
      productId: products[BEBIDA]!.id,
      minimum: '5000',
    });
    expect(minimum.ok).toBe(true);
    expect((await low)?.changes).toEqual([expect.objectContaining({ productId: products[BEBIDA]!.id })]);

    const credential = await issueHubCredential(admin, tenant.stores[0]!.id);
    const hub = await connectHub(server.url, tenant.slug, credential);
    sockets.push(hub);
    const printer = {
      printerId: 'caja-1',
      state: 'paper_out',
      paperNearEnd: true,
      pendingJobs: 2,
      at: new Date().toISOString(),
    };
    await hubEmit(hub, 'printer:status', printer);

    const [saleRow] = await query<{ issued_at: Date; total: string }>(
      'select issued_at, total from sale where id = ?',
      [sale.saleId],
    );
    const documentId = randomUUID();
    await query(
      `insert into dte_document (id, tenant_id, sale_id, doc_type, folio, issued_at, total, state, sii_detail)
       values (?, current_tenant_id(), ?, 39, ?, ?, ?, 'rejected', 'RCH: firma inválida')`,
      [documentId, sale.saleId, sale.folio, saleRow!.issued_at, saleRow!.total],
    );

    const snapshot = await snapshotOf(wall);
    const storeA = snapshot.sales.find((b) => b.storeId === tenant.stores[0]!.id)!;
    expect(storeA.cashDropThreshold).toBe(25000);
    const drawer = storeA.drawers[0]!;
    expect(drawer.expectedCash).toBeGreaterThan(25000);
    expect(drawer.dropSuggested).toBe(true);
    expect(snapshot.audit[0]).toMatchObject({
      kind: 'discount',
      storeId: tenant.stores[0]!.id,
      terminalId: tillA.terminalId,
      details: { saleId: sale.saleId, amount: 100 },
    });
    expect(snapshot.lowStock.count).toBe(1);
    expect(snapshot.lowStock.items).toEqual([
      {
        warehouseId: tenant.stores[1]!.warehouseId,
        productId: products[BEBIDA]!.id,
        productName: products[BEBIDA]!.name,
        quantity: '1000.000',
        minimum: '5000.000',
      },
    ]);
    const [caf] = await query<{ left: number }>(
      `select folio_to - next_folio + 1 as left from caf where doc_type = 39`,
    );
    // Under the default threshold (100), the credit notes' alert stands.
    expect(snapshot.folios).toEqual([
      { docType: 39, remaining: caf!.left, low: false },
      { docType: 61, remaining: 99, low: true },
    ]);
    expect(snapshot.hubs).toEqual([
      { storeId: tenant.stores[0]!.id, configured: 1, online: true, printers: [printer] },
      { storeId: tenant.stores[1]!.id, configured: 0, online: false, printers: [] },
    ]);
    expect(snapshot.sii).toMatchObject({
      rejected: 1,
      latest: [
        { documentId, docType: 39, folio: sale.folio, state: 'rejected', detail: 'RCH: firma inválida' },
      ],
    });
  });

  it("is for supervisors and above, and only ever shows the caller's own company", async () => {
    const cashier = await tillA.socket.emitWithAck('wall:snapshot', {});
    expect(cashier).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    // The other company's wall hears nothing of these sales and its snapshot has none of them.
    const heard = nextEvent(otherWall, 'wall:update', 1500);
    const mine = nextEvent<WallStoreSales>(wall, 'wall:update', 5000);
    await ring(tillA, [{ product: LECHE, quantity: '1' }]);
    expect(await mine).toBeDefined();
    expect(await heard).toBeUndefined();

    const theirs = await snapshotOf(otherWall);
    const ourStores = new Set(tenant.stores.map((s) => s.id));
    expect(theirs.stores.map((s) => s.id).filter((id) => ourStores.has(id))).toEqual([]);
    expect(theirs.sales.flatMap((b) => b.tickets)).toEqual([]);
    expect(theirs.sales.map((b) => b.figures.total)).toEqual([0, 0]);
    expect(theirs.audit).toEqual([]);

    // Its supervisor cannot open our company's wall at all.
    const refused = await connectClient(server.url, tenant.slug, {
      token: await tokenFor(server.url, other.emails.supervisor),
      screen: 'wall',
    }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'WRONG_TENANT' });
  });
});

describe('wall:update', () => {
  it("coalesces a busy store's sales into a few whole updates whose last one matches the database", async () => {
    const terminals = await addTerminals(server, tenant, 3);
    const tills = await Promise.all(terminals.map((id) => openTill(server, tenant, id)));
    sockets.push(...tills.map((t) => t.socket));
    const storeId = tenant.stores[0]!.id;
    const before = await storeTotalsInDb(storeId);

    const updates: { at: number; block: WallStoreSales }[] = [];
    const listener = (block: WallStoreSales) => {
      if (block.storeId === storeId) updates.push({ at: Date.now(), block });
    };
    wall.on('wall:update', listener);
    const SALES_PER_TILL = 8;
    const started = Date.now();
    await Promise.all(
      tills.map(async (till) => {
        for (let i = 0; i < SALES_PER_TILL; i++) await ring(till, [{ product: LECHE, quantity: '1' }]);
      }),
    );
    const sales = tills.length * SALES_PER_TILL;
    const expected = before.tickets + sales;
    await expect
      .poll(() => updates.at(-1)?.block.figures.tickets, { timeout: 10_000, interval: 50 })
      .toBe(expected);
    // Anything still in flight arrives within one more window.
    await new Promise((resolve) => setTimeout(resolve, 3 * WALL_UPDATE_INTERVAL_MS));
    wall.off('wall:update', listener);

    const elapsed = updates.at(-1)!.at - started;
    expect(updates.length).toBeLessThan(sales);
    // At most one update per window (the first one of a burst goes out at once).
    expect(updates.length).toBeLessThanOrEqual(Math.floor(elapsed / WALL_UPDATE_INTERVAL_MS) + 2);
    const latest = updates
      .map((u) => u.block)
      .sort((a, b) => a.asOf.localeCompare(b.asOf))
      .at(-1)!;
    expect(latest.figures).toMatchObject(await storeTotalsInDb(storeId));
    expect(latest.figures.tickets).toBe(expected);
    expect(latest.tickets).toHaveLength(WALL_TICKETS_PER_STORE);
    // Every drawer's cash as its session holds it.
    const sessions = await query<{ id: string; expected: string }>(
      `select id, opening_float + cash_sales - cash_refunds + cash_in - cash_out as expected
         from cash_session where store_id = ? and status = 'open'`,
      [storeId],
    );
    expect(Object.fromEntries(latest.drawers.map((d) => [d.sessionId, d.expectedCash]))).toEqual(
      Object.fromEntries(sessions.map((s) => [s.id, Number(s.expected)])),
    );
  });
});

describe('other live alerts', () => {
  it("reach the company's walls: SII status changes from the worker", async () => {
    const config = testConfig();
    const redis = await connectRedis(config.REDIS_URL, () => undefined);
    try {
      // The worker's announcer: a detached Socket.IO emitter on the servers' Redis stream.
      const announcer = createDteAnnouncer(server.orm, redis, `${config.REDIS_PREFIX}:socket.io`);
      const change = {
        documentId: randomUUID(),
        saleId: randomUUID(),
        docType: 39,
        folio: 7,
        state: 'rejected' as const,
        detail: 'RCH: firma inválida',
        trackId: null,
        at: new Date().toISOString(),
      };
      const heard = nextEvent<{ changes: unknown[] }>(wall, 'dte:status', 5000);
      const notHeard = nextEvent(otherWall, 'dte:status', 1500);
      await announcer.announce(tenant.tenantId, [change]);
      expect((await heard)?.changes).toEqual([change]);
      expect(await notHeard).toBeUndefined();
    } finally {
      await redis.quit();
    }
  });
});
