/**
 * The POS's first catalog load over HTTP (`GET /api/t/:slug/catalog/snapshot`): the socket's
 * snapshot, with the store's prices, gzipped, revalidated by catalog version; the token and
 * store checked as in the socket's handshake, and another company's catalog never served.
 */
import type { CatalogFeed } from '@erp/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { type TestClient, type TestTenant, tokenFor } from '../../test/harness.ts';
import { useTestServer } from '../../test/test-server-fixture.ts';
import { createProducts } from './test-products.ts';

const world = useTestServer(['snap', 'snap-o']);
let tenant: TestTenant;
let other: TestTenant;
let cashierToken: string;
let admin: TestClient;
let pos: TestClient;

type Feed = { ok: true; data: z.infer<typeof CatalogFeed> };

function snapshot(slug: string, token: string | null, query = '', headers: Record<string, string> = {}) {
  return fetch(`${world.server.url}/api/t/${slug}/catalog/snapshot${query}`, {
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
  });
}

beforeAll(async () => {
  [tenant, other] = world.tenants;
  await createProducts(world.server.orm, tenant.tenantId, [
    { name: 'Leche 1 L', price: 1190 },
    { name: 'Pan' },
  ]);
  await createProducts(world.server.orm, other.tenantId, [{ name: 'Producto ajeno' }]);
  cashierToken = await tokenFor(world.server.url, tenant.emails.cashier);
  [admin, pos] = await Promise.all([
    world.signIn(tenant, tenant.emails.admin, { storeId: tenant.stores[0]!.id, screen: 'backoffice' }),
    world.signIn(tenant, tenant.emails.cashier, { storeId: tenant.stores[0]!.id, screen: 'pos' }),
  ]);
});

describe('catalog snapshot over HTTP', () => {
  it('serves what the socket serves, gzipped, and answers 304 at the same catalog version', async () => {
    const response = await snapshot(tenant.slug, cashierToken, '', { 'accept-encoding': 'gzip' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(response.headers.get('cache-control')).toBe('private, no-cache');
    const etag = response.headers.get('etag')!;
    const body = (await response.json()) as Feed;
    const bySocket = await pos.emitWithAck('catalog:snapshot', {});
    expect(body).toEqual(bySocket);
    expect(body.data.storeId).toBe(tenant.stores[0]!.id);
    expect(body.data.products.map((p) => p.name).sort()).toEqual(['Leche 1 L', 'Pan']);
    expect(etag).toBe(`"catalog-${body.data.version}-${tenant.stores[0]!.id}"`);

    const again = await snapshot(tenant.slug, cashierToken, '', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');

    // A price change is a new version: the cached copy is refused and the new one served.
    const leche = body.data.products.find((p) => p.name === 'Leche 1 L')!;
    const { storePrice: _, version: __, ...input } = leche;
    expect((await admin.emitWithAck('product:save', { ...input, price: 1290 })).ok).toBe(true);
    const changed = await snapshot(tenant.slug, cashierToken, '', { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    const next = (await changed.json()) as Feed;
    expect(next.data.products.find((p) => p.id === leche.id)?.price).toBe(1290);
  });

  it('serves plain JSON to a client that does not take gzip', async () => {
    const response = await snapshot(tenant.slug, cashierToken, '', { 'accept-encoding': 'identity' });
    expect(response.headers.get('content-encoding')).toBeNull();
    expect(((await response.json()) as Feed).ok).toBe(true);
  });

  it('checks the token, the company and the store as the socket handshake does', async () => {
    expect((await snapshot(tenant.slug, null)).status).toBe(401);
    expect((await snapshot(tenant.slug, 'not-a-token')).status).toBe(401);
    const wrong = await snapshot(other.slug, cashierToken);
    expect(await wrong.json()).toMatchObject({ ok: false, error: { code: 'WRONG_TENANT' } });
    // A cashier bound to the first store cannot read the second's prices.
    const elsewhere = await snapshot(tenant.slug, cashierToken, `?store=${tenant.stores[1]!.id}`);
    expect(await elsewhere.json()).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    // Another company's admin reads their own catalog only.
    const otherToken = await tokenFor(world.server.url, other.emails.admin);
    const theirs = (await (await snapshot(other.slug, otherToken)).json()) as Feed;
    expect(theirs.data.products.map((p) => p.name)).toEqual(['Producto ajeno']);
  });
});
