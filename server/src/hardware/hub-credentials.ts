import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { HubCredential } from '@erp/shared';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { AppError } from '../platform/app-error.ts';
import { withoutTenant, withTenant } from '../platform/orm.ts';
import { isoTime } from '../platform/rows.ts';
import { revokeHubLeases } from '../store-node/index.ts';
import {
  hubByTokenHash,
  hubDeviceForRenewal,
  insertHubDevice,
  revokeHubDevice,
  revokeReplacedHubDevices,
  storeExists,
} from './hub-device.queries.ts';

const hashToken = (token: string) => createHash('sha256').update(token).digest();

export interface HubIdentity {
  deviceId: string;
  tenantId: string;
  tenantSlug: string;
  storeId: string;
  /** When the credential stops opening the hub screen (ms since the epoch). */
  expiresAt: number;
  /** The credential this one renewed: revoked once a hub connects with this one. */
  replaces: string | null;
}

/**
 * Issues a hub credential for a store (inside the tenant's transaction), valid for `ttlDays`.
 * The token is returned this once; only its SHA-256 is stored, like login tokens.
 */
export async function createHubCredential(
  em: EntityManager,
  input: { storeId: string; name: string },
  createdBy: string,
  ttlDays: number,
  replaces: string | null = null,
): Promise<z.output<typeof HubCredential>> {
  if (!(await storeExists(em, input.storeId))) throw AppError.notFound('la sucursal');
  const deviceId = randomUUID();
  const token = randomBytes(32).toString('base64url');
  const issued = await insertHubDevice(em, {
    deviceId,
    storeId: input.storeId,
    name: input.name,
    tokenHash: hashToken(token),
    createdBy,
    ttlDays,
    replaces,
  });
  return {
    deviceId,
    storeId: input.storeId,
    name: input.name,
    token,
    createdAt: isoTime(issued.created_at),
    expiresAt: isoTime(issued.expires_at),
  };
}

/**
 * Renews a credential before (or after) it expires: a new token for the same store and name.
 * The old token keeps working until a hub connects with the new one, so the hub can be given
 * the new token whenever it suits the store; then the old one is revoked.
 */
export async function renewHubCredential(
  em: EntityManager,
  deviceId: string,
  createdBy: string,
  ttlDays: number,
): Promise<z.output<typeof HubCredential>> {
  const device = await hubDeviceForRenewal(em, deviceId);
  if (!device) throw AppError.notFound('el hub');
  if (device.revoked_at) throw new AppError('CONFLICT', 'La credencial fue revocada: emita una nueva.');
  if (device.renewed) {
    throw new AppError('CONFLICT', 'Esta credencial ya se renovó: renueve o revoque la credencial nueva.');
  }
  return createHubCredential(
    em,
    { storeId: device.store_id, name: device.name },
    createdBy,
    ttlDays,
    deviceId,
  );
}

/**
 * Revokes a credential, and with it its folio leases (their unused folios are then listed for
 * anulación); revoking it again keeps the first revocation time.
 */
export async function revokeHubCredential(em: EntityManager, deviceId: string): Promise<string> {
  const revokedAt = await revokeHubDevice(em, deviceId);
  if (!revokedAt) throw AppError.notFound('el hub');
  await revokeHubLeases(em, deviceId);
  return isoTime(revokedAt);
}

/** A hub connected with a renewed credential: the credentials it replaces are revoked (their ids). */
export function retireReplacedCredentials(orm: MikroORM, hub: HubIdentity): Promise<string[]> {
  if (!hub.replaces) return Promise.resolve([]);
  return withTenant(orm, hub.tenantId, (em) => revokeReplacedHubDevices(em, hub.deviceId));
}

const expiryDate = new Intl.DateTimeFormat('es-CL', {
  timeZone: 'America/Santiago',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
});

/**
 * The hub a device token belongs to, checked before any tenant is known (SECURITY DEFINER
 * look-up): null when no device has this token; TOKEN_REVOKED when its credential was revoked,
 * TOKEN_EXPIRED (with the date) when it expired.
 */
export async function authenticateHub(orm: MikroORM, token: string): Promise<HubIdentity | null> {
  const row = await withoutTenant(orm, (em) => hubByTokenHash(em, hashToken(token)));
  if (!row) return null;
  if (row.revoked_at) throw new AppError('TOKEN_REVOKED', 'La credencial de este hub fue revocada.');
  const expiresAt = new Date(row.expires_at).getTime();
  if (expiresAt <= Date.now()) {
    throw new AppError(
      'TOKEN_EXPIRED',
      `La credencial de este hub venció el ${expiryDate.format(expiresAt)}: renuévela en el back office (Cajas y hubs) y configure el hub con el token nuevo.`,
    );
  }
  return {
    deviceId: row.device_id,
    tenantId: row.tenant_id,
    tenantSlug: row.tenant_slug,
    storeId: row.store_id,
    expiresAt,
    replaces: row.replaces,
  };
}
