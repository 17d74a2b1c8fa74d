/**
 * Which hub socket gets a store's requests: only one hub serves a store at a time (two would
 * each print every receipt), and a short-lived command (drawer kick, tare) asked while the hub
 * was away never reaches it when it comes back, not even through connection state recovery.
 */
import { io as connectIo, type Socket } from 'socket.io-client';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { nextEvent, type TestClient, type TestServer, type TestTenant } from '../../test/harness.ts';
import { connectHub, hubEmit, issueHubCredential, waitFor } from '../../test/hubs.ts';
import { openTill, type Till } from '../../test/selling.ts';
import { useTestServer } from '../../test/test-server-fixture.ts';
import { rooms } from '../realtime/rooms.ts';

let server: TestServer;
let tenant: TestTenant;
let admin: TestClient;
let till: Till;
let storeId: string;
const opened: { close(): unknown }[] = [];

/** A hub socket that answers tare requests and counts them. */
function answering(hub: TestClient | Socket): { tares: number } {
  const seen = { tares: 0 };
  (hub as Socket).on('scale:tare', (command: { commandId: string }, ack: (result: unknown) => void) => {
    seen.tares++;
    ack({ ok: true, data: { commandId: command.commandId, executedAt: new Date().toISOString() } });
  });
  return seen;
}

/** Connects a hub socket and waits until it serves the store (its announce is taken only then). */
async function servingHub(credential: { token: string; storeId: string }): Promise<TestClient> {
  const hub = await connectHub(server.url, tenant.slug, credential);
  await hubEmit(hub, 'hub:announce', { hubVersion: 'test', printers: [], scales: [] });
  return hub;
}

/** The sockets that get the store's requests (its hub room). */
const servingHubs = () =>
  server.io.of(`/t/${tenant.slug}`).in(rooms.storeScreen(storeId, 'hub')).fetchSockets();

async function storeHasNoHub(): Promise<boolean> {
  const listed = await admin.emitWithAck('hub:list', { storeId });
  return listed.ok && listed.data.devices.every((device) => !device.online);
}

const world = useTestServer(['hubs']);
beforeAll(async () => {
  ({
    server,
    tenants: [tenant],
  } = world);
  storeId = tenant.stores[0]!.id;
  admin = await world.signIn(tenant, tenant.emails.admin, { screen: 'backoffice' });
  till = await openTill(server, tenant, tenant.stores[0]!.terminalIds[0]!);
  world.keep(till.socket);
});
afterEach(async () => {
  for (const socket of opened.splice(0)) socket.close();
  await waitFor(storeHasNoHub);
});

describe('one hub per store', () => {
  it('refuses a second hub while the first serves the store, and lets it in once the first leaves', async () => {
    const firstCredential = await issueHubCredential(admin, storeId, 'Hub A');
    const first = await servingHub(firstCredential);
    opened.push(first);
    const secondCredential = await issueHubCredential(admin, storeId, 'Hub B');
    const busy = {
      code: 'CONFLICT',
      message: 'Otro hub ya atiende esta sucursal; este se conectará cuando aquel se desconecte.',
    };
    await expect(connectHub(server.url, tenant.slug, secondCredential)).rejects.toEqual(busy);
    // The same credential twice (a copied configuration) is refused just the same.
    await expect(connectHub(server.url, tenant.slug, firstCredential)).rejects.toEqual(busy);
    expect((await servingHubs()).map((socket) => socket.id)).toEqual([first.id]);

    const firstTares = answering(first);
    expect(await till.socket.emitWithAck('scale:tare', {})).toMatchObject({ ok: true });
    expect(firstTares.tares).toBe(1);

    const offline = nextEvent(till.socket, 'hub:status', 10_000);
    first.close();
    expect(await offline).toMatchObject({ storeId, online: false });
    const second = await servingHub(secondCredential);
    opened.push(second);
    const secondTares = answering(second);
    expect(await till.socket.emitWithAck('scale:tare', {})).toMatchObject({ ok: true });
    expect([firstTares.tares, secondTares.tares]).toEqual([1, 1]);
  });

  it('lets at most one of several hubs connecting at the same moment serve the store', async () => {
    const credentials = await Promise.all(
      [1, 2, 3, 4].map((n) => issueHubCredential(admin, storeId, `Hub ${n}`)),
    );
    const attempts = await Promise.allSettled(
      credentials.map((credential) => connectHub(server.url, tenant.slug, credential)),
    );
    const hubs = attempts.flatMap((attempt) => (attempt.status === 'fulfilled' ? [attempt.value] : []));
    opened.push(...hubs);
    const counters = hubs.map(answering);
    // Connected ones that lost the claim are dropped right after connecting; wait until every
    // hub still connected has finished its claim.
    await waitFor(async () => hubs.filter((hub) => hub.connected).length === (await servingHubs()).length);
    const serving = await servingHubs();
    expect(serving.length).toBeLessThanOrEqual(1);
    expect(hubs.filter((hub) => hub.connected)).toHaveLength(serving.length);
    if (serving.length === 0) {
      // All of them saw each other and stepped back; the next attempt is alone and wins.
      const retry = await servingHub(credentials[0]!);
      opened.push(retry);
      counters.push(answering(retry));
    }
    expect(await till.socket.emitWithAck('scale:tare', {})).toMatchObject({ ok: true });
    expect(counters.map((c) => c.tares).sort()).toEqual([...Array(counters.length - 1).fill(0), 1]);
  });
});

describe('short-lived commands while the hub is away', () => {
  it('are refused at once and never delivered when the hub comes back, even with its session recovered', async () => {
    const credential = await issueHubCredential(admin, storeId, 'Hub con recuperación');
    const hub = connectIo(`${server.url}/t/${tenant.slug}`, {
      auth: { token: credential.token, storeId, screen: 'hub' },
      transports: ['websocket'],
      // Long enough for the checks below to run while it is away, however busy the machine.
      reconnectionDelay: 3000,
      reconnectionDelayMax: 3000,
      randomizationFactor: 0,
    });
    opened.push(hub);
    const requests: string[] = [];
    hub.onAny((event: string) => requests.push(event));
    await new Promise<void>((resolve) => hub.once('connect', () => resolve()));
    await waitFor(async () => (await servingHubs()).length === 1);
    // Worst case: the hub holds a recovery offset (it got a plain broadcast), so the server
    // replays whatever it stored for it while it was away.
    const toHubRoom = server.io.of(`/t/${tenant.slug}`).to(rooms.storeScreen(storeId, 'hub'));
    (toHubRoom.emit as (event: string, payload: unknown) => boolean)('hub:status', {
      storeId,
      online: true,
      since: new Date().toISOString(),
    });
    await waitFor(() => requests.includes('hub:status'));

    // The network drops (no goodbye): the hub reconnects by itself three seconds later.
    const back = new Promise<void>((resolve) => hub.once('connect', () => resolve()));
    (hub.io.engine as unknown as { close(): void }).close();
    await waitFor(storeHasNoHub);
    expect(
      await till.socket.emitWithAck('drawer:open', { terminalId: till.terminalId, reason: 'no_sale' }),
    ).toMatchObject({ ok: false, error: { code: 'DEVICE_UNAVAILABLE' } });
    expect(await till.socket.emitWithAck('scale:tare', {})).toMatchObject({
      ok: false,
      error: { code: 'DEVICE_UNAVAILABLE' },
    });

    await back;
    expect(hub.recovered).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(requests).not.toContain('drawer:kick');
    expect(requests).not.toContain('scale:tare');
  });
});
