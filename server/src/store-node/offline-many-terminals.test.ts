/**
 * Issue #15's acceptance test for the store node, with real processes: the central server as a
 * process of its own (killed with SIGKILL and started again) and the real hub process. Four
 * terminals of store A, each with its own person and cash session opened online through the hub,
 * ring 2,000 sales offline (cash with change, card, both; some of several lines; a few boletas
 * exentas). Then the server returns: while the hub synchronises, store B of the same company and
 * the four tills sell ONLINE against the same CAFs. At the end every acknowledged sale exists
 * exactly once with its folio and TED, folios are unique across online and offline sales and the
 * offline ones lie inside the hub's leases, stock = initial − sold, and each cash session's
 * tallies are what its sales paid.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyTed } from '@erp/sii-core';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, tokenFor } from '../../test/harness.ts';
import {
  connectThroughNode,
  type HubProcess,
  heldLeases,
  issueHubCredential,
  type NodeTerminal,
  startStoreNode,
  storeNodePort,
  waitFor,
} from '../../test/hubs.ts';
import { addTerminals, type TestProduct } from '../../test/selling.ts';
import { useSellingFixture } from '../../test/selling-fixture.ts';
import { killableServer } from '../../test/server-process.ts';
import { waitUntil } from '../../test/wait.ts';
import { withTenant } from '../platform/orm.ts';

const OFFLINE_SALES = 2000;
const TERMINALS = 4;
const INITIAL_STOCK = 5000;
const PAN = 0; // weighable
const LECHE = 1;
const BEBIDA = 2;
const HUEVOS = 3; // exempt: alone, a boleta exenta (41)

type Ack = {
  ok: boolean;
  data?: {
    saleId: string;
    docType: number;
    folio: number;
    ted: string;
    toPay: number;
    paidCash: number;
    paidCard: number;
    change: number;
  };
  error?: { code: string; message: string };
};
type Line = { productId: string; quantity: string; unitPrice: number };

const shop = useSellingFixture({
  label: 'offmany',
  stock: String(INITIAL_STOCK),
  everyStore: true,
  cafs: [
    [39, 1, 20_000],
    [41, 1, 1000],
  ],
});
const central = killableServer();
let products: TestProduct[];
let hub: HubProcess;
let dataDir: string;
/** Store A's four tills, through the hub; store B's till, straight to the central server. */
const tills: (NodeTerminal & { terminalId: string; cashSessionId: string })[] = [];
let storeB: { terminalId: string; cashSessionId: string; token: string };
const sockets: Socket[] = [];

/** Every acknowledged sale: what it sold, on which till (store B: -1), and the answer. */
const acked = new Map<string, { till: number; lines: Line[]; result: NonNullable<Ack['data']> }>();

async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  return withTenant(shop.server.orm, shop.tenant.tenantId, (em) => em.execute<T[]>(sql, params));
}

const lineTotal = (l: Line) => Math.round((l.unitPrice * Math.round(Number(l.quantity) * 1000)) / 1000);

/**
 * The n-th sale of a till: one to three lines, paid in cash with change, by card, or both. A card
 * pays an exact amount, so card sales sell whole units only (no weighed bread).
 */
function saleFor(n: number, till: { terminalId: string; cashSessionId: string }) {
  const of = (index: number, quantity: string): Line => ({
    productId: products[index]!.id,
    quantity,
    unitPrice: products[index]!.price,
  });
  const payment = n % 3; // 0 cash, 1 card, 2 card and cash
  const lines =
    n % 97 === 0
      ? [of(HUEVOS, '1')] // every line exempt: a boleta exenta
      : n % 4 === 0
        ? [of(LECHE, '2'), of(BEBIDA, '1'), ...(payment === 1 ? [] : [of(PAN, '0.5')])]
        : n % 4 === 1
          ? [of(BEBIDA, '1'), of(HUEVOS, '1')]
          : [of(n % 2 ? LECHE : BEBIDA, '1')];
  const total = lines.reduce((sum, l) => sum + lineTotal(l), 0);
  const card = { method: 'card' as const, authorizationCode: `A${n}` };
  const payments =
    payment === 0
      ? [{ method: 'cash' as const, tendered: Math.ceil((total + 1) / 1000) * 1000 }]
      : payment === 1
        ? [{ ...card, amount: total }]
        : [
            { ...card, amount: 1000 },
            { method: 'cash' as const, tendered: Math.ceil((total - 1000 + 1) / 1000) * 1000 },
          ];
  return {
    saleId: randomUUID(),
    terminalId: till.terminalId,
    cashSessionId: till.cashSessionId,
    lines,
    payments,
  };
}

async function ring(socket: Socket, till: number, payload: ReturnType<typeof saleFor>): Promise<void> {
  const answer = (await socket.timeout(20_000).emitWithAck('sale:commit', payload)) as Ack;
  expect(answer.ok, JSON.stringify(answer.error)).toBe(true);
  acked.set(payload.saleId, { till, lines: payload.lines, result: answer.data! });
}

