import { ERROR_MESSAGES } from '@erp/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { connectClient, nextEvent, type TestServer, type TestTenant, tokenFor } from '../../test/harness.ts';
import { useTestServer } from '../../test/test-server-fixture.ts';
import { withUser } from '../platform/orm.ts';

let server: TestServer;
let a: TestTenant;
let b: TestTenant;

const world = useTestServer(['ns-a', 'ns-b'], { TOKEN_TTL_SECONDS: '60' });
beforeAll(() => {
  ({
    server,
    tenants: [a, b],
  } = world);
});

describe('tenant namespaces', () => {
  it("refuses tenant A's token on tenant B's namespace with WRONG_TENANT", async () => {
    const token = await tokenFor(server.url, a.emails.admin);
    await expect(connectClient(server.url, b.slug, { token })).rejects.toEqual({
      code: 'WRONG_TENANT',
      message: ERROR_MESSAGES.WRONG_TENANT,
    });
    const own = await connectClient(server.url, a.slug, { token });
    const info = await own.emitWithAck('session:info', {});
    expect(info).toEqual({
      ok: true,
      data: expect.objectContaining({ tenantId: a.tenantId, role: 'admin' }),
    });
    own.close();
  });

  it('refuses a missing, unknown, expired or revoked token', async () => {
    await expect(connectClient(server.url, a.slug, { token: '' })).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    await expect(connectClient(server.url, a.slug, { token: 'x'.repeat(43) })).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });

    const supervisorId = a.users[a.emails.supervisor]!;
    const expired = await tokenFor(server.url, a.emails.supervisor);
    await withUser(server.orm, supervisorId, (em) =>
      em.execute(`update auth_session set expires_at = now() - interval '1 second' where user_id = ?`, [
        supervisorId,
      ]),
    );
    await expect(connectClient(server.url, a.slug, { token: expired })).rejects.toMatchObject({
      code: 'TOKEN_EXPIRED',
    });

    const token = await tokenFor(server.url, a.emails.owner);
    const socket = await connectClient(server.url, a.slug, { token });
    const dropped = new Promise((resolve) => socket.once('disconnect', resolve));
    const logout = await fetch(`${server.url}/api/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(logout.status).toBe(204);
    expect(await dropped).toBe('io server disconnect');
    await expect(connectClient(server.url, a.slug, { token })).rejects.toMatchObject({
      code: 'TOKEN_REVOKED',
    });
  });

  it("refuses a screen the user's role may not open", async () => {
    const cashier = await tokenFor(server.url, a.emails.cashier);
    await expect(connectClient(server.url, a.slug, { token: cashier, screen: 'wall' })).rejects.toMatchObject(
      {
        code: 'FORBIDDEN',
      },
    );
    await expect(connectClient(server.url, a.slug, { token: cashier, screen: 'hub' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const pos = await connectClient(server.url, a.slug, { token: cashier, screen: 'pos' });
    pos.close();
  });

  it('keeps a cashier out of an admin-only command', async () => {
    const socket = await connectClient(server.url, a.slug, {
      token: await tokenFor(server.url, a.emails.cashier),
    });
    const result = await socket.emitWithAck('user:list', {});
    expect(result).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: ERROR_MESSAGES.FORBIDDEN } });
    socket.close();
  });

  it('binds a cashier to the store of the membership and refuses another store', async () => {
    const token = await tokenFor(server.url, a.emails.cashier);
    const socket = await connectClient(server.url, a.slug, { token, screen: 'pos' });
    const info = await socket.emitWithAck('session:info', {});
    expect(info.ok && info.data.storeId).toBe(a.stores[0]!.id);
    socket.close();
    await expect(
      connectClient(server.url, a.slug, { token, storeId: a.stores[1]!.id }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    // A store of another tenant is unknown here, even to a tenant-wide admin.
    const admin = await tokenFor(server.url, a.emails.admin);
    await expect(
      connectClient(server.url, a.slug, { token: admin, storeId: b.stores[0]!.id }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it("never delivers one tenant's events to another tenant", async () => {
    const adminA = await connectClient(server.url, a.slug, {
      token: await tokenFor(server.url, a.emails.admin),
    });
    const officeA = await connectClient(server.url, a.slug, {
      token: await tokenFor(server.url, a.emails.owner),
      screen: 'backoffice',
    });
    const officeB = await connectClient(server.url, b.slug, {
      token: await tokenFor(server.url, b.emails.owner),
      screen: 'backoffice',
    });
    const seenA = nextEvent(officeA, 'user:created');
    const seenB = nextEvent(officeB, 'user:created', 700);
    const created = await adminA.emitWithAck('user:create', {
      email: `nuevo-${Date.now()}@test.cl`,
      name: 'Nuevo',
      password: 'una-clave-larga',
      role: 'cashier',
      storeId: a.stores[0]!.id,
    });
    expect(created.ok).toBe(true);
    expect(await seenA).toMatchObject({ name: 'Nuevo', role: 'cashier' });
    expect(await seenB).toBeUndefined();
    for (const s of [adminA, officeA, officeB]) s.close();
  });
});
