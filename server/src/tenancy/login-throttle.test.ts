/**
 * The per-address login throttle counts the real peer unless a proxy is configured, and password
 * hashing is bounded for the whole process. Each server here has its own Redis prefix, so the
 * throttled 127.0.0.1 does not block the logins of other test files.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createTestTenant,
  login,
  startTestServer,
  TEST_PASSWORD,
  type TestServer,
  type TestTenant,
} from '../../test/harness.ts';

/** LOGIN_MAX_FAILURES = 2, so an address is blocked after 2 × 6 failures. */
const ADDRESS_LIMIT = 12;

let server: TestServer | undefined;
let tenant: TestTenant;

async function serverWith(overrides: Record<string, string>): Promise<TestServer> {
  server = await startTestServer({
    REDIS_PREFIX: `erp-throttle-${randomBytes(4).toString('hex')}`,
    LOGIN_MAX_FAILURES: '2',
    ...overrides,
  });
  tenant ??= await createTestTenant(server, 'throttle');
  return server;
}

async function loginFrom(s: TestServer, email: string, password: string, forwardedFor?: string) {
  const response = await fetch(`${s.url}/api/auth/login`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
    },
    body: JSON.stringify({ email, password }),
  });
  return {
    status: response.status,
    code: ((await response.json()) as { error?: { code: string } }).error?.code,
  };
}

/** Wrong passwords for ever-new emails, each from a new forwarded address. */
async function spray(s: TestServer, count: number, addressFor: (i: number) => string | undefined) {
  for (let i = 0; i < count; i++) {
    const answer = await loginFrom(
      s,
      `nadie-${i}-${randomBytes(3).toString('hex')}@test.cl`,
      'x',
      addressFor(i),
    );
    expect(answer).toEqual({ status: 401, code: 'INVALID_CREDENTIALS' });
  }
}

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('login throttle per address', () => {
  it('ignores X-Forwarded-For when no proxy is configured: rotating it does not escape the limit', async () => {
    const s = await serverWith({});
    await spray(s, ADDRESS_LIMIT, (i) => `203.0.113.${i + 1}`);
    expect(await loginFrom(s, tenant.emails.owner, TEST_PASSWORD, '198.51.100.7')).toEqual({
      status: 429,
      code: 'TOO_MANY_ATTEMPTS',
    });
  });

  it('behind a configured proxy, counts each forwarded client apart', async () => {
    const s = await serverWith({ TRUST_PROXY: '127.0.0.1' });
    await spray(s, ADDRESS_LIMIT, () => '203.0.113.50');
    expect(await loginFrom(s, tenant.emails.owner, TEST_PASSWORD, '203.0.113.50')).toEqual({
      status: 429,
      code: 'TOO_MANY_ATTEMPTS',
    });
    expect((await loginFrom(s, tenant.emails.owner, TEST_PASSWORD, '203.0.113.51')).status).toBe(200);
  });
});

describe('password hashing', () => {
  it('refuses a burst beyond the hashing queue with RATE_LIMITED and keeps serving', async () => {
    const s = await serverWith({ LOGIN_MAX_FAILURES: '1000' });
    const answers = await Promise.all(
      Array.from({ length: 150 }, (_, i) => loginFrom(s, `rafaga-${i}@test.cl`, 'x')),
    );
    const codes = answers.map((a) => a.code);
    expect(codes.filter((c) => c === 'RATE_LIMITED').length).toBeGreaterThan(0);
    expect(codes.filter((c) => c === 'INVALID_CREDENTIALS').length).toBeGreaterThanOrEqual(64);
    expect(codes.every((c) => c === 'RATE_LIMITED' || c === 'INVALID_CREDENTIALS')).toBe(true);
    expect(answers.find((a) => a.code === 'RATE_LIMITED')?.status).toBe(429);
    expect((await login(s.url, tenant.emails.owner)).status).toBe(200);
  });
});
