import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { HubCredential } from '@erp/shared';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { AppError } from '../platform/app-error.ts';
import { withoutTenant } from '../platform/orm.ts';
import { isoTime } from '../platform/rows.ts';
import { hubByTokenHash, insertHubDevice, revokeHubDevice, storeExists } from './hub-device.queries.ts';

const hashToken = (token: string) => createHash('sha256').update(token).digest();

export interface HubIdentity {
  deviceId: string;
  tenantId: string;
  tenantSlug: string;
  storeId: string;
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
  if (!(await storeExists(em, input.storeId))) throw AppError.notFound('la sucursal');
  const deviceId = randomUUID();
  const token = randomBytes(32).toString('base64url');
  const createdAt = await insertHubDevice(em, {
    deviceId,
    storeId: input.storeId,
    name: input.name,
    tokenHash: hashToken(token),
    createdBy,
  });
  return { deviceId, storeId: input.storeId, name: input.name, token, createdAt: isoTime(createdAt) };
}

/** Revokes a credential; revoking it again keeps the first revocation time. */
export async function revokeHubCredential(em: EntityManager, deviceId: string): Promise<string> {
  const revokedAt = await revokeHubDevice(em, deviceId);
  if (!revokedAt) throw AppError.notFound('el hub');
  return isoTime(revokedAt);
}

/**
 * The hub a device token belongs to, checked before any tenant is known (SECURITY DEFINER
 * look-up): null when no device has this token; TOKEN_REVOKED when its credential was revoked.
 */
export async function authenticateHub(orm: MikroORM, token: string): Promise<HubIdentity | null> {
  const row = await withoutTenant(orm, (em) => hubByTokenHash(em, hashToken(token)));
  if (!row) return null;
  if (row.revoked_at) throw new AppError('TOKEN_REVOKED');
  return {
    deviceId: row.device_id,
    tenantId: row.tenant_id,
    tenantSlug: row.tenant_slug,
    storeId: row.store_id,
  };
}
