import { camelView } from '../platform/rows.ts';
import type { SqlExecutor } from '../platform/sql-session.ts';

/** The hub credentials' statements: hub_device rows, and the look-ups that issue one. */

export async function storeExists(em: SqlExecutor, storeId: string): Promise<boolean> {
  const [store] = await em.execute<{ id: string }[]>('select id from store where id = ?', [storeId]);
  return store !== undefined;
}

/** Stores a credential (only its token's hash); its creation time. */
export async function insertHubDevice(
  em: SqlExecutor,
  device: { deviceId: string; storeId: string; name: string; tokenHash: Buffer; createdBy: string },
): Promise<Date> {
  const [row] = await em.execute<{ created_at: Date }[]>(
    `insert into hub_device (id, tenant_id, store_id, name, token_hash, created_by)
     values (?, current_tenant_id(), ?, ?, ?, ?) returning created_at`,
    [device.deviceId, device.storeId, device.name, device.tokenHash, device.createdBy],
  );
  return row!.created_at;
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
  revoked_at: Date | null;
}

/** The credentials of every store, or of one, oldest first. */
export async function listHubDevices(em: SqlExecutor, storeId: string | undefined) {
  const rows = await em.execute<HubDeviceRow[]>(
    `select id, store_id, name, created_at, revoked_at from hub_device
      where (?::uuid is null or store_id = ?::uuid) order by created_at`,
    [storeId ?? null, storeId ?? null],
  );
  return rows.map(({ id, ...row }) => ({
    deviceId: id,
    ...camelView(row, { dates: ['created_at', 'revoked_at'] }),
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
