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

let tenant: TestTenant;
let products: TestProduct[];
let till: Till;
let backoffice: TestClient;
let wall: TestClient;
/** Every `folio:low` the fixture's back office and wall received, in order. */
let alerts: { screen: string; docType: number; remaining: number }[] = [];

const shop = useSellingFixture({ label: 'falert', stock: '1000', stocked: [1], cafs: [] });
beforeAll(async () => {
  ({ tenant, products, till } = shop);
  backoffice = await shop.signIn(tenant, tenant.emails.admin, { screen: 'backoffice' });
  wall = await shop.signIn(tenant, tenant.emails.supervisor, { screen: 'wall' });
  backoffice.on('folio:low', (alert) => alerts.push({ screen: 'backoffice', ...alert }));
  wall.on('folio:low', (alert) => alerts.push({ screen: 'wall', ...alert }));
  // The threshold first, with no CAF yet: nothing to compare.
  await setThreshold(3);
});
beforeEach(() => {
  alerts = [];
});

async function sell(socket: TestClient = till.socket): Promise<number> {
  const answer = await socket.emitWithAck('sale:commit', {
    saleId: randomUUID(),
    terminalId: till.terminalId,
    cashSessionId: till.cashSessionId,
    docType: 39,
    lines: [{ productId: products[1]!.id, quantity: '1', unitPrice: 1190 }],
    payments: [{ method: 'cash', tendered: 2000 }],
  });
  if (!answer.ok) throw new Error(answer.error.message);
  return answer.data.folio;
}

async function upload(from: number, to: number): Promise<void> {
  const xml = makeTestCaf({ rut: '76192083-9', type: 39, from, to }).toString('latin1');
  const uploaded = await backoffice.emitWithAck('caf:upload', { xml });
  if (!uploaded.ok) throw new Error(uploaded.error.message);
}

/** Saves the company's settings with a new low-folio threshold, as the back office does. */
async function setThreshold(lowFolioThreshold: number): Promise<void> {
  const profile = await backoffice.emitWithAck('tenant:get', {});
  if (!profile.ok) throw new Error(profile.error.message);
  const { slug: _, ...input } = profile.data;
  const saved = await backoffice.emitWithAck('tenant:save', {
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
