/**
 * The back office's settings over real sockets: company data and settings, stores, terminals,
 * users and roles; who may run each command, and that one tenant never reaches another's rows.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { login, nextEvent, type TestClient, type TestServer, type TestTenant } from '../../test/harness.ts';
import { addCaf } from '../../test/selling.ts';
import { useTestServer } from '../../test/test-server-fixture.ts';
import { withTenant } from '../platform/orm.ts';

let server: TestServer;
let tenant: TestTenant;
let other: TestTenant;
let owner: TestClient;
let admin: TestClient;
let cashier: TestClient;
let supervisor: TestClient;
let otherAdmin: TestClient;

const world = useTestServer(['bo', 'bo-o']);
const connect = (t: TestTenant, email: string, screen?: string) =>
  world.signIn(t, email, screen ? { screen } : {});

beforeAll(async () => {
  ({
    server,
    tenants: [tenant, other],
  } = world);
  [owner, admin, cashier, supervisor, otherAdmin] = await Promise.all([
    connect(tenant, tenant.emails.owner, 'backoffice'),
    connect(tenant, tenant.emails.admin, 'backoffice'),
    connect(tenant, tenant.emails.cashier, 'pos'),
    connect(tenant, tenant.emails.supervisor, 'wall'),
    connect(other, other.emails.admin, 'backoffice'),
  ]);
}, 60_000);

async function ok<T>(promise: Promise<{ ok: boolean; data?: T; error?: unknown }>): Promise<T> {
  const result = await promise;
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.data as T;
}

async function errorOf(promise: Promise<{ ok: boolean; error?: { code: string; message: string } }>) {
  const result = await promise;
  if (result.ok) throw new Error('expected a refusal');
  return result.error!;
}

const auditOf = (t: TestTenant, kind: string) =>
  withTenant(server.orm, t.tenantId, (em) =>
    em.execute<{ kind: string; user_id: string; details: Record<string, unknown> }[]>(
      'select kind, user_id, details from audit_log where kind = ? order by id',
      [kind],
    ),
  );

const profileInput = <T extends { slug: string }>(profile: T): Omit<T, 'slug'> => {
  const { slug: _, ...input } = profile;
  return input;
};

describe('who may run the settings commands', () => {
  it('refuses cashiers and supervisors every one of them', async () => {
    const id = crypto.randomUUID();
    const calls = (s: TestClient) => [
      s.emitWithAck('tenant:get', {}),
      s.emitWithAck('tenant:save', {
        rut: '76192083-9',
        razonSocial: 'X',
        giro: 'X',
        address: 'X',
        comuna: 'X',
        acteco: 471100,
        siiResolutionNumber: 0,
        siiResolutionDate: '2026-01-01',
        siiEnvironment: 'certification',
        settings: {},
      }),
      s.emitWithAck('store:save', { name: 'X', address: 'X', comuna: 'X' }),
      s.emitWithAck('terminal:list', {}),
      s.emitWithAck('terminal:save', { storeId: id, code: 'X', name: 'X' }),
      s.emitWithAck('user:list', {}),
      s.emitWithAck('user:update', { membershipId: id, role: 'owner', storeId: null }),
      s.emitWithAck('user:set-active', { membershipId: id, active: false }),
    ];
    for (const socket of [cashier, supervisor]) {
      const results = await Promise.all(calls(socket));
      for (const result of results) expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
  });

  it('refuses fields the contract does not know', async () => {
    const result = await admin.emitWithAck('store:save', {
      name: 'X',
      address: 'X',
      comuna: 'X',
      tenantId: other.tenantId,
    } as never);
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });
});

describe('company data and settings', () => {
  it('reads and saves the company, audited with the fields that changed, only in this tenant', async () => {
    const before = await ok(admin.emitWithAck('tenant:get', {}));
    expect(before).toMatchObject({
      slug: tenant.slug,
      rut: '76192083-9',
      razonSocial: `Empresa ${tenant.slug}`,
      acteco: 471100,
      siiEnvironment: 'certification',
      settings: { cashCloseTolerance: 1000 },
    });
    const saved = await ok(
      admin.emitWithAck('tenant:save', {
        ...profileInput(before),
        // Typed with dots: stored canonical.
        rut: '76.192.083-9',
        giro: 'Venta de abarrotes',
        siiResolutionNumber: 80,
        siiResolutionDate: '2014-08-22',
        settings: { ...before.settings, cashDropThreshold: 250000 },
      }),
    );
    expect(saved).toMatchObject({
      rut: '76192083-9',
      giro: 'Venta de abarrotes',
      siiResolutionNumber: 80,
      siiResolutionDate: '2014-08-22',
      settings: { cashDropThreshold: 250000, cashCloseTolerance: 1000 },
    });
    expect(await ok(admin.emitWithAck('tenant:get', {}))).toEqual(saved);
    const [entry] = await auditOf(tenant, 'settings_change');
    expect(entry).toMatchObject({
      user_id: tenant.users[tenant.emails.admin],
      details: {
        changed: expect.arrayContaining(['giro', 'siiResolutionNumber', 'siiResolutionDate', 'settings']),
      },
    });
    expect((entry!.details.changed as string[]).includes('rut')).toBe(false);
    // The other company is untouched.
    expect(await ok(otherAdmin.emitWithAck('tenant:get', {}))).toMatchObject({
      slug: other.slug,
      giro: 'Comercio',
      siiResolutionNumber: 0,
    });
  });

  it('refuses an invalid RUT, and a RUT change once CAFs are loaded', async () => {
    const profile = profileInput(await ok(owner.emitWithAck('tenant:get', {})));
    const invalid = await admin.emitWithAck('tenant:save', { ...profile, rut: '76.192.083-0' });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });

    await addCaf(server, tenant, 39, 1, 10);
    const refused = await errorOf(admin.emitWithAck('tenant:save', { ...profile, rut: '11.111.111-1' }));
    expect(refused.message).toBe(
      'No se puede cambiar el RUT: la empresa ya tiene CAF cargados o documentos emitidos con el actual.',
    );
    // Without CAFs or documents it may still change.
    const otherProfile = profileInput(await ok(otherAdmin.emitWithAck('tenant:get', {})));
    const changed = await ok(otherAdmin.emitWithAck('tenant:save', { ...otherProfile, rut: '11.111.111-1' }));
    expect(changed.rut).toBe('11111111-1');
  });
});

describe('stores and terminals', () => {
  it('creates a store with its own selling warehouse and edits it', async () => {
    const created = await ok(
      admin.emitWithAck('store:save', {
        name: 'Tienda C',
        address: 'Av. Siempre Viva 742',
        comuna: 'Ñuñoa',
        siiBranchCode: 81234567,
      }),
    );
    expect(created).toMatchObject({
      name: 'Tienda C',
      comuna: 'Ñuñoa',
      siiBranchCode: 81234567,
      warehouses: [{ code: 'B3', name: 'Bodega Tienda C' }],
      terminals: [],
    });
    const edited = await ok(
      admin.emitWithAck('store:save', {
        id: created.id,
        name: 'Tienda C',
        address: 'Av. Siempre Viva 744',
        comuna: 'Ñuñoa',
        siiBranchCode: null,
      }),
    );
    expect(edited).toMatchObject({ id: created.id, address: 'Av. Siempre Viva 744', siiBranchCode: null });
    const stores = await ok(admin.emitWithAck('store:list', {}));
    expect(stores.map((s) => s.name)).toEqual(['Tienda A', 'Tienda B', 'Tienda C']);

    const duplicate = await errorOf(
      admin.emitWithAck('store:save', { name: 'Tienda A', address: 'X', comuna: 'X' }),
    );
    expect(duplicate).toMatchObject({ code: 'CONFLICT', message: 'Ya existe una sucursal con ese nombre.' });
    // Another tenant's store is not found here, and stays as it was.
    const foreign = await errorOf(
      otherAdmin.emitWithAck('store:save', { id: created.id, name: 'Robada', address: 'X', comuna: 'X' }),
    );
    expect(foreign.code).toBe('NOT_FOUND');
    expect((await ok(otherAdmin.emitWithAck('store:list', {}))).map((s) => s.name)).toEqual([
      'Tienda A',
      'Tienda B',
    ]);
  });

  it('lists terminals by page and store, creates and renames them, and never moves one to another store', async () => {
    const [storeA, storeB] = tenant.stores;
    const all = await ok(admin.emitWithAck('terminal:list', { limit: 3 }));
    expect(all.total).toBe(4);
    expect(all.items.map((t) => t.code)).toEqual(['S1-C1', 'S1-C2', 'S2-C1']);
    const second = await ok(admin.emitWithAck('terminal:list', { offset: 3, limit: 3 }));
    expect(second.items.map((t) => t.code)).toEqual(['S2-C2']);

    const created = await ok(
      admin.emitWithAck('terminal:save', { storeId: storeB!.id, code: 'S2-C3', name: 'Caja 3' }),
    );
    const inB = await ok(admin.emitWithAck('terminal:list', { storeId: storeB!.id }));
    expect(inB.items.map((t) => [t.code, t.name])).toEqual([
      ['S2-C1', 'Caja 1'],
      ['S2-C2', 'Caja 2'],
      ['S2-C3', 'Caja 3'],
    ]);
    const renamed = await ok(
      admin.emitWithAck('terminal:save', {
        id: created.id,
        storeId: storeB!.id,
        code: 'S2-C3',
        name: 'Caja rápida',
      }),
    );
    expect(renamed).toEqual({ ...created, name: 'Caja rápida' });

    const moved = await errorOf(
      admin.emitWithAck('terminal:save', {
        id: created.id,
        storeId: storeA!.id,
        code: 'S2-C3',
        name: 'Caja 3',
      }),
    );
    expect(moved.code).toBe('VALIDATION');
    const duplicate = await errorOf(
      admin.emitWithAck('terminal:save', { storeId: storeA!.id, code: 'S1-C1', name: 'Otra' }),
    );
    expect(duplicate).toMatchObject({ code: 'CONFLICT', message: 'Ya existe una caja con el código S1-C1.' });
    const bad = await admin.emitWithAck('terminal:save', { storeId: storeA!.id, code: 'caja 1', name: 'X' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });

    // Neither another tenant's store nor its terminals are reachable.
    expect(
      (await errorOf(otherAdmin.emitWithAck('terminal:save', { storeId: storeA!.id, code: 'Z', name: 'Z' })))
        .code,
    ).toBe('NOT_FOUND');
    expect((await ok(otherAdmin.emitWithAck('terminal:list', { storeId: storeA!.id }))).total).toBe(0);
  });
});

describe('users and roles', () => {
  const membershipOf = async (email: string, socket = admin) => {
    const page = await ok(socket.emitWithAck('user:list', { query: email, includeInactive: true }));
    expect(page.items).toHaveLength(1);
    return page.items[0]!;
  };

  it('pages and filters the people of this tenant only', async () => {
    const page = await ok(admin.emitWithAck('user:list', { limit: 2 }));
    expect(page.total).toBe(6);
    expect(page.items.map((u) => u.name)).toEqual(['Admin', 'Bodega']);
    const cashiers = await ok(admin.emitWithAck('user:list', { role: 'cashier' }));
    expect(cashiers.items.map((u) => u.name)).toEqual(['Cajero', 'Cajero B']);
    const inB = await ok(admin.emitWithAck('user:list', { storeId: tenant.stores[1]!.id }));
    expect(inB.items.map((u) => u.email)).toEqual([tenant.emails.cashier2]);
    // A name or email fragment; LIKE wildcards are plain text.
    expect((await ok(admin.emitWithAck('user:list', { query: 'CAJERO b' }))).total).toBe(1);
    expect((await ok(admin.emitWithAck('user:list', { query: '%' }))).total).toBe(0);
    // The other tenant's people are not listed here.
    expect((await ok(admin.emitWithAck('user:list', { query: other.emails.admin }))).total).toBe(0);
  });

  it('creates a user; only an owner may create an owner', async () => {
    const email = `nueva-${crypto.randomUUID().slice(0, 8)}@test.cl`;
    const refused = await errorOf(
      admin.emitWithAck('user:create', { email, name: 'Nueva', password: 'una-clave-larga', role: 'owner' }),
    );
    expect(refused.code).toBe('FORBIDDEN');
    const created = await ok(
      admin.emitWithAck('user:create', {
        email,
        name: 'Nueva',
        password: 'una-clave-larga',
        role: 'warehouse',
        storeId: tenant.stores[1]!.id,
      }),
    );
    expect(created).toMatchObject({ email, role: 'warehouse', storeId: tenant.stores[1]!.id, active: true });
    expect((await login(server.url, email, 'una-clave-larga')).status).toBe(200);
  });

  it('changes a role and store, reconnects that user with the new role, and audits it', async () => {
    const target = await membershipOf(tenant.emails.warehouse);
    const tablet = await connect(tenant, tenant.emails.warehouse, 'tablet');
    const dropped = nextEvent(tablet, 'disconnect', 3000);
    const updated = await ok(
      admin.emitWithAck('user:update', {
        membershipId: target.membershipId,
        role: 'supervisor',
        storeId: null,
      }),
    );
    expect(updated).toMatchObject({ id: target.id, role: 'supervisor', storeId: null, active: true });
    expect(await dropped).toBe('io server disconnect');
    const again = await connect(tenant, tenant.emails.warehouse);
    expect(await ok(again.emitWithAck('session:info', {}))).toMatchObject({
      role: 'supervisor',
      storeId: null,
    });
    again.close();
    const [entry] = await auditOf(tenant, 'user_change');
    expect(entry!.details).toEqual({
      userId: target.id,
      email: tenant.emails.warehouse,
      before: { role: 'warehouse', storeId: tenant.stores[0]!.id, active: true },
      after: { role: 'supervisor', storeId: null, active: true },
    });
  });

  it('keeps the owner role to owners and nobody changes their own access', async () => {
    const ownerRow = await membershipOf(tenant.emails.owner);
    const adminRow = await membershipOf(tenant.emails.admin);
    const supervisorRow = await membershipOf(tenant.emails.supervisor);
    const cases = [
      admin.emitWithAck('user:update', {
        membershipId: supervisorRow.membershipId,
        role: 'owner',
        storeId: null,
      }),
      admin.emitWithAck('user:update', { membershipId: ownerRow.membershipId, role: 'admin', storeId: null }),
      admin.emitWithAck('user:set-active', { membershipId: ownerRow.membershipId, active: false }),
      admin.emitWithAck('user:set-active', { membershipId: adminRow.membershipId, active: false }),
      owner.emitWithAck('user:update', { membershipId: ownerRow.membershipId, role: 'admin', storeId: null }),
    ];
    for (const result of await Promise.all(cases)) {
      expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect(await membershipOf(tenant.emails.owner)).toEqual(ownerRow);
    // An owner may promote.
    const promoted = await ok(
      owner.emitWithAck('user:update', {
        membershipId: supervisorRow.membershipId,
        role: 'admin',
        storeId: null,
      }),
    );
    expect(promoted.role).toBe('admin');
    // A membership of another tenant is not found.
    const foreign = await errorOf(
      otherAdmin.emitWithAck('user:set-active', { membershipId: supervisorRow.membershipId, active: false }),
    );
    expect(foreign.code).toBe('NOT_FOUND');
  });

  it('deactivates a membership: its sockets close, the company is no longer offered, reactivation restores it', async () => {
    const target = await membershipOf(tenant.emails.cashier2);
    const pos = await connect(tenant, tenant.emails.cashier2, 'pos');
    const dropped = nextEvent(pos, 'disconnect', 3000);
    const off = await ok(
      admin.emitWithAck('user:set-active', { membershipId: target.membershipId, active: false }),
    );
    expect(off).toMatchObject({ membershipId: target.membershipId, active: false });
    expect(await dropped).toBe('io server disconnect');

    const { status, body } = await login(server.url, tenant.emails.cashier2);
    expect(status).toBe(200);
    expect(body.memberships).toEqual([]);
    await expect(connect(tenant, tenant.emails.cashier2, 'pos')).rejects.toMatchObject({
      code: 'WRONG_TENANT',
    });
    // Hidden from the default list, shown with includeInactive.
    expect((await ok(admin.emitWithAck('user:list', { query: tenant.emails.cashier2 }))).total).toBe(0);

    await ok(admin.emitWithAck('user:set-active', { membershipId: target.membershipId, active: true }));
    const back = await connect(tenant, tenant.emails.cashier2, 'pos');
    expect(await ok(back.emitWithAck('session:info', {}))).toMatchObject({ storeId: tenant.stores[1]!.id });
    back.close();
    const entries = await auditOf(tenant, 'user_change');
    expect(entries.slice(-2).map((e) => (e.details.after as { active: boolean }).active)).toEqual([
      false,
      true,
    ]);
  });
});
