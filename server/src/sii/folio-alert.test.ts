/**
 * The low-folio alert holds, through real sockets and one database: it fires once per crossing
 * of the threshold, whether a sale's folio, a raised threshold or a restart finds the type under
 * it; a refill lifts it so that using the new folios down fires again; and a new server instance
 * reports the recorded state on load without repeating the alert. The phases run in order on
 * one tenant's type 39 (boleta), each checking every alert it produced.
 */
import { randomUUID } from 'node:crypto';
import { makeTestCaf } from '@erp/sii-core/test-authority';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  connectClient,
  startTestServer,
  type TestClient,
  type TestServer,
  type TestTenant,
  tokenFor,
} from '../../test/harness.ts';
import type { TestProduct, Till } from '../../test/selling.ts';
import { useSellingFixture } from '../../test/selling-fixture.ts';
import { withTenant } from '../platform/orm.ts';
import { PendingEvents } from '../realtime/pending-events.ts';
import { storeCaf } from './folios.ts';

let tenant: TestTenant;
let products: TestProduct[];
let till: Till;
let backoffice: TestClient;
let wall: TestClient;
/** Every `folio:low` the fixture's back office and wall received, in order. */
let alerts: { screen: string; docType: number; remaining: number }[] = [];
/** Every `folio:restored` (a low type lifted above the threshold) they received, in order. */
let restored: typeof alerts = [];

const shop = useSellingFixture({ label: 'falert', stock: '1000', stocked: [1], cafs: [] });
beforeAll(async () => {
  ({ tenant, products, till } = shop);
  backoffice = await shop.signIn(tenant, tenant.emails.admin, { screen: 'backoffice' });
  wall = await shop.signIn(tenant, tenant.emails.supervisor, { screen: 'wall' });
  backoffice.on('folio:low', (alert) => alerts.push({ screen: 'backoffice', ...alert }));
  wall.on('folio:low', (alert) => alerts.push({ screen: 'wall', ...alert }));
  backoffice.on('folio:restored', (state) => restored.push({ screen: 'backoffice', ...state }));
  wall.on('folio:restored', (state) => restored.push({ screen: 'wall', ...state }));
  // The threshold first, with no CAF yet: nothing to compare.
  await setThreshold(3);
});
beforeEach(() => {
  alerts = [];
  restored = [];
});

/** One boleta of `productId` at `at`'s drawer, rung through `socket` (the till's own by default). */
async function sell(
  socket: TestClient = till.socket,
  at: Till = till,
  productId = products[1]!.id,
): Promise<number> {
  const answer = await socket.emitWithAck('sale:commit', {
    saleId: randomUUID(),
    terminalId: at.terminalId,
    cashSessionId: at.cashSessionId,
    docType: 39,
    lines: [{ productId, quantity: '1', unitPrice: 1190 }],
    payments: [{ method: 'cash', tendered: 2000 }],
  });
  if (!answer.ok) throw new Error(answer.error.message);
  return answer.data.folio;
}

async function upload(from: number, to: number, socket = backoffice): Promise<void> {
  const xml = makeTestCaf({ rut: '76192083-9', type: 39, from, to }).toString('latin1');
  const uploaded = await socket.emitWithAck('caf:upload', { xml });
  if (!uploaded.ok) throw new Error(uploaded.error.message);
}

/** Saves the company's settings with a new low-folio threshold, as the back office does. */
async function setThreshold(lowFolioThreshold: number, socket = backoffice): Promise<void> {
  const profile = await socket.emitWithAck('tenant:get', {});
  if (!profile.ok) throw new Error(profile.error.message);
  const { slug: _, ...input } = profile.data;
  const saved = await socket.emitWithAck('tenant:save', {
    ...input,
    settings: { ...input.settings, lowFolioThreshold },
  });
  if (!saved.ok) throw new Error(saved.error.message);
}

/** The alerts received once the live events have had time to arrive (none may be late). */
async function settledAlerts(expected: number): Promise<typeof alerts> {
  const deadline = Date.now() + 5_000;
  while (alerts.length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 400));
  return [...alerts].sort((a, b) => a.screen.localeCompare(b.screen));
}

const both = (remaining: number) => [
  { screen: 'backoffice', docType: 39, remaining },
  { screen: 'wall', docType: 39, remaining },
];

