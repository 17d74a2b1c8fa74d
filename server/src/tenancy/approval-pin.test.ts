/**
 * Approval PINs as their owners and admins manage them: an approver sets their own with their
 * login password, an admin clears one (and its lock), and only a user writes their own PIN row.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  connectClient,
  login,
  TEST_PASSWORD,
  TEST_PIN,
  type TestClient,
  type TestTenant,
} from '../../test/harness.ts';
import { useTestServer } from '../../test/test-server-fixture.ts';
import { withTenant } from '../platform/orm.ts';
import { APPROVAL_MAX_FAILURES } from './index.ts';

const world = useTestServer(['pin']);
let tenant: TestTenant;
let admin: TestClient;
let supervisor: TestClient;

beforeAll(async () => {
  [tenant] = world.tenants;
  admin = await world.signIn(tenant, tenant.emails.admin, { screen: 'backoffice' });
  supervisor = await world.signIn(tenant, tenant.emails.supervisor);
});

const id = (role: keyof TestTenant['emails']) => tenant.users[tenant.emails[role]]!;

async function hasPin(role: keyof TestTenant['emails']): Promise<boolean | undefined> {
  const listed = await admin.emitWithAck('user:list', { query: tenant.emails[role] });
  return listed.ok ? listed.data.items[0]?.approvalPin : undefined;
}

async function pinChanges() {
  return withTenant(world.server.orm, tenant.tenantId, (em) =>
    em.execute<{ user_id: string; details: Record<string, unknown> }[]>(
      `select user_id, details from audit_log where kind = 'user_change' and details ? 'approvalPin' order by id`,
    ),
  );
}

describe('approval PINs', () => {
  it('an approver sets their own PIN with their login password; not an obvious one, not the password itself', async () => {
    const before = await supervisor.emitWithAck('approval:pin-status', {});
    expect(before).toMatchObject({ ok: true, data: { set: true } });

    expect(
      await supervisor.emitWithAck('approval:set-pin', { password: 'no-es-la-clave', pin: '482915' }),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_CREDENTIALS' } });
    for (const pin of ['111111', '123456', '987654', '12345']) {
      expect(
        await supervisor.emitWithAck('approval:set-pin', { password: TEST_PASSWORD, pin }),
      ).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION' },
      });
    }
    const set = await supervisor.emitWithAck('approval:set-pin', { password: TEST_PASSWORD, pin: '482915' });
    expect(set).toMatchObject({ ok: true, data: { set: true } });
    expect(set.ok && before.ok && set.data.setAt! > before.data.setAt!).toBe(true);
    expect((await pinChanges()).at(-1)).toEqual({
      user_id: id('supervisor'),
      details: {
        userId: id('supervisor'),
        email: tenant.emails.supervisor,
        approvalPin: 'set',
        before: { approvalPin: true },
        after: { approvalPin: true },
      },
    });

    // A numeric password is not a PIN either.
    const created = await admin.emitWithAck('user:create', {
      email: `num-${randomUUID().slice(0, 8)}@test.cl`,
      name: 'Numérica',
      password: '55512345',
      role: 'supervisor',
    });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    const token = (await login(world.server.url, created.data.email, '55512345')).body.token as string;
    const own = await connectClient(world.server.url, tenant.slug, { token });
    world.keep(own);
    expect(
      await own.emitWithAck('approval:set-pin', { password: '55512345', pin: '55512345' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', message: 'El PIN no puede ser su contraseña: elija otro.' },
    });
    expect(await own.emitWithAck('approval:pin-status', {})).toMatchObject({
      ok: true,
      data: { set: false },
    });
  });

  it('locks setting a PIN after five wrong passwords, until an owner or admin clears it', async () => {
    const owner = await world.signIn(tenant, tenant.emails.owner);
    for (let i = 1; i < APPROVAL_MAX_FAILURES; i++) {
      expect(await owner.emitWithAck('approval:set-pin', { password: 'mal', pin: '482915' })).toMatchObject({
        error: { code: 'INVALID_CREDENTIALS' },
      });
    }
    expect(await owner.emitWithAck('approval:set-pin', { password: 'mal', pin: '482915' })).toMatchObject({
      error: { code: 'APPROVAL_LOCKED' },
    });
    expect(
      await owner.emitWithAck('approval:set-pin', { password: TEST_PASSWORD, pin: '482915' }),
    ).toMatchObject({ error: { code: 'APPROVAL_LOCKED' } });

    // An admin may not clear an owner's PIN; an owner may (here the owner's own), and the lock goes with it.
    expect(await admin.emitWithAck('approval:clear-pin', { userId: id('owner') })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await owner.emitWithAck('approval:clear-pin', { userId: id('owner') })).toMatchObject({
      ok: true,
      data: { set: false },
    });
    expect(
      await owner.emitWithAck('approval:set-pin', { password: TEST_PASSWORD, pin: '482915' }),
    ).toMatchObject({ ok: true, data: { set: true } });
  });

  it('an admin clears a PIN: the user list and the till no longer offer that approver', async () => {
    expect(await hasPin('admin')).toBe(true);
    const till = await world.signIn(tenant, tenant.emails.cashier, { screen: 'pos' });
    const listed = async () => {
      const answer = await till.emitWithAck('approval:approvers', {});
      return answer.ok ? answer.data.map((a) => a.name).sort() : answer;
    };
    expect(await listed()).toEqual(['Admin', 'Dueña', 'Supervisor']);

    expect(await admin.emitWithAck('approval:clear-pin', { userId: id('admin') })).toMatchObject({
      ok: true,
      data: { set: false, setAt: null },
    });
    expect(await hasPin('admin')).toBe(false);
    expect(await listed()).toEqual(['Dueña', 'Supervisor']);
    expect((await pinChanges()).at(-1)).toMatchObject({
      user_id: id('admin'),
      details: { userId: id('admin'), approvalPin: 'cleared', after: { approvalPin: false } },
    });
    expect(await supervisor.emitWithAck('approval:clear-pin', { userId: id('admin') })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(
      await till.emitWithAck('approval:set-pin', { password: TEST_PASSWORD, pin: TEST_PIN }),
    ).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
  });

  it('only its user writes a PIN row: the serving role cannot set one for someone else', async () => {
    const attempt = (actingAs: string, target: string) =>
      withTenant(world.server.orm, tenant.tenantId, async (em) => {
        await em.execute(`select set_config('app.user_id', ?, true)`, [actingAs]);
        return em.execute(
          `insert into approval_pin (tenant_id, user_id, pin_hash) values (current_tenant_id(), ?, 'x')
           on conflict (tenant_id, user_id) do update set pin_hash = excluded.pin_hash`,
          [target],
        );
      });
    await expect(attempt(id('admin'), id('cashier'))).rejects.toThrow(/row-level security/);
    await expect(attempt(id('admin'), id('supervisor'))).rejects.toThrow(/row-level security/);
    const [row] = await withTenant(world.server.orm, tenant.tenantId, (em) =>
      em.execute<{ pin_hash: string }[]>('select pin_hash from approval_pin where user_id = ?', [
        id('supervisor'),
      ]),
    );
    expect(row!.pin_hash).toMatch(/^\$argon2id\$/);
  });
});
