import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { HubCredential } from '@erp/shared';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { AppError } from '../platform/app-error.ts';
import { withoutTenant } from '../platform/orm.ts';

const hashToken = (token: string) => createHash('sha256').update(token).digest();
const iso = (at: Date | string) => new Date(at).toISOString();

export interface HubIdentity {
  deviceId: string;
  tenantId: string;
  tenantSlug: string;
  storeId: string;
}

export interface HubDeviceRow {
  deviceId: string;
  storeId: string;
  name: string;
  createdAt: string;
  revokedAt: string | null;
}

/**
 * Issues a hub credential for a store (inside the tenant's transaction). The token is returned
 * this once; only its SHA-256 is stored, like login tokens.
 */
export async function createHubCredential(
  em: EntityManager,
  input: { storeId: string; name: string },
  createdBy: string,
): Promise<z.output<typeof HubCredential>> {
  const [store] = await em.execute<{ id: string }[]>('select id from store where id = ?', [input.storeId]);
  if (!store) throw AppError.notFound('la sucursal');
  const deviceId = randomUUID();
  const token = randomBytes(32).toString('base64url');
  const [row] = await em.execute<{ created_at: Date }[]>(
    `insert into hub_device (id, tenant_id, store_id, name, token_hash, created_by)
     values (?, current_tenant_id(), ?, ?, ?, ?) returning created_at`,
    [deviceId, input.storeId, input.name, hashToken(token), createdBy],
  );
  return { deviceId, storeId: input.storeId, name: input.name, token, createdAt: iso(row!.created_at) };
}

/** Revokes a credential; revoking it again keeps the first revocation time. */
export async function revokeHubCredential(em: EntityManager, deviceId: string): Promise<string> {
  const [row] = await em.execute<{ revoked_at: Date }[]>(
    `update hub_device set revoked_at = coalesce(revoked_at, now()) where id = ? returning revoked_at`,
    [deviceId],
  );
  if (!row) throw AppError.notFound('el hub');
  return iso(row.revoked_at);
}

export async function listHubDevices(
  em: EntityManager,
  storeId: string | undefined,
): Promise<HubDeviceRow[]> {
  const rows = await em.execute<
    { id: string; store_id: string; name: string; created_at: Date; revoked_at: Date | null }[]
  >(
    `select id, store_id, name, created_at, revoked_at from hub_device
      where (?::uuid is null or store_id = ?::uuid) order by created_at`,
    [storeId ?? null, storeId ?? null],
  );
  return rows.map((r) => ({
    deviceId: r.id,
    storeId: r.store_id,
    name: r.name,
    createdAt: iso(r.created_at),
    revokedAt: r.revoked_at ? iso(r.revoked_at) : null,
  }));
}

/**
 * The hub a device token belongs to, checked before any tenant is known (SECURITY DEFINER
 * look-up): null when no device has this token; TOKEN_REVOKED when its credential was revoked.
 */
export async function authenticateHub(orm: MikroORM, token: string): Promise<HubIdentity | null> {
  const [row] = await withoutTenant(orm, (em) =>
    em.execute<
      {
        device_id: string;
        tenant_id: string;
        tenant_slug: string;
        store_id: string;
        revoked_at: Date | null;
      }[]
    >('select * from auth_hub_by_token(?)', [hashToken(token)]),
  );
  if (!row) return null;
  if (row.revoked_at) throw new AppError('TOKEN_REVOKED');
  return {
    deviceId: row.device_id,
    tenantId: row.tenant_id,
    tenantSlug: row.tenant_slug,
    storeId: row.store_id,
  };
}
