/**
 * The store node with real processes: the central server as its own process, the real hub
 * process (`--simulate`, its printer writes each receipt as a file) serving the store's
 * terminals on HUB_HTTP_PORT, and socket.io-client terminals connected through it. Online, a
 * sale through the hub gets the server's own answer and its receipt prints once on the hub's
 * printer; the server is killed, the hub notices within seconds, serves the catalog from its
 * replica (also after its own restart) and answers what it cannot serve with the Spanish
 * OFFLINE error at once (offline selling itself: offline-selling.test.ts).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, type TestTenant, tokenFor } from '../../test/harness.ts';
import {
  type HubProcess,
  issueHubCredential,
  printedReceipts,
  startStoreNode,
  storeNodePort,
  waitFor,
} from '../../test/hubs.ts';
import type { TestProduct, Till } from '../../test/selling.ts';
import { useSellingFixture } from '../../test/selling-fixture.ts';
import { killableServer } from '../../test/server-process.ts';
import { withTenant } from '../platform/orm.ts';

let seeder: TestServer;
let tenant: TestTenant;
let products: TestProduct[];
let till: Till;
const central = killableServer();
const centralUrl = central.url;
let credential: { token: string; storeId: string };
let dataDir: string;
let hub: HubProcess;
let hubUrl: string;
let token: string;
const terminals: Socket[] = [];
type NodeStateEvent = { online: boolean; since: string; pendingSales: number; at: number };
const states: NodeStateEvent[] = [];

const compact = (text: string) => text.replace(/\s+/g, '');

/**
 * A POS terminal connected to the hub with the cashier's session; the `node:state` events it
 * receives (from the first one, sent as it connects) go to `told`.
 */
async function terminal(
  url: string,
  auth: Record<string, unknown> = { token, screen: 'pos' },
  told: NodeStateEvent[] = [],
): Promise<Socket> {
  const socket = io(`${url}/t/${tenant.slug}`, {
    auth,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    autoConnect: false,
  });
  socket.on('node:state', (state: Omit<NodeStateEvent, 'at'>) => told.push({ ...state, at: Date.now() }));
  socket.connect();
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error: Error & { data?: unknown }) => {
      socket.close();
      reject(error.data ?? error);
    });
  });
  terminals.push(socket);
  return socket;
}

function startHub(): void {
  hub = startStoreNode(centralUrl, tenant.slug, credential, dataDir);
}

const sale = (saleId = randomUUID()) => ({
  saleId,
  terminalId: till.terminalId,
  cashSessionId: till.cashSessionId,
  lines: [{ productId: products[1]!.id, quantity: '2', unitPrice: 1190 }],
  payments: [{ method: 'cash' as const, tendered: 5000 }],
});

const shop = useSellingFixture({ label: 'node', stock: '1000', cafs: [[39, 1, 100]] });
beforeAll(async () => {
  ({ server: seeder, tenant, products, till } = shop);
  const admin = await shop.signIn(tenant, tenant.emails.admin, { screen: 'backoffice' });
  // A lease leaves the CAF's other folios to online sales.
  const sizes = await admin.emitWithAck('folio-lease:save-settings', {
    storeId: tenant.stores[0]!.id,
    sizes: { 39: 20, 41: 10, 33: 0 },
  });
  expect(sizes.ok).toBe(true);
  credential = await issueHubCredential(admin, tenant.stores[0]!.id);
  await central.start();
  dataDir = mkdtempSync(join(tmpdir(), 'store-node-'));
  startHub();
  hubUrl = `http://127.0.0.1:${await storeNodePort(hub)}`;
  token = await tokenFor(centralUrl, tenant.emails.cashier);
}, 60_000);

