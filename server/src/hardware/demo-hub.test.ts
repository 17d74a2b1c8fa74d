/** `npm start` issues the demo hub's credential once and keeps reusing it until it is revoked or expires. */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestServer, TestTenant } from '../../test/harness.ts';
import { useTestServer } from '../../test/test-server-fixture.ts';
import { withTenant } from '../platform/orm.ts';
import type { TenantSpec } from '../tenancy/index.ts';
import { ensureDemoHub } from './demo-hub.ts';
import { revokeHubCredential } from './hub-credentials.ts';

let server: TestServer;
let tenant: TestTenant;
let dir: string;

const world = useTestServer(['demohub']);
beforeAll(() => {
  ({
    server,
    tenants: [tenant],
  } = world);
  dir = mkdtempSync(join(tmpdir(), 'erp-demo-hub-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('issues the credential for the first store once, reuses it, and re-issues it after a revocation or expiry', async () => {
  const spec = { slug: tenant.slug, stores: [{ name: 'Tienda A' }] } as TenantSpec;
  const file = join(dir, 'hub', 'credential.json');
  const first = await ensureDemoHub(server.orm, spec, file, 90);
  expect(first).toMatchObject({ tenantSlug: tenant.slug, storeId: tenant.stores[0]!.id });
  expect(existsSync(file) && statSync(file).mode & 0o077).toBe(0);
  expect(await ensureDemoHub(server.orm, spec, file, 90)).toEqual(first);

  const [device] = await withTenant(server.orm, tenant.tenantId, (em) =>
    em.execute<{ id: string }[]>('select id from hub_device'),
  );
  await withTenant(server.orm, tenant.tenantId, (em) => revokeHubCredential(em, device!.id));
  const reissued = await ensureDemoHub(server.orm, spec, file, 90);
  expect(reissued.token).not.toBe(first.token);
  expect(reissued.storeId).toBe(first.storeId);

  // An expired credential is re-issued too: the demo hub would be refused with it.
  await withTenant(server.orm, tenant.tenantId, (em) =>
    em.execute(`update hub_device set expires_at = now() - interval '1 minute' where revoked_at is null`),
  );
  const renewed = await ensureDemoHub(server.orm, spec, file, 90);
  expect(renewed.token).not.toBe(reissued.token);
});
