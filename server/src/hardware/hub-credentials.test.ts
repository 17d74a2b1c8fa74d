/**
 * Hub credentials: issued once by an admin, bound to a tenant and store, revocable, expiring and
 * renewable; hub ≠ person.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectClient,
  nextEvent,
  type TestClient,
  type TestServer,
  type TestTenant,
  tokenFor,
} from '../../test/harness.ts';
import { connectHub, hubEmit, issueHubCredential, startHubProcess, waitFor } from '../../test/hubs.ts';
import { useTestServer } from '../../test/test-server-fixture.ts';
import { withTenant } from '../platform/orm.ts';

let server: TestServer;
let a: TestTenant;
let b: TestTenant;
let admin: TestClient;
let wall: TestClient;
const open: TestClient[] = [];

const world = useTestServer(['hub', 'hubb']);
beforeAll(async () => {
  ({
    server,
    tenants: [a, b],
  } = world);
  admin = await world.signIn(a, a.emails.admin, { screen: 'backoffice' });
  wall = await world.signIn(a, a.emails.supervisor, { screen: 'wall' });
});
afterAll(() => {
  for (const socket of open) socket.close();
});

/** Moves a credential's expiry (the test cannot wait 90 days). */
function expireAt(deviceId: string, when: string) {
  return withTenant(server.orm, a.tenantId, (em) =>
    em.execute(`update hub_device set expires_at = now() + ?::interval where id = ?`, [when, deviceId]),
  );
}

async function listed(deviceId: string) {
  const list = await admin.emitWithAck('hub:list', {});
  if (!list.ok) throw new Error(JSON.stringify(list.error));
  return list.data.devices.find((d) => d.deviceId === deviceId);
}

/** A hub connected with `credential`, once it serves the store (the wall heard it online). */
async function connectServing(credential: { token: string; storeId: string }) {
  const online = nextEvent(wall, 'hub:status', 10_000);
  const hub = await connectHub(server.url, a.slug, credential);
  expect(await online).toMatchObject({ online: true });
  return hub;
}

/** Closes a hub socket and waits until the store is free for the next one. */
async function closeHub(hub: TestClient) {
  const offline = nextEvent(wall, 'hub:status', 10_000);
  hub.close();
  expect(await offline).toMatchObject({ online: false });
}

