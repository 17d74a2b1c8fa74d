/**
 * Shared test harness: a real server on an ephemeral port against the test database that
 * `npm test` created, real socket.io clients, and throw-away tenants with random slugs so test
 * files can run in parallel without seeing each other's data.
 */
import { randomBytes } from 'node:crypto';
import type { ClientToServerEvents, Role, ServerToClientEvents } from '@erp/shared';
import { io as connectIo, type Socket } from 'socket.io-client';
import { type AppInstance, createServer } from '../src/app.ts';
import { type Config, loadConfig } from '../src/platform/config.ts';
import { createLogger } from '../src/platform/logger.ts';
import { hashPassword, type SeededTenant, seedTenant } from '../src/tenancy/index.ts';

export const TEST_PASSWORD = 'clave-de-prueba';
/** The approval PIN of every test tenant's owner, admin and supervisor. */
export const TEST_PIN = '135790';

export function testConfig(overrides: Record<string, string> = {}): Config {
  if (!process.env.DATABASE_URL?.includes('test')) {
    throw new Error('Run the tests with `npm test`: it creates the test database and sets DATABASE_URL.');
  }
  return loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...overrides,
  });
}

/** A superuser connection to the test database, for tests that look past row-level security. */
export function superuserUrl(): string {
  const url = new URL(process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = new URL(process.env.DATABASE_URL!).pathname;
  return url.toString();
}

/**
 * Server settings that lift the command budgets (`COMMAND_*` in platform/config.ts): for benches
 * that measure throughput with clients ringing sales as fast as the server answers.
 */
export const UNLIMITED_COMMANDS: Readonly<Record<string, string>> = {
  COMMAND_RATE_PER_SOCKET: '1e9',
  COMMAND_BURST_PER_SOCKET: '1e9',
  COMMAND_RATE_PER_TENANT: '1e9',
  COMMAND_BURST_PER_TENANT: '1e9',
};

export interface TestServer extends AppInstance {
  url: string;
}

export async function startTestServer(overrides: Record<string, string> = {}): Promise<TestServer> {
  const config = testConfig(overrides);
  const server = await createServer(config, createLogger(config.LOG_LEVEL));
  const port = await server.listen(0, '127.0.0.1');
  return Object.assign(server, { url: `http://127.0.0.1:${port}` });
}

let passwordHash: Promise<string> | undefined;

export type TestTenant = SeededTenant & { emails: Record<Role | 'cashier2', string> };

/**
 * A fresh tenant with two stores and one user per role (the cashier bound to store 0); the owner,
 * admin and supervisor approve with TEST_PIN.
 */
export async function createTestTenant(server: Pick<AppInstance, 'orm'>, label = 't'): Promise<TestTenant> {
  passwordHash ??= hashPassword(TEST_PASSWORD);
  const suffix = randomBytes(4).toString('hex');
  const slug = `${label}-${suffix}`;
  const email = (role: string) => `${role}-${suffix}@test.cl`;
  const seeded = await seedTenant(
    server.orm,
    {
      slug,
      rut: '76192083-9',
      razonSocial: `Empresa ${slug}`,
      giro: 'Comercio',
      address: 'Calle 1',
      comuna: 'Santiago',
      acteco: 471100,
      stores: [
        { name: 'Tienda A', address: 'Calle 1', comuna: 'Santiago' },
        { name: 'Tienda B', address: 'Calle 2', comuna: 'Santiago' },
      ],
      centralWarehouse: true,
      users: [
        { email: email('owner'), name: 'Dueña', role: 'owner', approvalPin: TEST_PIN },
        { email: email('admin'), name: 'Admin', role: 'admin', approvalPin: TEST_PIN },
        { email: email('supervisor'), name: 'Supervisor', role: 'supervisor', approvalPin: TEST_PIN },
        { email: email('cashier'), name: 'Cajero', role: 'cashier', store: 0 },
        { email: email('cashier2'), name: 'Cajero B', role: 'cashier', store: 1 },
        { email: email('warehouse'), name: 'Bodega', role: 'warehouse', store: 0 },
      ],
    },
    await passwordHash,
  );
  const emails = Object.fromEntries(
    ['owner', 'admin', 'supervisor', 'cashier', 'cashier2', 'warehouse'].map((r) => [r, email(r)]),
  ) as TestTenant['emails'];
  return { ...seeded!, emails };
}

export async function login(url: string, email: string, password = TEST_PASSWORD) {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: tests read free-form JSON answers field by field
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

export async function tokenFor(url: string, email: string): Promise<string> {
  const { status, body } = await login(url, email);
  if (status !== 200) throw new Error(`login failed for ${email}: ${JSON.stringify(body)}`);
  return body.token as string;
}

export type TestClient = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Where a socket connects besides its token: the store it works in and its screen. */
export type SocketAuth = { storeId?: string; screen?: string };

/**
 * Connects to a tenant namespace; rejects with the server's `{ code, message }` on refusal.
 * `localAddress` connects from another loopback address (127.0.0.2), as another device would.
 * `headers` go with the WebSocket upgrade (e.g. the `X-Forwarded-For` of a proxy).
 */
export function connectClient(
  url: string,
  slug: string,
  auth: SocketAuth & { token: string },
  options: { localAddress?: string; headers?: Record<string, string> } = {},
): Promise<TestClient> {
  const socket: TestClient = connectIo(`${url}/t/${slug}`, {
    auth,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: options.headers ?? {},
    // Handed to the WebSocket as it is; socket.io-client's types do not list it.
    ...(options.localAddress ? { localAddress: options.localAddress } : {}),
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err: Error & { data?: unknown }) => {
      socket.close();
      reject(err.data ?? err);
    });
  });
}

/**
 * Resolves with the first `event` the socket receives (that `accept` takes, when given), or
 * undefined after `ms`.
 */
export function nextEvent<T = unknown>(
  socket: TestClient,
  event: string,
  ms = 10_000,
  accept: (payload: T) => boolean = () => true,
): Promise<T | undefined> {
  return new Promise((resolve) => {
    const handler = (payload: T) => {
      if (!accept(payload)) return;
      clearTimeout(timer);
      socket.off(event as never, handler as never);
      resolve(payload);
    };
    const timer = setTimeout(() => {
      socket.off(event as never, handler as never);
      resolve(undefined);
    }, ms);
    socket.on(event as never, handler as never);
  });
}

/** The sockets a test file signs in as its users, closed together at the end. */
export class SignedInSockets {
  private readonly open: TestClient[] = [];

  /** A socket signed in as `email` on the tenant's namespace (no screen unless `auth` names one). */
  async as(
    server: { url: string },
    tenant: Pick<TestTenant, 'slug'>,
    email: string,
    auth: SocketAuth = {},
  ): Promise<TestClient> {
    const token = await tokenFor(server.url, email);
    const socket = await connectClient(server.url, tenant.slug, { token, ...auth });
    this.open.push(socket);
    return socket;
  }

  /** Closes a socket opened elsewhere with the others. */
  keep(socket: TestClient): void {
    this.open.push(socket);
  }

  closeAll(): void {
    for (const socket of this.open.splice(0)) socket.close();
  }
}
