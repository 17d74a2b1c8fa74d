/**
 * Command budgets through real sockets, each block on a server with small limits: a session's
 * bucket (heavy reads cost more, reconnecting does not refill it), the tenant's bucket shared by
 * its sessions, the cap on commands in flight, and a connection that keeps sending after its
 * refusals ran out being held.
 */
import { ERROR_MESSAGES } from '@erp/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { connectClient, type TestClient, tokenFor } from '../../test/harness.ts';
import { useTestServer } from '../../test/test-server-fixture.ts';
import { createDemoProducts } from '../catalog/index.ts';

const RATE_LIMITED = { ok: false, error: { code: 'RATE_LIMITED', message: ERROR_MESSAGES.RATE_LIMITED } };
const OK = { ok: true };
const info = (socket: TestClient) => socket.emitWithAck('session:info', {});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("a session's budget", () => {
  const world = useTestServer(['lim'], { COMMAND_BURST_PER_SOCKET: '5', COMMAND_RATE_PER_SOCKET: '2' });

  it('refuses the command past the burst in Spanish, refills at the rate, and survives a reconnection', async () => {
    const [tenant] = world.tenants;
    const token = await tokenFor(world.server.url, tenant.emails.owner);
    const owner = await connectClient(world.server.url, tenant.slug, { token });
    world.keep(owner);
    for (let i = 0; i < 5; i++) expect(await info(owner)).toMatchObject(OK);
    expect(await info(owner)).toEqual(RATE_LIMITED);
    // Another person's session has its own budget.
    expect(await info(await world.signIn(tenant, tenant.emails.admin))).toMatchObject(OK);
    await sleep(600);
    expect(await info(owner)).toMatchObject(OK);
    // A new connection of the same session starts with what the session had left: nothing.
    owner.close();
    const again = await connectClient(world.server.url, tenant.slug, { token });
    world.keep(again);
    expect(await info(again)).toEqual(RATE_LIMITED);
  });

  it('charges a whole-catalog read more than a plain command', async () => {
    const [tenant] = world.tenants;
    const cashier = await world.signIn(tenant, tenant.emails.cashier, {
      storeId: tenant.stores[0]!.id,
      screen: 'pos',
    });
    // A plain command leaves 4 of the 5 tokens; the snapshot (200, capped at the bucket's 5)
    // needs them all.
    expect(await info(cashier)).toMatchObject(OK);
    expect(await cashier.emitWithAck('catalog:snapshot', {})).toEqual(RATE_LIMITED);
    const fresh = await world.signIn(tenant, tenant.emails.supervisor, {
      storeId: tenant.stores[0]!.id,
      screen: 'pos',
    });
    expect(await fresh.emitWithAck('catalog:snapshot', {})).toMatchObject(OK);
    expect(await info(fresh)).toEqual(RATE_LIMITED);
  });
});

describe("a tenant's budget", () => {
  const world = useTestServer(['lim-t', 'lim-u'], {
    COMMAND_BURST_PER_TENANT: '6',
    COMMAND_RATE_PER_TENANT: '0.1',
  });

  it("is shared by the tenant's sessions and leaves other tenants alone", async () => {
    const [tenant, other] = world.tenants;
    const owner = await world.signIn(tenant, tenant.emails.owner);
    const admin = await world.signIn(tenant, tenant.emails.admin);
    const cashier = await world.signIn(tenant, tenant.emails.cashier);
    for (let i = 0; i < 3; i++) {
      expect(await info(owner)).toMatchObject(OK);
      expect(await info(admin)).toMatchObject(OK);
    }
    expect(await info(cashier)).toEqual(RATE_LIMITED);
    expect(await info(await world.signIn(other, other.emails.owner))).toMatchObject(OK);
  });
});

describe('commands in flight', () => {
  // Budgets with room for every snapshot asked here: only the in-flight limit refuses.
  const world = useTestServer(['lim-f'], {
    COMMANDS_IN_FLIGHT_PER_SOCKET: '2',
    COMMAND_BURST_PER_SOCKET: '5000',
  });
  beforeAll(async () => {
    // A catalog whose first snapshot takes a while to read, so that requests overlap.
    const [tenant] = world.tenants;
    await createDemoProducts(world.server.orm, tenant.tenantId, 2000);
  });

  it('runs two at once per connection and refuses the rest until they end', async () => {
    const [tenant] = world.tenants;
    const pos = await world.signIn(tenant, tenant.emails.cashier, {
      storeId: tenant.stores[0]!.id,
      screen: 'pos',
    });
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => pos.emitWithAck('catalog:snapshot', {})),
    );
    expect(answers.filter((a) => a.ok)).toHaveLength(2);
    expect(answers.filter((a) => !a.ok)).toEqual(Array(3).fill(RATE_LIMITED));
    const next = await Promise.all([pos.emitWithAck('catalog:snapshot', {}), info(pos)]);
    expect(next).toMatchObject([OK, OK]);
  });
});

describe('a connection that keeps sending after RATE_LIMITED', () => {
  const world = useTestServer(['lim-h'], { COMMAND_BURST_PER_SOCKET: '2', COMMAND_RATE_PER_SOCKET: '0.01' });

  it('is no longer read for a while; other connections are served meanwhile', async () => {
    const [tenant] = world.tenants;
    const flooder = await world.signIn(tenant, tenant.emails.owner);
    const neighbour = await world.signIn(tenant, tenant.emails.admin);
    const started = performance.now();
    // 2 pass, the next 100 are refused at once, and the connection is then held for a second:
    // what it sent afterwards (or had not been read yet) waits for it.
    const flood = await Promise.all(Array.from({ length: 150 }, () => info(flooder)));
    expect(flood.filter((a) => a.ok)).toHaveLength(2);
    expect(flood.filter((a) => !a.ok)).toEqual(Array(148).fill(RATE_LIMITED));
    const neighbourStarted = performance.now();
    expect(await info(neighbour)).toMatchObject(OK);
    expect(performance.now() - neighbourStarted).toBeLessThan(500);
    expect(await info(flooder)).toEqual(RATE_LIMITED);
    expect(performance.now() - started).toBeGreaterThan(900);
  });
});
