/**
 * A socket lives no longer than the token it connected with: the handshake checks the token
 * once, so the server closes the connection when the session expires.
 */
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectClient, login, superuserUrl } from '../../test/harness.ts';
import { useTestServer } from '../../test/test-server-fixture.ts';

const fixture = useTestServer(['expiry']);
let superuser: pg.Client;

beforeAll(async () => {
  superuser = new pg.Client({ connectionString: superuserUrl() });
  await superuser.connect();
});
afterAll(() => superuser?.end());

it('closes a connection when its token expires, and the token no longer connects', async () => {
  const [tenant] = fixture.tenants;
  const { body } = await login(fixture.server.url, tenant.emails.cashier);
  const token = body.token as string;
  // The session ends 2 s from now (as if its TTL ran out while the till stayed open).
  await superuser.query(
    `update auth_session set expires_at = now() + interval '2 seconds'
      where token_hash = sha256(convert_to($1, 'UTF8'))`,
    [token],
  );
  const socket = await connectClient(fixture.server.url, tenant.slug, { token });
  fixture.keep(socket);
  const started = Date.now();
  const reason = await new Promise<string>((resolve) => socket.once('disconnect', resolve));
  expect(reason).toBe('io server disconnect');
  expect(Date.now() - started).toBeGreaterThan(1_000);
  expect(Date.now() - started).toBeLessThan(10_000);
  await expect(connectClient(fixture.server.url, tenant.slug, { token })).rejects.toMatchObject({
    code: 'TOKEN_EXPIRED',
  });
});

it('keeps a connection whose token is valid', async () => {
  const [tenant] = fixture.tenants;
  const socket = await fixture.signIn(tenant, tenant.emails.cashier);
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  expect(socket.connected).toBe(true);
});