/** Type 39's state as the back office (`caf:list`) and the wall (`wall:snapshot`) load it. */
async function loadedStates(backofficeSocket: TestClient, wallSocket: TestClient) {
  const listed = await backofficeSocket.emitWithAck('caf:list', {});
  const snapshot = await wallSocket.emitWithAck('wall:snapshot', {});
  if (!listed.ok || !snapshot.ok) throw new Error('load failed');
  return { backoffice: listed.data.folios, wall: snapshot.data.folios };
}

describe('the low-folio alert', () => {
  it('fires exactly once when sales take the count under the threshold', async () => {
    await upload(1, 5);
    expect(await loadedStates(backoffice, wall)).toEqual({
      backoffice: [{ docType: 39, remaining: 5, low: false }],
      wall: [{ docType: 39, remaining: 5, low: false }],
    });
    // 4, 3, then 2 (under 3: the alert), then 1 (still under: nothing more).
    for (let i = 0; i < 4; i++) await sell();
    expect(await settledAlerts(2)).toEqual(both(2));
    expect(await loadedStates(backoffice, wall)).toEqual({
      backoffice: [{ docType: 39, remaining: 1, low: true }],
      wall: [{ docType: 39, remaining: 1, low: true }],
    });
  });

  it('fires again when a CAF added lifts the count and sales use it down again', async () => {
    await upload(6, 10);
    // The refill lifts the type: the screens are told, without an alert.
    await settledAlerts(0);
    expect([...restored].sort((a, b) => a.screen.localeCompare(b.screen))).toEqual(both(6));
    expect(alerts).toEqual([]);
    expect(await loadedStates(backoffice, wall)).toEqual({
      backoffice: [{ docType: 39, remaining: 6, low: false }],
      wall: [{ docType: 39, remaining: 6, low: false }],
    });
    for (let i = 0; i < 5; i++) await sell();
    expect(await settledAlerts(2)).toEqual(both(2));
  });

  it('fires when the threshold is raised above the count, not when it is lowered or saved unchanged', async () => {
    // 1 left: a threshold of 1 lifts the type (1 is not under 1) without an alert.
    await setThreshold(1);
    await settledAlerts(0);
    expect([...restored].sort((a, b) => a.screen.localeCompare(b.screen))).toEqual(both(1));
    expect((await loadedStates(backoffice, wall)).wall).toEqual([{ docType: 39, remaining: 1, low: false }]);
    await setThreshold(5);
    await setThreshold(5);
    expect(await settledAlerts(2)).toEqual(both(1));
    expect((await loadedStates(backoffice, wall)).backoffice).toEqual([
      { docType: 39, remaining: 1, low: true },
    ]);
  });

  describe('after a restart', () => {
    let restarted: TestServer;
    afterAll(async () => {
      await restarted?.close();
    });

    it('a new server instance reports the low state on load and does not alert again', async () => {
      restarted = await startTestServer();
      const connect = async (email: string, screen: string) =>
        connectClient(restarted.url, tenant.slug, { token: await tokenFor(restarted.url, email), screen });
      const newBackoffice = await connect(tenant.emails.admin, 'backoffice');
      const newWall = await connect(tenant.emails.supervisor, 'wall');
      const cashier = await connect(tenant.emails.cashier, 'pos');
      for (const [screen, socket] of [
        ['new backoffice', newBackoffice],
        ['new wall', newWall],
      ] as const) {
        socket.on('folio:low', (alert) => alerts.push({ screen, ...alert }));
      }
      try {
        expect(await loadedStates(newBackoffice, newWall)).toEqual({
          backoffice: [{ docType: 39, remaining: 1, low: true }],
          wall: [{ docType: 39, remaining: 1, low: true }],
        });
        // The last folio, taken through the new instance: still under, so no second alert anywhere.
        expect(await sell(cashier)).toBe(10);
        expect(await settledAlerts(0)).toEqual([]);
      } finally {
        for (const socket of [newBackoffice, newWall, cashier]) socket.close();
      }
    });
  });
});

