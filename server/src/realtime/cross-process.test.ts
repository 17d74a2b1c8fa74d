/**
 * Two real server processes share rooms through Redis: an event emitted by the server in this
 * process reaches a client connected to a second server started as its own `node` process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  connectClient,
  createTestTenant,
  nextEvent,
  startTestServer,
  type TestServer,
  type TestTenant,
  tokenFor,
} from '../../test/harness.ts';
import { rooms, tenantNamespace } from './rooms.ts';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
let server1: TestServer;
let process2: ChildProcess;
let url2: string;
let tenant: TestTenant;

/** Starts `node server/src/main.ts` on a free port and waits for its health check. */
async function startSecondProcess(): Promise<{ child: ChildProcess; url: string }> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`${url}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { child, url };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('second server process did not start');
}

beforeAll(async () => {
  server1 = await startTestServer();
  tenant = await createTestTenant(server1, 'xproc');
  ({ child: process2, url: url2 } = await startSecondProcess());
});

afterAll(async () => {
  process2?.kill('SIGTERM');
  await server1?.close();
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
