import { camelView } from '../platform/rows.ts';
import type { SqlExecutor } from '../platform/sql-session.ts';

/** The hub credentials' statements: hub_device rows, and the look-ups that issue one. */

export async function storeExists(em: SqlExecutor, storeId: string): Promise<boolean> {
  const [store] = await em.execute<{ id: string }[]>('select id from store where id = ?', [storeId]);
  return store !== undefined;
}

/** Stores a credential (only its token's hash) valid for `ttlDays`; its creation and expiry times. */
export async function insertHubDevice(
  em: SqlExecutor,
  device: {
    deviceId: string;
    storeId: string;
    name: string;
    tokenHash: Buffer;
    createdBy: string;
    ttlDays: number;
    replaces: string | null;
  },
): Promise<{ created_at: Date; expires_at: Date }> {
  const [row] = await em.execute<{ created_at: Date; expires_at: Date }[]>(
    `insert into hub_device (id, tenant_id, store_id, name, token_hash, created_by, expires_at, replaces)
     values (?, current_tenant_id(), ?, ?, ?, ?, now() + make_interval(days => ?), ?)
     returning created_at, expires_at`,
    [
      device.deviceId,
      device.storeId,
      device.name,
      device.tokenHash,
      device.createdBy,
      device.ttlDays,
      device.replaces,
    ],
  );
  return row!;
}

/** A credential to renew: its store and name, and whether it was revoked or already renewed. */
export async function hubDeviceForRenewal(em: SqlExecutor, deviceId: string) {
  const [row] = await em.execute<
    { store_id: string; name: string; revoked_at: Date | null; renewed: boolean }[]
  >(
    `select d.store_id, d.name, d.revoked_at,
            exists (select 1 from hub_device n where n.replaces = d.id and n.revoked_at is null) as renewed
       from hub_device d where d.id = ?`,
    [deviceId],
  );
  return row;
}

/**
 * Revokes what a credential renewed, and what that one renewed in turn (a credential renewed
 * twice before its hub used either); the ids it revoked now.
 */
export async function revokeReplacedHubDevices(em: SqlExecutor, deviceId: string): Promise<string[]> {
  const rows = await em.execute<{ id: string }[]>(
    `with recursive replaced(id) as (
       select replaces from hub_device where id = ? and replaces is not null
       union
       select d.replaces from hub_device d join replaced r on d.id = r.id where d.replaces is not null
     )
     update hub_device set revoked_at = now()
      where id in (select id from replaced) and revoked_at is null
     returning id`,
    [deviceId],
  );
  return rows.map((row) => row.id);
}

/** Revokes a credential, keeping the first revocation time; undefined when there is none. */
export async function revokeHubDevice(em: SqlExecutor, deviceId: string): Promise<Date | undefined> {
  const [row] = await em.execute<{ revoked_at: Date }[]>(
    `update hub_device set revoked_at = coalesce(revoked_at, now()) where id = ? returning revoked_at`,
    [deviceId],
  );
  return row?.revoked_at;
}

interface HubDeviceRow {
  id: string;
  store_id: string;
  name: string;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  replaced_by: string | null;
}

/** The credentials of every store, or of one, oldest first, each with its live renewal if any. */
export async function listHubDevices(em: SqlExecutor, storeId: string | undefined) {
  const rows = await em.execute<HubDeviceRow[]>(
    `select d.id, d.store_id, d.name, d.created_at, d.expires_at, d.revoked_at,
            (select n.id from hub_device n where n.replaces = d.id and n.revoked_at is null
              order by n.created_at desc limit 1) as replaced_by
       from hub_device d
      where (?::uuid is null or d.store_id = ?::uuid) order by d.created_at`,
    [storeId ?? null, storeId ?? null],
  );
  return rows.map(({ id, ...row }) => ({
    deviceId: id,
    ...camelView(row, { dates: ['created_at', 'expires_at', 'revoked_at'] }),
  }));
}

/** The device a token hash belongs to, before any tenant is known (a SECURITY DEFINER function). */
export async function hubByTokenHash(em: SqlExecutor, tokenHash: Buffer) {
  const [row] = await em.execute<
    {
      device_id: string;
      tenant_id: string;
      tenant_slug: string;
      store_id: string;
      revoked_at: Date | null;
      expires_at: Date;
      replaces: string | null;
    }[]
  >('select * from auth_hub_by_token(?)', [tokenHash]);
  return row;
}

/** The demo hub's store (by name) and the tenant's owner or first admin, who issues its credential. */
export async function demoHubIssuer(em: SqlExecutor, storeName: string) {
  const [store] = await em.execute<{ id: string }[]>('select id from store where name = ?', [storeName]);
  const [admin] = await em.execute<{ user_id: string }[]>(
    `select user_id from membership where role in ('owner', 'admin') order by role desc limit 1`,
  );
  return { storeId: store!.id, userId: admin!.user_id };
}