describe('hub credentials', () => {
  it('issues a token once, stores only its hash, and lists the hub online once it connects', async () => {
    const credential = await issueHubCredential(admin, a.stores[0]!.id, 'Hub caja 1');
    expect(credential.token.length).toBeGreaterThanOrEqual(40);
    const [stored] = await withTenant(server.orm, a.tenantId, (em) =>
      em.execute<{ token_hash: Buffer }[]>('select token_hash from hub_device where id = ?', [
        credential.deviceId,
      ]),
    );
    expect(stored!.token_hash.toString('utf8')).not.toContain(credential.token);
    expect(stored!.token_hash).toHaveLength(32);

    const listed = await admin.emitWithAck('hub:list', {});
    expect(listed.ok && listed.data.devices).toEqual([
      expect.objectContaining({
        deviceId: credential.deviceId,
        name: 'Hub caja 1',
        online: false,
        revokedAt: null,
      }),
    ]);
    expect(JSON.stringify(listed)).not.toContain(credential.token);

    const online = nextEvent<{ storeId: string; online: boolean }>(wall, 'hub:status', 10_000);
    const hub = await connectHub(server.url, a.slug, credential);
    open.push(hub);
    expect(await online).toMatchObject({ storeId: a.stores[0]!.id, online: true });
    await hubEmit(hub, 'hub:announce', {
      hubVersion: '0.1.0',
      printers: [
        { printerId: 'caja-1', name: 'Caja 1', connection: 'virtual', paperWidthMm: 80, pdf417: 'raster' },
      ],
      scales: [],
    });
    const after = await admin.emitWithAck('hub:list', { storeId: a.stores[0]!.id });
    expect(after.ok && after.data.devices[0]).toMatchObject({
      online: true,
      announce: { hubVersion: '0.1.0', printers: [{ printerId: 'caja-1' }] },
    });

    const offline = nextEvent<{ online: boolean }>(wall, 'hub:status', 10_000);
    hub.close();
    expect(await offline).toMatchObject({ storeId: a.stores[0]!.id, online: false });
  });

  it('lets only owners and admins manage hub credentials', async () => {
    const cashier = await connectClient(server.url, a.slug, {
      token: await tokenFor(server.url, a.emails.cashier),
      screen: 'pos',
    });
    open.push(cashier);
    for (const [event, payload] of [
      ['hub:create-credential', { storeId: a.stores[0]!.id, name: 'x' }],
      ['hub:list', {}],
    ] as const) {
      const emit = cashier.emitWithAck.bind(cashier) as (e: string, p: unknown) => Promise<unknown>;
      expect(await emit(event, payload)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
  });

  it('binds the hub to its tenant and store: another store or tenant is refused', async () => {
    const credential = await issueHubCredential(admin, a.stores[0]!.id);
    await expect(
      connectHub(server.url, a.slug, { token: credential.token, storeId: a.stores[1]!.id }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(connectHub(server.url, b.slug, credential)).rejects.toMatchObject({ code: 'WRONG_TENANT' });
    // A person's token never opens the hub screen.
    await expect(
      connectHub(server.url, a.slug, {
        token: await tokenFor(server.url, a.emails.owner),
        storeId: a.stores[0]!.id,
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('keeps hub and people commands apart', async () => {
    const hub = await connectHub(server.url, a.slug, await issueHubCredential(admin, a.stores[0]!.id));
    // People's handlers are not registered on a hub socket, and hub commands not on people's.
    await expect(hubEmit(hub, 'session:info', {}, 300)).rejects.toThrow(/timed out/);
    await expect(hubEmit(hub, 'hub:list', {}, 300)).rejects.toThrow(/timed out/);
    await expect(
      hubEmit(
        admin,
        'printer:status',
        {
          printerId: 'caja-1',
          state: 'ready',
          paperNearEnd: false,
          pendingJobs: 0,
          at: new Date().toISOString(),
        },
        300,
      ),
    ).rejects.toThrow(/timed out/);
    expect(await hubEmit(hub, 'hub:announce', { hubVersion: '1', printers: [], scales: [] })).toEqual({
      ok: true,
      data: {},
    });
    // The store takes one hub at a time: leave it free for the next test.
    const offline = nextEvent(wall, 'hub:status', 10_000);
    hub.close();
    expect(await offline).toMatchObject({ online: false });
  });

  it('revoking a credential drops its hub at once and refuses it afterwards', async () => {
    const credential = await issueHubCredential(admin, a.stores[0]!.id);
    const hub = await connectHub(server.url, a.slug, credential);
    const dropped = new Promise((resolve) => hub.once('disconnect', resolve));
    const revoked = await admin.emitWithAck('hub:revoke', { deviceId: credential.deviceId });
    expect(revoked).toMatchObject({ ok: true, data: { deviceId: credential.deviceId } });
    expect(await dropped).toBe('io server disconnect');
    await expect(connectHub(server.url, a.slug, credential)).rejects.toMatchObject({ code: 'TOKEN_REVOKED' });
    const listed = await admin.emitWithAck('hub:list', {});
    expect(listed.ok && listed.data.devices.find((d) => d.deviceId === credential.deviceId)).toMatchObject({
      online: false,
      revokedAt: expect.any(String),
    });
  });

  it('refuses an expired credential at the handshake, saying when it expired; a fresh one connects', async () => {
    const expired = await issueHubCredential(admin, a.stores[0]!.id, 'Hub vencido');
    await expireAt(expired.deviceId, '-1 day');
    await expect(connectHub(server.url, a.slug, expired)).rejects.toMatchObject({
      code: 'TOKEN_EXPIRED',
      message: expect.stringMatching(/^La credencial de este hub venció el \d{2}-\d{2}-\d{4}: renuévela/),
    });
    // The real hub process is refused too, and logs why.
    const dir = mkdtempSync(join(tmpdir(), 'erp-hub-expired-'));
    const hubProcess = startHubProcess(server.url, a.slug, expired, dir);
    try {
      await waitFor(() =>
        hubProcess
          .logs()
          .some((line) => line.msg === 'server refused the hub' && /venció/.test(String(line.err))),
      );
    } finally {
      await hubProcess.stop();
      rmSync(dir, { recursive: true, force: true });
    }

    const fresh = await issueHubCredential(admin, a.stores[0]!.id, 'Hub nuevo');
    const days = (Date.parse(fresh.expiresAt) - Date.parse(fresh.createdAt)) / 86_400_000;
    expect(days).toBe(90);
    expect(await listed(fresh.deviceId)).toMatchObject({ expiresAt: fresh.expiresAt, replacedBy: null });
    await closeHub(await connectServing(fresh));
  });

  it('drops a connected hub when its credential expires', async () => {
    const credential = await issueHubCredential(admin, a.stores[0]!.id);
    await expireAt(credential.deviceId, '3 seconds');
    const hub = await connectServing(credential);
    const offline = nextEvent(wall, 'hub:status', 10_000);
    const dropped = new Promise((resolve) => hub.once('disconnect', resolve));
    expect(await dropped).toBe('io server disconnect');
    expect(await offline).toMatchObject({ online: false });
    await expect(connectHub(server.url, a.slug, credential)).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' });
  });

  it('renews a credential: the old token works until a hub connects with the new one, then is revoked', async () => {
    const old = await issueHubCredential(admin, a.stores[0]!.id, 'Hub renovable');
    await expireAt(old.deviceId, '3 days');
    const hub = await connectServing(old);
    const renewed = await admin.emitWithAck('hub:renew', { deviceId: old.deviceId });
    if (!renewed.ok) throw new Error(JSON.stringify(renewed.error));
    expect(renewed.data).toMatchObject({ storeId: a.stores[0]!.id, name: 'Hub renovable' });
    expect(renewed.data.token).not.toBe(old.token);
    expect(Date.parse(renewed.data.expiresAt)).toBeGreaterThan(Date.now() + 89 * 86_400_000);
    // Renewing asks nothing of the running hub: it keeps serving with the old token meanwhile.
    expect(hub.connected).toBe(true);
    expect(await listed(old.deviceId)).toMatchObject({ revokedAt: null, replacedBy: renewed.data.deviceId });
    expect(await admin.emitWithAck('hub:renew', { deviceId: old.deviceId })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });

    // The hub is restarted with the new token: from then on the old one is refused.
    await closeHub(hub);
    const next = await connectServing(renewed.data);
    expect(await listed(old.deviceId)).toMatchObject({ revokedAt: expect.any(String) });
    await expect(connectHub(server.url, a.slug, old)).rejects.toMatchObject({ code: 'TOKEN_REVOKED' });
    await closeHub(next);
  });
});
