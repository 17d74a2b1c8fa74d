/** `npm start` issues the demo hub's credential once and keeps reusing it until it is revoked. */
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

it('issues the credential for the first store once, reuses it, and re-issues it after a revocation', async () => {
  const spec = { slug: tenant.slug, stores: [{ name: 'Tienda A' }] } as TenantSpec;
  const file = join(dir, 'hub', 'credential.json');
  const first = await ensureDemoHub(server.orm, spec, file);
  expect(first).toMatchObject({ tenantSlug: tenant.slug, storeId: tenant.stores[0]!.id });
  expect(existsSync(file) && statSync(file).mode & 0o077).toBe(0);
  expect(await ensureDemoHub(server.orm, spec, file)).toEqual(first);

  const [device] = await withTenant(server.orm, tenant.tenantId, (em) =>
    em.execute<{ id: string }[]>('select id from hub_device'),
  );
  await withTenant(server.orm, tenant.tenantId, (em) => revokeHubCredential(em, device!.id));
  const reissued = await ensureDemoHub(server.orm, spec, file);
  expect(reissued.token).not.toBe(first.token);
  expect(reissued.storeId).toBe(first.storeId);
});
