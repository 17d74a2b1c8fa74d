/**
 * Heavy reads (catalog snapshots, sales reports) through real sockets: a tenant's turns, the
 * snapshot computed once for every till of a store at one catalog version, and their own
 * database pool, apart from the one sales use, in both directions.
 */
import { ERROR_MESSAGES } from '@erp/shared';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestClient, TestTenant } from '../../test/harness.ts';
import { useTestServer } from '../../test/test-server-fixture.ts';
import { createDemoProducts, createProducts } from '../catalog/index.ts';
import { withTenant } from '../platform/orm.ts';

const RATE_LIMITED = { ok: false, error: { code: 'RATE_LIMITED', message: ERROR_MESSAGES.RATE_LIMITED } };

describe("a tenant's turns", () => {
  const world = useTestServer(['hr', 'hr-o'], {
    HEAVY_READS_PER_TENANT: '1',
    HEAVY_READS_WAITING_PER_TENANT: '0',
  });
  beforeAll(async () => {
    // Catalogs whose snapshot takes a while to read, so that requests overlap.
    for (const tenant of world.tenants) {
      await createDemoProducts(world.server.orm, tenant.tenantId, 5000);
    }
  }, 60_000);
  const pos = (t: TestTenant, email: string, store: number) =>
    world.signIn(t, email, { storeId: t.stores[store]!.id, screen: 'pos' });

  it('shares one read among the tills of a store, refuses a second read past the turns, and leaves other tenants alone', async () => {
    const [tenant, other] = world.tenants;
    const [cashier, supervisor, cashierB, stranger] = await Promise.all([
      pos(tenant, tenant.emails.cashier, 0),
      pos(tenant, tenant.emails.supervisor, 0),
      pos(tenant, tenant.emails.cashier2, 1),
      pos(other, other.emails.cashier, 0),
    ]);
    // Two tills of store 0 at once: one read, both served (the second needs no turn of its own).
    const [first, second] = await Promise.all([
      cashier.emitWithAck('catalog:snapshot', {}),
      supervisor.emitWithAck('catalog:snapshot', {}),
    ]);
    expect(first).toMatchObject({ ok: true });
    expect(second).toEqual(first);

    // After a change, store 0 and store 1 at once need two reads: the tenant has one turn and
    // no room to wait, so one is refused; the other tenant's read runs meanwhile.
    await createProducts(world.server.orm, tenant.tenantId, [{ name: 'Nuevo producto' }]);
    const answers = await Promise.all([
      cashier.emitWithAck('catalog:snapshot', {}),
      cashierB.emitWithAck('catalog:snapshot', {}),
      stranger.emitWithAck('catalog:snapshot', {}),
    ]);
    expect(answers.filter((a) => a.ok)).toHaveLength(2);
    expect(answers.filter((a) => !a.ok)).toEqual([RATE_LIMITED]);
    expect(answers[2]).toMatchObject({ ok: true, data: { products: expect.any(Array) } });
    // The new version is what the served till got, and the cache gives it to the next one.
    const served = answers.find((a, i) => i < 2 && a.ok)!;
    const names = served.ok ? served.data.products.map((p) => p.name) : [];
    expect(names).toContain('Nuevo producto');
    expect(await supervisor.emitWithAck('catalog:snapshot', {})).toMatchObject({
      ok: true,
      data: { version: served.ok ? served.data.version : -1 },
    });
  });
});

describe('their own pool', () => {
  const world = useTestServer(['hr-p'], { DATABASE_POOL_MAX: '2', READS_DATABASE_POOL_MAX: '1' });
  let admin: TestClient;
  beforeAll(async () => {
    const [tenant] = world.tenants;
    admin = await world.signIn(tenant, tenant.emails.admin, { screen: 'backoffice' });
  });

  /** Takes every connection of `orm`'s pool (of `size`) until the returned release is called. */
  async function exhaust(orm: MikroORM, size: number): Promise<() => Promise<void>> {
    const [tenant] = world.tenants;
    let release!: () => void;
    const released = new Promise<void>((r) => {
      release = r;
    });
    let holding = 0;
    const held = Array.from({ length: size }, () =>
      withTenant(orm, tenant.tenantId, async (em: EntityManager) => {
        await em.execute('select 1');
        holding++;
        await released;
      }),
    );
    await expect.poll(() => holding).toBe(size);
    return async () => {
      release();
      await Promise.all(held);
    };
  }

  const report = () =>
    admin.emitWithAck('report:sales', { report: 'day', from: '2026-01-01', to: '2026-01-31' });
  /** Resolves with the answer, or with 'waiting' if it has not come within `ms`. */
  const within = <T>(answer: Promise<T>, ms: number) =>
    Promise.race([answer, new Promise<'waiting'>((r) => setTimeout(() => r('waiting'), ms))]);

  it('serves reports while the sales pool is taken', async () => {
    const release = await exhaust(world.server.orm, 2);
    const stores = admin.emitWithAck('store:list', {});
    try {
      expect(await within(report(), 5000)).toMatchObject({ ok: true });
      expect(await within(stores, 100)).toBe('waiting');
    } finally {
      await release();
    }
    expect(await stores).toMatchObject({ ok: true });
  });

  it('serves everything else while the reads pool is taken', async () => {
    const release = await exhaust(world.server.heavy.orm, 1);
    const waiting = report();
    try {
      expect(await within(admin.emitWithAck('store:list', {}), 5000)).toMatchObject({ ok: true });
      expect(await within(waiting, 100)).toBe('waiting');
    } finally {
      await release();
    }
    expect(await waiting).toMatchObject({ ok: true });
  });
});
