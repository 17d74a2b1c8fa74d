/**
 * The set-up most server test files share: before the file's tests (or a describe block's), a
 * test server and one throw-away tenant per label; after them, every socket signed in through
 * the fixture is closed and the server stopped. The handles are filled in by its `beforeAll`, so
 * a file reads them in its own hooks and tests, which run after it.
 */
import { afterAll, beforeAll } from 'vitest';
import {
  createTestTenant,
  SignedInSockets,
  type SocketAuth,
  startTestServer,
  type TestClient,
  type TestServer,
  type TestTenant,
} from './harness.ts';

export interface TestServerFixture<Tenants extends TestTenant[] = TestTenant[]> {
  server: TestServer;
  /** One tenant per label, in the labels' order. */
  tenants: Tenants;
  /** A socket signed in as `email` of `tenant`, closed after the tests. */
  signIn(tenant: Pick<TestTenant, 'slug'>, email: string, auth?: SocketAuth): Promise<TestClient>;
  /** Closes a socket opened elsewhere with the others. */
  keep(socket: TestClient): void;
}

/** `config` overrides the server's settings (environment variables), e.g. a shorter token TTL. */
export function useTestServer<const Labels extends readonly string[]>(
  labels: Labels,
  config: Record<string, string> = {},
): TestServerFixture<{ -readonly [K in keyof Labels]: TestTenant }> {
  const sockets = new SignedInSockets();
  const fixture = {
    signIn: (tenant, email, auth) => sockets.as(fixture.server, tenant, email, auth),
    keep: (socket) => sockets.keep(socket),
  } as TestServerFixture<{ -readonly [K in keyof Labels]: TestTenant }>;
  beforeAll(async () => {
    fixture.server = await startTestServer(config);
    const tenants = await Promise.all(labels.map((label) => createTestTenant(fixture.server, label)));
    fixture.tenants = tenants as typeof fixture.tenants;
  });
  afterAll(async () => {
    sockets.closeAll();
    await fixture.server?.close();
  });
  return fixture;
}
