/**
 * A return is authorized at the till by a supervisor's approval PIN, never their login password:
 * the supervisor must be an approver of this company and of the till's store, and wrong PINs
 * lock that supervisor's PIN in that company only, whatever address the next try comes from.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  connectClient,
  login,
  nextEvent,
  TEST_PASSWORD,
  TEST_PIN,
  type TestClient,
  type TestTenant,
  tokenFor,
} from '../../test/harness.ts';
import { addCaf, addProducts, openTill, receiveStock, type Till } from '../../test/selling.ts';
import { useSellingFixture } from '../../test/selling-fixture.ts';
import { withTenant } from '../platform/orm.ts';
import { tenantNamespace } from '../realtime/rooms.ts';
import { APPROVAL_MAX_FAILURES } from '../tenancy/index.ts';

const LECHE = 1;
const shop = useSellingFixture({
  label: 'approve',
  others: ['approve-other'],
  stock: '100',
  cafs: [
    [39, 1, 100],
    [61, 1, 100],
  ],
});

let admin: TestClient;
/** The other company: its own till, and the first company's supervisor is a supervisor there too. */
let other: { tenant: TestTenant; till: Till; productId: string };

beforeAll(async () => {
  admin = await shop.signIn(shop.tenant, shop.tenant.emails.admin, { screen: 'backoffice' });
  const tenant = shop.tenants[1]!;
  const [, milk] = await addProducts(shop.server, tenant);
  await receiveStock(shop.server, tenant, tenant.stores[0]!.warehouseId, [milk!.id], '100');
  await addCaf(shop.server, tenant, 39, 1, 20);
  await addCaf(shop.server, tenant, 61, 1, 20);
  const till = await openTill(shop.server, tenant, tenant.stores[0]!.terminalIds[0]!);
  shop.keep(till.socket);
  other = { tenant, till, productId: milk!.id };
});

async function sellMilk(till: Till = shop.till, productId = shop.products[LECHE]!.id): Promise<string> {
  const sold = await till.socket.emitWithAck('sale:commit', {
    saleId: randomUUID(),
    terminalId: till.terminalId,
    cashSessionId: till.cashSessionId,
    lines: [{ productId, quantity: '1', unitPrice: 1190 }],
    payments: [{ method: 'card', amount: 1190, authorizationCode: 'A1' }],
  });
  if (!sold.ok) throw new Error(JSON.stringify(sold.error));
  return sold.data.saleId;
}

function returnOf(saleId: string, approval: unknown, till: Till = shop.till, socket = till.socket) {
  return socket.emitWithAck('sale:return', {
    returnId: randomUUID(),
    terminalId: till.terminalId,
    cashSessionId: till.cashSessionId,
    original: { saleId },
    refundMethod: 'card',
    reason: 'Producto vencido',
    approval,
  } as never);
}

/** Notas de crédito issued against a sale, with who authorized them. */
async function creditNotes(saleId: string, tenantId = shop.tenant.tenantId) {
  return withTenant(shop.server.orm, tenantId, (em) =>
    em.execute<{ authorized_by: string }[]>('select authorized_by from sale where original_sale_id = ?', [
      saleId,
    ]),
  );
}

/** A new member created by the admin, who signs in and sets their own PIN. */
async function approver(role: 'supervisor' | 'cashier', store: number | null, password = TEST_PASSWORD) {
  const tenant = shop.tenant;
  const suffix = randomUUID().slice(0, 8);
  const created = await admin.emitWithAck('user:create', {
    email: `${role}-${suffix}@test.cl`,
    name: `${role} ${suffix}`,
    password,
    role,
    storeId: store === null ? null : tenant.stores[store]!.id,
  });
  if (!created.ok) throw new Error(JSON.stringify(created.error));
  const signedIn = await login(shop.server.url, created.data.email, password);
  const socket = await connectClient(shop.server.url, tenant.slug, { token: signedIn.body.token });
  shop.keep(socket);
  return { ...created.data, socket };
}