beforeAll(async () => {
  const { tenant } = shop;
  products = shop.products;
  const admin = await shop.signIn(tenant, tenant.emails.admin, { screen: 'backoffice' });
  const saved = await admin.emitWithAck('folio-lease:save-settings', {
    storeId: tenant.stores[0]!.id,
    sizes: { 39: 2500, 41: 100, 33: 0 },
  });
  expect(saved.ok).toBe(true);
  const credential = await issueHubCredential(admin, tenant.stores[0]!.id);
  await central.start();
  dataDir = mkdtempSync(join(tmpdir(), 'offline-many-'));
  hub = startStoreNode(central.url, tenant.slug, credential, dataDir);
  const nodeUrl = `http://127.0.0.1:${await storeNodePort(hub)}`;
  await waitFor(() => hub.logs().some((l) => l.msg === 'leases refreshed'), 20_000);

  // Four people at four tills of store A, each opening their drawer online through the hub.
  // (The fixture's own till holds store A's first terminal.)
  const terminalIds = [tenant.stores[0]!.terminalIds[1]!, ...(await addTerminals(shop.server, tenant, 3))];
  const people = [tenant.emails.cashier, tenant.emails.supervisor, tenant.emails.admin, tenant.emails.owner];
  for (const [i, email] of people.entries()) {
    const token = await tokenFor(central.url, email);
    // Company-wide people name the store they sell in; the cashier is bound to it.
    const auth = i === 0 ? { token } : { token, storeId: tenant.stores[0]!.id };
    const terminal = await connectThroughNode(nodeUrl, tenant.slug, auth);
    sockets.push(terminal.socket);
    const opened = (await terminal.socket
      .timeout(10_000)
      .emitWithAck('cash:open', { terminalId: terminalIds[i], openingFloat: 20_000 })) as {
      ok: boolean;
      data?: { id: string };
      error?: unknown;
    };
    expect(opened.ok, JSON.stringify(opened.error)).toBe(true);
    tills.push({ ...terminal, terminalId: terminalIds[i]!, cashSessionId: opened.data!.id });
  }
  storeB = {
    terminalId: tenant.stores[1]!.terminalIds[0]!,
    token: await tokenFor(central.url, tenant.emails.cashier2),
    cashSessionId: '',
  };
  const b = await connectClient(central.url, tenant.slug, { token: storeB.token, screen: 'pos' });
  const openedB = await b.emitWithAck('cash:open', { terminalId: storeB.terminalId, openingFloat: 20_000 });
  expect(openedB.ok).toBe(true);
  storeB.cashSessionId = openedB.ok ? openedB.data.id : '';
  b.close();
  // The hub knows who sits at each till (asked when each connected), to name them offline.
  await waitFor(() => hub.logs().filter((l) => l.msg === 'catalog replica refreshed').length > 0, 20_000);
  await new Promise((r) => setTimeout(r, 1500));
}, 90_000);

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await hub?.stop();
  await central.kill();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('4 terminals, one hub, 2,000 offline sales', () => {
  it('are each recorded once when the server returns, while store B and the tills sell online', async () => {
    const { tenant } = shop;
    // Online first: store B and each till once, from the online folio counter.
    const b = await connectClient(central.url, tenant.slug, { token: storeB.token, screen: 'pos' });
    sockets.push(b);
    for (let n = 0; n < 5; n++) await ring(b, -1, saleFor(n, storeB));
    for (const [i, till] of tills.entries()) await ring(till.socket, i, saleFor(i, till));

    await central.kill();
    await waitFor(() => tills.every((t) => t.states.at(-1)?.online === false), 20_000);

    const started = performance.now();
    let next = 0;
    await Promise.all(
      tills.map(async (till, i) => {
        while (next < OFFLINE_SALES) await ring(till.socket, i, saleFor(next++, till));
      }),
    );
    const ringSeconds = (performance.now() - started) / 1000;
    const offlineIds = [...acked.keys()].slice(-OFFLINE_SALES);
    await waitFor(() => tills[0]!.states.at(-1)?.pendingSales === OFFLINE_SALES, 15_000);

    // The server returns. While the hub synchronises, store B and the four tills sell online.
    const back = performance.now();
    await central.start();
    const b2 = await connectClient(central.url, tenant.slug, { token: storeB.token, screen: 'pos' });
    sockets.push(b2);
    const synced = () => tills[0]!.states.at(-1)?.pendingSales === 0 && tills[0]!.states.at(-1)?.online;
    let onlineDuringSync = 0;
    const alongside = Promise.all([
      (async () => {
        // A busy till's pace, not a flood: the sync is what is measured.
        for (let n = 0; !synced(); n++) {
          await ring(b2, -1, saleFor(n, storeB));
          onlineDuringSync++;
          await new Promise((r) => setTimeout(r, 100));
        }
      })(),
      ...tills.map(async (till, i) => {
        await waitFor(() => till.states.at(-1)?.online === true, 60_000);
        for (let n = 0; n < 10 && !synced(); n++) await ring(till.socket, i, saleFor(n, till));
      }),
    ]);
    await waitUntil('the hub to synchronise every sale', synced, 110_000, 50);
    const syncSeconds = (performance.now() - back) / 1000;
    await alongside;
    await waitUntil('a sale rung as the link came back to be synchronised too', synced, 30_000, 50);
    console.log(
      `${OFFLINE_SALES} offline sales rung in ${ringSeconds.toFixed(1)} s from ${TERMINALS} terminals; ` +
        `synchronised ${syncSeconds.toFixed(1)} s after the server was started again, ` +
        `${onlineDuringSync} online sales of store B meanwhile`,
    );
    expect(hub.logs().some((l) => l.msg === 'offline sales refused at sync: kept for a person')).toBe(false);

    // Every acknowledged sale exactly once, with its folio, type and TED.
    const ids = `{${[...acked.keys()].join(',')}}`;
    const rows = await query<{ id: string; folio: number; doc_type: number; ted: string; offline: boolean }>(
      `select s.id, s.folio, s.doc_type, s.ted, exists (select 1 from offline_sale o where o.sale_id = s.id) as offline
         from sale s where s.id = any(?::uuid[])`,
      [ids],
    );
    expect(rows).toHaveLength(acked.size);
    for (const row of rows) {
      const { result } = acked.get(row.id)!;
      expect([row.folio, row.doc_type, row.ted]).toEqual([result.folio, result.docType, result.ted]);
    }
    const offline = new Set(rows.filter((r) => r.offline).map((r) => r.id));
    expect(offline.size).toBeGreaterThanOrEqual(OFFLINE_SALES);
    for (const id of offlineIds) expect(offline.has(id)).toBe(true);
    for (const id of offline) expect(verifyTed(acked.get(id)!.result.ted)).toMatchObject({ ok: true });
    expect(rows.some((r) => r.doc_type === 41 && r.offline)).toBe(true);
    const [counts] = await query<{ offline: number; sales: number }>(
      `select (select count(*)::int from offline_sale) as offline, (select count(*)::int from sale) as sales`,
    );
    expect(counts).toEqual({ offline: offline.size, sales: acked.size });

    // Folios: unique across online and offline sales; offline ones inside this hub's leases,
    // online ones outside every lease.
    const [dupes] = await query<{ n: number }>(
      `select count(*)::int as n from (select doc_type, folio from sale group by doc_type, folio having count(*) > 1) d`,
    );
    expect(dupes!.n).toBe(0);
    const misplaced = await query<{ id: string; offline: boolean }>(
      `select s.id, o.sale_id is not null as offline from sale s
         left join offline_sale o on o.sale_id = s.id
         left join folio_lease l on l.doc_type = s.doc_type and s.folio between l.folio_from and l.folio_to
        where (o.sale_id is not null) <> (l.id is not null and (o.sale_id is null or l.id = o.lease_id))`,
    );
    expect(misplaced).toEqual([]);
    const onDisk = heldLeases(dataDir);
    for (const id of offlineIds) {
      const { docType, folio } = acked.get(id)!.result;
      expect(onDisk.some((l) => l.docType === docType && folio >= l.from && folio <= l.to)).toBe(true);
    }

    // Stock = initial − sold, in each store's warehouse.
    for (const [store, tillsOf] of [
      [0, [0, 1, 2, 3]],
      [1, [-1]],
    ] as const) {
      const sold = new Map<string, number>();
      for (const { till, lines } of acked.values()) {
        if (!(tillsOf as readonly number[]).includes(till)) continue;
        for (const l of lines) sold.set(l.productId, (sold.get(l.productId) ?? 0) + Number(l.quantity));
      }
      const levels = await query<{ product_id: string; quantity: string }>(
        'select product_id, quantity::text from stock_level where warehouse_id = ?',
        [tenant.stores[store]!.warehouseId],
      );
      for (const product of products) {
        const level = Number(levels.find((r) => r.product_id === product.id)!.quantity);
        expect(level, `${product.name} in store ${store}`).toBeCloseTo(
          INITIAL_STOCK - (sold.get(product.id) ?? 0),
          3,
        );
      }
    }

    // Each cash session counts its sales once, with what they paid in cash and by card.
    const sessions = [...tills.map((t) => t.cashSessionId), storeB.cashSessionId];
    for (const [i, sessionId] of sessions.entries()) {
      const till = i < TERMINALS ? i : -1;
      const own = [...acked.values()].filter((a) => a.till === till).map((a) => a.result);
      const [session] = await query<{ ticket_count: number; cash_sales: number; card_sales: number }>(
        'select ticket_count, cash_sales::int as cash_sales, card_sales::int as card_sales from cash_session where id = ?',
        [sessionId],
      );
      expect(session, `till ${till}`).toEqual({
        ticket_count: own.length,
        cash_sales: own.reduce((sum, r) => sum + r.paidCash, 0),
        card_sales: own.reduce((sum, r) => sum + r.paidCard, 0),
      });
    }
  }, 150_000);
});