afterAll(async () => {
  for (const socket of terminals) socket.close();
  await hub?.stop();
  await central.kill();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('online, through the hub', () => {
  let pos: Socket;

  it('relays the handshake: the server refusal comes back with its code, a good session connects and is told the store is online', async () => {
    await expect(terminal(hubUrl, { token: 'not-a-token', screen: 'pos' })).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    pos = await terminal(hubUrl, undefined, states);
    await waitFor(() => states.length > 0);
    expect(states.at(-1)).toMatchObject({ online: true, pendingSales: 0 });
  });

  it('commits a sale with the same answer the server gives directly, and its receipt prints once on the hub', async () => {
    const committed = await pos.timeout(10_000).emitWithAck('sale:commit', sale());
    expect(committed.ok).toBe(true);
    // The same sale id sent straight to the server: the server's stored answer, identical.
    const direct = await till.socket.emitWithAck('sale:commit', sale(committed.data.saleId));
    expect(direct).toEqual(committed);
    const rows = await withTenant(seeder.orm, tenant.tenantId, (em) =>
      em.execute<{ folio: number }[]>('select folio from sale where id = ?', [committed.data.saleId]),
    );
    expect(rows).toEqual([{ folio: committed.data.folio }]);

    const mine = () =>
      printedReceipts(dataDir).filter((text) =>
        compact(text).includes(`BOLETAELECTRÓNICAN°${committed.data.folio}`),
      );
    await expect.poll(() => mine().length, { timeout: 15_000 }).toBe(1);
    await expect
      .poll(
        async () =>
          (
            await withTenant(seeder.orm, tenant.tenantId, (em) =>
              em.execute<{ state: string }[]>('select state from print_job where id = ?', [
                committed.data.saleId,
              ]),
            )
          )[0]?.state,
        { timeout: 15_000 },
      )
      .toBe('done');
    // A second delivery (the server's sweep, a reconnect) must not print it again.
    await new Promise((r) => setTimeout(r, 1500));
    expect(mine()).toHaveLength(1);
  });

  it('serves the scale from the hub itself and keeps a replica of the store catalog', async () => {
    const watched = await pos.timeout(3000).emitWithAck('scale:watch', { durationMs: 5000 });
    expect(watched.ok).toBe(true);
    const tare = await pos.timeout(3000).emitWithAck('scale:tare', {});
    expect(tare).toMatchObject({ ok: true });
    await expect
      .poll(() => hub.logs().some((l) => l.msg === 'catalog replica refreshed'), { timeout: 15_000 })
      .toBe(true);
  });
});

describe('the central server goes away', () => {
  let pos: Socket;

  beforeAll(async () => {
    pos = terminals.at(-1)!;
    // The replica is written to disk half a second after it changes.
    await new Promise((r) => setTimeout(r, 1000));
  });

  it('notices within a few seconds and tells the terminal since when', async () => {
    const killedAt = Date.now();
    await central.kill();
    await waitFor(() => states.at(-1)?.online === false, 10_000);
    const offline = states.at(-1)!;
    console.log(`offline noticed after ${offline.at - killedAt} ms (machine shared with other work)`);
    expect(offline.at - killedAt).toBeLessThan(5000);
    expect(Date.parse(offline.since)).toBeGreaterThanOrEqual(killedAt - 1000);
  });

  it('answers the catalog from its replica and everything else with the Spanish OFFLINE error, at once', async () => {
    const changes = await pos.timeout(3000).emitWithAck('catalog:changes', { since: 0 });
    expect(changes.ok).toBe(true);
    expect(changes.data.products.map((p: { id: string }) => p.id).sort()).toEqual(
      products.map((p) => p.id).sort(),
    );
    const lookup = await pos.timeout(3000).emitWithAck('product:lookup', { code: products[1]!.code });
    expect(lookup).toMatchObject({ ok: true, data: { id: products[1]!.id, price: products[1]!.price } });

    for (const [event, payload] of [
      ['sale:return', { saleId: randomUUID(), original: { saleId: randomUUID() }, lines: [] }],
      ['cash:approve-close', { sessionId: till.cashSessionId }],
      ['wall:snapshot', {}],
    ] as const) {
      const started = Date.now();
      const answer = await pos.timeout(3000).emitWithAck(event, payload);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(answer.ok).toBe(false);
      expect(answer.error.code).toBe('OFFLINE');
      expect(answer.error.message).toMatch(/^Sin conexión con la central: /);
    }

    const snapshot = await fetch(`${hubUrl}/api/t/${tenant.slug}/catalog/snapshot`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(snapshot.status).toBe(200);
    expect(((await snapshot.json()) as { data: { products: unknown[] } }).data.products).toHaveLength(
      products.length,
    );
    const login = await fetch(`${hubUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: tenant.emails.cashier, password: 'x' }),
    });
    expect(login.status).toBe(503);
    expect(((await login.json()) as { error: { code: string } }).error.code).toBe('OFFLINE');
  });

  it('after its own restart, still offline, admits the known session and serves the catalog from disk', async () => {
    await hub.stop('SIGTERM');
    startHub();
    hubUrl = `http://127.0.0.1:${await storeNodePort(hub)}`;
    const told: NodeStateEvent[] = [];
    const reloaded = await terminal(hubUrl, undefined, told);
    await waitFor(() => told.length > 0);
    expect(told[0]).toMatchObject({ online: false, pendingSales: 0 });
    const changes = await reloaded.timeout(3000).emitWithAck('catalog:changes', { since: 0 });
    expect(changes.ok).toBe(true);
    expect(changes.data.products).toHaveLength(products.length);
    // A session the hub never saw accepted is not admitted while the server cannot be asked.
    await expect(terminal(hubUrl, { token: 'never-seen', screen: 'pos' })).rejects.toMatchObject({
      code: 'OFFLINE',
    });
  });
});