describe('return approval', () => {
  it("authorizes with the supervisor's PIN, picked by id or typed by email, and records the approver", async () => {
    const supervisorId = shop.tenant.users[shop.tenant.emails.supervisor]!;
    const picked = await sellMilk();
    expect(await returnOf(picked, { supervisorId, pin: TEST_PIN })).toMatchObject({
      ok: true,
      data: { docType: 61 },
    });
    const typed = await sellMilk();
    expect(
      await returnOf(typed, { email: shop.tenant.emails.supervisor.toUpperCase(), pin: TEST_PIN }),
    ).toMatchObject({ ok: true });
    expect(await creditNotes(picked)).toEqual([{ authorized_by: supervisorId }]);
    expect(await creditNotes(typed)).toEqual([{ authorized_by: supervisorId }]);
  });

  it('refuses the login password as a PIN, and a till can no longer send a password at all', async () => {
    const numeric = await approver('supervisor', null, '24681357');
    const set = await numeric.socket.emitWithAck('approval:set-pin', { password: '24681357', pin: '975310' });
    expect(set).toMatchObject({ ok: true, data: { set: true } });
    const saleId = await sellMilk();

    expect(await returnOf(saleId, { email: numeric.email, pin: '24681357' })).toMatchObject({
      ok: false,
      error: { code: 'APPROVAL_INVALID' },
    });
    expect(
      await returnOf(saleId, { email: shop.tenant.emails.supervisor, pin: TEST_PASSWORD }),
    ).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    // What the till sent before: the supervisor's email and login password.
    const before = await shop.till.socket.emitWithAck('sale:return', {
      returnId: randomUUID(),
      terminalId: shop.till.terminalId,
      cashSessionId: shop.till.cashSessionId,
      original: { saleId },
      refundMethod: 'card',
      reason: 'Producto vencido',
      supervisor: { email: shop.tenant.emails.supervisor, password: TEST_PASSWORD },
    } as never);
    expect(before).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await creditNotes(saleId)).toEqual([]);

    expect(await returnOf(saleId, { supervisorId: numeric.id, pin: '975310' })).toMatchObject({ ok: true });
  });

  it('locks one supervisor after five wrong PINs: not another supervisor, not another company, not from another address', async () => {
    const tenant = shop.tenant;
    const supervisorId = tenant.users[tenant.emails.supervisor]!;
    // The same person also supervises the other company, with a PIN of their own there.
    await withTenant(shop.server.orm, other.tenant.tenantId, (em) =>
      em.execute(
        `insert into membership (id, tenant_id, user_id, role) values (?, current_tenant_id(), ?, 'supervisor')`,
        [randomUUID(), supervisorId],
      ),
    );
    const there = await connectClient(shop.server.url, other.tenant.slug, {
      token: await tokenFor(shop.server.url, tenant.emails.supervisor),
    });
    shop.keep(there);
    expect(
      await there.emitWithAck('approval:set-pin', { password: TEST_PASSWORD, pin: '864201' }),
    ).toMatchObject({
      ok: true,
    });

    const wall = await shop.signIn(tenant, tenant.emails.owner, { screen: 'wall' });
    const announced = nextEvent<{ changes: { kind: string; details: Record<string, unknown> }[] }>(
      wall,
      'audit:logged',
      10_000,
      (e) => e.changes.some((c) => c.kind === 'approval_refused'),
    );
    const saleId = await sellMilk();
    const wrong = { supervisorId, pin: '000001' };
    for (let left = APPROVAL_MAX_FAILURES - 1; left > 0; left--) {
      const answer = await returnOf(saleId, wrong);
      expect(answer).toMatchObject({ ok: false, error: { code: 'APPROVAL_INVALID' } });
      expect(!answer.ok && answer.error.message).toContain(left === 1 ? 'Queda 1 intento' : `Quedan ${left}`);
    }
    expect(await returnOf(saleId, wrong)).toMatchObject({ ok: false, error: { code: 'APPROVAL_LOCKED' } });
    // Locked: the right PIN does not pass either, nor from a till at another address.
    expect(await returnOf(saleId, { supervisorId, pin: TEST_PIN })).toMatchObject({
      ok: false,
      error: { code: 'APPROVAL_LOCKED' },
    });
    const elsewhere = await connectClient(
      shop.server.url,
      tenant.slug,
      { token: await tokenFor(shop.server.url, tenant.emails.cashier), screen: 'pos' },
      { localAddress: '127.0.0.2' },
    );
    shop.keep(elsewhere);
    const serverSide = shop.server.io.of(tenantNamespace(tenant.slug)).sockets.get(elsewhere.id!);
    expect(serverSide?.handshake.address).toMatch(/127\.0\.0\.2$/);
    expect(await returnOf(saleId, { supervisorId, pin: TEST_PIN }, shop.till, elsewhere)).toMatchObject({
      ok: false,
      error: { code: 'APPROVAL_LOCKED', message: expect.stringContaining('Supervisor') },
    });
    expect(await creditNotes(saleId)).toEqual([]);

    // Another approver of the same company, from that other address.
    const adminId = tenant.users[tenant.emails.admin]!;
    expect(
      await returnOf(saleId, { supervisorId: adminId, pin: TEST_PIN }, shop.till, elsewhere),
    ).toMatchObject({ ok: true });
    // The locked supervisor in the other company, and that company's own supervisor.
    const otherSale = await sellMilk(other.till, other.productId);
    expect(await returnOf(otherSale, { supervisorId, pin: '864201' }, other.till)).toMatchObject({
      ok: true,
    });
    expect(await creditNotes(otherSale, other.tenant.tenantId)).toEqual([{ authorized_by: supervisorId }]);
    const otherSale2 = await sellMilk(other.till, other.productId);
    expect(
      await returnOf(otherSale2, { email: other.tenant.emails.supervisor, pin: TEST_PIN }, other.till),
    ).toMatchObject({ ok: true });

    // Each wrong PIN is in the audit log, by the cashier at the till, and the wall saw them.
    const audited = await withTenant(shop.server.orm, tenant.tenantId, (em) =>
      em.execute<{ user_id: string; terminal_id: string; details: Record<string, unknown> }[]>(
        `select user_id, terminal_id, details from audit_log
          where kind = 'approval_refused' and details->>'supervisorId' = ? order by id`,
        [supervisorId],
      ),
    );
    expect(audited).toHaveLength(APPROVAL_MAX_FAILURES);
    expect(audited[0]).toEqual({
      user_id: tenant.users[tenant.emails.cashier],
      terminal_id: shop.till.terminalId,
      details: {
        action: 'return',
        supervisorId,
        supervisor: 'Supervisor',
        attemptsLeft: APPROVAL_MAX_FAILURES - 1,
      },
    });
    expect(audited.at(-1)!.details.attemptsLeft).toBe(0);
    expect((await announced)?.changes[0]?.details).toMatchObject({ supervisorId });
  });

  it("refuses a supervisor bound to another store, and takes one bound to the till's store", async () => {
    const elsewhere = await approver('supervisor', 1);
    const here = await approver('supervisor', 0);
    for (const who of [elsewhere, here]) {
      expect(
        await who.socket.emitWithAck('approval:set-pin', { password: TEST_PASSWORD, pin: '192837' }),
      ).toMatchObject({ ok: true });
    }
    const saleId = await sellMilk();
    expect(await returnOf(saleId, { supervisorId: elsewhere.id, pin: '192837' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN', message: expect.stringContaining('otra sucursal') },
    });
    const listed = await shop.till.socket.emitWithAck('approval:approvers', {});
    const ids = listed.ok ? listed.data.map((a) => a.userId) : [];
    expect(ids).toContain(here.id);
    expect(ids).not.toContain(elsewhere.id);
    expect(await returnOf(saleId, { supervisorId: here.id, pin: '192837' })).toMatchObject({ ok: true });
  });

  it('refuses a cashier as the approver, also one who set a PIN as a supervisor before', async () => {
    const saleId = await sellMilk();
    const cashierId = shop.tenant.users[shop.tenant.emails.cashier]!;
    expect(await returnOf(saleId, { supervisorId: cashierId, pin: TEST_PIN })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(
      await shop.till.socket.emitWithAck('approval:set-pin', { password: TEST_PASSWORD, pin: '192837' }),
    ).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    const demoted = await approver('supervisor', 0);
    await demoted.socket.emitWithAck('approval:set-pin', { password: TEST_PASSWORD, pin: '918273' });
    const changed = await admin.emitWithAck('user:update', {
      membershipId: demoted.membershipId,
      role: 'cashier',
      storeId: shop.tenant.stores[0]!.id,
    });
    expect(changed.ok).toBe(true);
    expect(await returnOf(saleId, { supervisorId: demoted.id, pin: '918273' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await creditNotes(saleId)).toEqual([]);
  });
});