describe('the low-folio alert across server instances', () => {
  const chain = useSellingFixture({ label: 'falert2', stock: '1000', stocked: [1], cafs: [] });
  let second: TestServer;
  let third: TestServer | undefined;
  let admin: TestClient;
  let secondWall: TestClient;
  let secondTill: Till;
  beforeAll(async () => {
    second = await startTestServer();
    admin = await chain.signIn(chain.tenant, chain.tenant.emails.admin, { screen: 'backoffice' });
    secondWall = await connectClient(second.url, chain.tenant.slug, {
      token: await tokenFor(second.url, chain.tenant.emails.supervisor),
      screen: 'wall',
    });
    // A supervisor's till at store 0's second terminal, on the second server.
    const [store] = chain.tenant.stores;
    const pos = await connectClient(second.url, chain.tenant.slug, {
      token: await tokenFor(second.url, chain.tenant.emails.supervisor),
      screen: 'pos',
      storeId: store!.id,
    });
    const opened = await pos.emitWithAck('cash:open', {
      terminalId: store!.terminalIds[1]!,
      openingFloat: 20000,
    });
    if (!opened.ok) throw new Error(opened.error.message);
    secondTill = { socket: pos, terminalId: store!.terminalIds[1]!, cashSessionId: opened.data.id };
    admin.on('folio:low', (alert) => alerts.push({ screen: 'backoffice', ...alert }));
    secondWall.on('folio:low', (alert) => alerts.push({ screen: 'wall', ...alert }));
    await setThreshold(10, admin);
  });
  afterAll(async () => {
    for (const socket of [secondWall, secondTill?.socket]) socket?.close();
    await third?.close();
    await second?.close();
  });

  it('fires once when sales on two servers at once cross the threshold', async () => {
    await upload(1, 30, admin);
    // 24 folios in two waves of 12 at once (6 per till, within a socket's commands in flight),
    // half through each server: the take that leaves 9 is the crossing.
    const folios: number[] = [];
    for (let wave = 0; wave < 2; wave++) {
      const sales = Array.from({ length: 6 }, () => [
        sell(chain.till.socket, chain.till, chain.products[1]!.id),
        sell(secondTill.socket, secondTill, chain.products[1]!.id),
      ]).flat();
      folios.push(...(await Promise.all(sales)));
    }
    expect(new Set(folios).size).toBe(24);
    expect(await settledAlerts(2)).toEqual(both(9));
  });

  it('a server started after a CAF expired reports the type low on load, without a live alert', async () => {
    await upload(31, 60, admin);
    expect((await loadedStates(admin, secondWall)).wall).toEqual([
      { docType: 39, remaining: 36, low: false },
    ]);
    // The days pass while no server runs: the new range expires, 6 folios remain in force.
    await withTenant(chain.server.orm, chain.tenant.tenantId, (em) =>
      em.execute('update caf set expires_on = current_date - 1 where folio_from = 31'),
    );
    third = await startTestServer();
    const thirdWall = await connectClient(third.url, chain.tenant.slug, {
      token: await tokenFor(third.url, chain.tenant.emails.supervisor),
      screen: 'wall',
    });
    thirdWall.on('folio:low', (alert) => alerts.push({ screen: 'third wall', ...alert }));
    try {
      const snapshot = await thirdWall.emitWithAck('wall:snapshot', {});
      expect(snapshot.ok && snapshot.data.folios).toEqual([{ docType: 39, remaining: 6, low: true }]);
      expect((await loadedStates(admin, secondWall)).backoffice).toEqual([
        { docType: 39, remaining: 6, low: true },
      ]);
      // Still under: the next folio alerts no one again.
      await sell(chain.till.socket, chain.till, chain.products[1]!.id);
      expect(await settledAlerts(0)).toEqual([]);
    } finally {
      thirdWall.close();
    }
  });

  it('a sale crossing while a refill commits leaves the type lifted, without an alert', async () => {
    // 5 left and a threshold of 5: not low, and the next folio crosses. A refill holds its
    // transaction open with its check done (the type's row written and locked); a sale meanwhile
    // takes that next folio, counting without the new range, and waits on the row. Once the
    // refill commits, the sale must not record (or announce) a crossing the refill undid.
    await setThreshold(5, admin);
    let sale: Promise<number> | undefined;
    await withTenant(chain.server.orm, chain.tenant.tenantId, async (em) => {
      const caf = makeTestCaf({ rut: '76192083-9', type: 39, from: 61, to: 90 });
      await storeCaf(
        em,
        chain.server.secrets,
        { id: chain.tenant.tenantId, rut: '76192083-9' },
        caf,
        new PendingEvents(),
      );
      sale = sell(chain.till.socket, chain.till, chain.products[1]!.id);
      await new Promise((r) => setTimeout(r, 500));
    });
    await sale;
    expect(await settledAlerts(0)).toEqual([]);
    expect((await loadedStates(admin, secondWall)).backoffice).toEqual([
      { docType: 39, remaining: 34, low: false },
    ]);
  });
});
