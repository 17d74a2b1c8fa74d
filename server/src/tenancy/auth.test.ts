import { beforeAll, describe, expect, it } from 'vitest';
import { login, TEST_PASSWORD, type TestServer, type TestTenant } from '../../test/harness.ts';
import { useTestServer } from '../../test/test-server-fixture.ts';

let server: TestServer;
let tenant: TestTenant;

const world = useTestServer(['auth'], { LOGIN_MAX_FAILURES: '3' });
beforeAll(() => {
  ({
    server,
    tenants: [tenant],
  } = world);
});

describe('POST /api/auth/login', () => {
  it('returns a token and the memberships for the right password', async () => {
    const { status, body } = await login(server.url, tenant.emails.cashier.toUpperCase(), TEST_PASSWORD);
    expect(status).toBe(200);
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(new Date(body.expiresAt).getTime()).toBeGreaterThan(Date.now());
    expect(body.user.email).toBe(tenant.emails.cashier);
    expect(body.memberships).toEqual([
      expect.objectContaining({ tenantSlug: tenant.slug, role: 'cashier', storeId: tenant.stores[0]!.id }),
    ]);
  });

  it('answers a wrong password and an unknown email with the same coded error', async () => {
    const wrong = await login(server.url, tenant.emails.supervisor, 'not-the-password');
    const unknown = await login(server.url, `nobody-${Date.now()}@test.cl`, 'not-the-password');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error).toEqual({
      code: 'INVALID_CREDENTIALS',
      message: 'Correo o contraseña incorrectos.',
    });
  });

  it('rejects a malformed body with VALIDATION', async () => {
    for (const body of [
      '{"email": 1}',
      '{}',
      'not json',
      JSON.stringify({ email: 'x@y.cl', password: '' }),
    ]) {
      const response = await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(response.status, body).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('VALIDATION');
    }
  });

  it('throttles repeated failures, even when the right password comes next', async () => {
    const email = tenant.emails.warehouse;
    for (let i = 0; i < 3; i++) expect((await login(server.url, email, 'wrong')).status).toBe(401);
    const blocked = await login(server.url, email, TEST_PASSWORD);
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('TOO_MANY_ATTEMPTS');
    // Another account is not affected.
    expect((await login(server.url, tenant.emails.owner, TEST_PASSWORD)).status).toBe(200);
  });

  it('revokes the token on logout', async () => {
    const { body } = await login(server.url, tenant.emails.admin);
    const auth = { authorization: `Bearer ${body.token}` };
    expect((await fetch(`${server.url}/api/auth/me`, { headers: auth })).status).toBe(200);
    expect((await fetch(`${server.url}/api/auth/logout`, { method: 'POST', headers: auth })).status).toBe(
      204,
    );
    const me = await fetch(`${server.url}/api/auth/me`, { headers: auth });
    expect(me.status).toBe(401);
    expect(((await me.json()) as { error: { code: string } }).error.code).toBe('TOKEN_REVOKED');
  });
});

describe('GET /api/health', () => {
  it('reports database and Redis', async () => {
    const response = await fetch(`${server.url}/api/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', database: 'ok', redis: 'ok' });
  });
});
