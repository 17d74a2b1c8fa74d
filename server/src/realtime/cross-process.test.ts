/**
 * Two real server processes share rooms through Redis: an event emitted by the server in this
 * process reaches a client connected to a second server started as its own `node` process.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectClient, nextEvent, type TestServer, type TestTenant, tokenFor } from '../../test/harness.ts';
import { randomPort, spawnServerProcess } from '../../test/server-process.ts';
import { useTestServer } from '../../test/test-server-fixture.ts';
import { rooms, tenantNamespace } from './rooms.ts';

let server1: TestServer;
let process2: ChildProcess;
let url2: string;
let tenant: TestTenant;

const world = useTestServer(['xproc']);
beforeAll(async () => {
  ({
    server: server1,
    tenants: [tenant],
  } = world);
  const second = spawnServerProcess(randomPort(), 'warn');
  ({ child: process2, url: url2 } = second);
  await second.ready;
});

afterAll(() => {
  process2?.kill('SIGTERM');
});

it('delivers an event emitted by server process 1 to a client of server process 2', async () => {
  const wall = await connectClient(url2, tenant.slug, {
    token: await tokenFor(url2, tenant.emails.supervisor),
    storeId: tenant.stores[0]!.id,
    screen: 'wall',
  });
  const otherStore = await connectClient(url2, tenant.slug, {
    token: await tokenFor(url2, tenant.emails.cashier2),
    screen: 'pos',
  });
  // Let the streams adapter of process 2 register the new rooms before emitting.
  await new Promise((r) => setTimeout(r, 200));
  const received = nextEvent(wall, 'user:created', 3000);
  const leaked = nextEvent(otherStore, 'user:created', 1500);
  const payload = {
    id: crypto.randomUUID(),
    membershipId: crypto.randomUUID(),
    email: 'x@test.cl',
    name: 'Desde proceso 1',
    role: 'cashier' as const,
    storeId: null,
    active: true,
    approvalPin: false,
  };
  server1.io
    .of(tenantNamespace(tenant.slug))
    .to(rooms.store(tenant.stores[0]!.id))
    .emit('user:created', payload);
  expect(await received).toEqual(payload);
  expect(await leaked).toBeUndefined();
  wall.close();
  otherStore.close();
});
