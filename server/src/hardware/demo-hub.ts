import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import { AppError } from '../platform/app-error.ts';
import { withoutTenant, withTenant } from '../platform/orm.ts';
import { type TenantSpec, tenantIdBySlug } from '../tenancy/index.ts';
import { authenticateHub, createHubCredential } from './hub-credentials.ts';
import { demoHubIssuer } from './hub-device.queries.ts';

export interface DemoHub {
  tenantSlug: string;
  storeId: string;
  token: string;
}

/** The credential kept on disk still opens the hub screen (it exists, was not revoked, has not expired). */
async function stillValid(orm: MikroORM, saved: DemoHub): Promise<boolean> {
  try {
    return (await authenticateHub(orm, saved.token)) !== null;
  } catch (error) {
    if (error instanceof AppError && (error.code === 'TOKEN_REVOKED' || error.code === 'TOKEN_EXPIRED')) {
      return false;
    }
    throw error;
  }
}

/**
 * The demo hub's credential for a demo tenant's first store, issued once (valid `ttlDays`) and
 * kept in `file` (the token is shown only when issued), re-issued when it was revoked, expired,
 * or the database was recreated.
 */
export async function ensureDemoHub(
  orm: MikroORM,
  tenant: TenantSpec,
  file: string,
  ttlDays: number,
): Promise<DemoHub> {
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as DemoHub;
    if (saved.tenantSlug === tenant.slug && (await stillValid(orm, saved))) return saved;
  }
  const tenantId = await withoutTenant(orm, (em) => tenantIdBySlug(em, tenant.slug));
  if (!tenantId) throw new Error(`demo tenant ${tenant.slug} is not seeded`);
  const issued = await withTenant(orm, tenantId, async (em) => {
    const issuer = await demoHubIssuer(em, tenant.stores[0]!.name);
    return createHubCredential(
      em,
      { storeId: issuer.storeId, name: 'Hub demo (simulado)' },
      issuer.userId,
      ttlDays,
    );
  });
  const hub = { tenantSlug: tenant.slug, storeId: issued.storeId, token: issued.token };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(hub), { mode: 0o600 });
  return hub;
}
