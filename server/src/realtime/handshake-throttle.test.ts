/**
 * Socket handshakes are counted per client address and per tenant before the token is even
 * looked at: past the budget they are refused with RATE_LIMITED (in Spanish), whatever the
 * token. The address is the proxy's client only when the proxy is trusted.
 */
import { ERROR_MESSAGES } from '@erp/shared';
import { describe, expect, it } from 'vitest';
import { connectClient, type TestTenant, tokenFor } from '../../test/harness.ts';
import { useTestServer } from '../../test/test-server-fixture.ts';

const RATE_LIMITED = { code: 'RATE_LIMITED', message: ERROR_MESSAGES.RATE_LIMITED };
/** A budget that does not refill during the test. */
const SLOW = '0.001';

describe('behind a trusted proxy', () => {
  const world = useTestServer(['hs', 'hs-o'], {
    TRUST_PROXY: '127.0.0.1',
    HANDSHAKE_BURST_PER_ADDRESS: '3',
    HANDSHAKE_RATE_PER_ADDRESS: SLOW,
    HANDSHAKE_BURST_PER_TENANT: '6',
    HANDSHAKE_RATE_PER_TENANT: SLOW,
  });
  const from = async (tenant: TestTenant, address: string, token?: string) => {
    const socket = await connectClient(
      world.server.url,
      tenant.slug,
      { token: token ?? (await tokenFor(world.server.url, tenant.emails.owner)) },
      { headers: { 'x-forwarded-for': address } },
    );
    world.keep(socket);
    return socket;
  };

  it('refuses an address past its budget before looking at the token, and serves other addresses', async () => {
    const [tenant] = world.tenants;
    for (let i = 0; i < 3; i++) await from(tenant, '10.0.0.1');
    await expect(from(tenant, '10.0.0.1')).rejects.toEqual(RATE_LIMITED);
    await expect(from(tenant, '10.0.0.1', 'no-es-un-token')).rejects.toEqual(RATE_LIMITED);
    // A refused handshake spends nothing: the tenant has used 4 of its 6 after this one.
    await from(tenant, '10.0.0.2');
  });

  it("refuses a tenant past its budget from any address, and leaves other tenants' alone", async () => {
    const [tenant, other] = world.tenants;
    await from(tenant, '10.0.0.3');
    await from(tenant, '10.0.0.4');
    await expect(from(tenant, '10.0.0.5')).rejects.toEqual(RATE_LIMITED);
    await from(other, '10.0.0.5');
  });
});

describe('without a trusted proxy', () => {
  const world = useTestServer(['hs-d'], {
    HANDSHAKE_BURST_PER_ADDRESS: '2',
    HANDSHAKE_RATE_PER_ADDRESS: SLOW,
  });

  it('counts the peer address, whatever X-Forwarded-For claims', async () => {
    const [tenant] = world.tenants;
    const token = await tokenFor(world.server.url, tenant.emails.owner);
    const connect = (address: string) =>
      connectClient(world.server.url, tenant.slug, { token }, { headers: { 'x-forwarded-for': address } });
    world.keep(await connect('10.0.1.1'));
    world.keep(await connect('10.0.1.2'));
    await expect(connect('10.0.1.3')).rejects.toEqual(RATE_LIMITED);
  });
});
