import { type Role, SUPERVISOR_ROLES } from '@erp/shared';
import { pgArray } from '../platform/pg-array.ts';
import type { SqlExecutor } from '../platform/sql-session.ts';

/**
 * Approval PINs and who may approve where. Every function runs in the caller's tenant
 * transaction, so memberships and PINs are this company's only.
 */

const APPROVER_ROLES = pgArray(SUPERVISOR_ROLES);

export interface ApproverCandidate {
  id: string;
  name: string;
  pinHash: string | null;
  /** An active user with an active owner, admin or supervisor membership in this company. */
  approves: boolean;
  /** …whose membership also covers the store (bound to it, or to no store). */
  approvesHere: boolean;
  /** The highest role they approve with here (null when they do not). */
  role: Role | null;
}

/** The member named by id or email, with what they may approve at `storeId`; undefined: not a member. */
export async function approverCandidate(
  em: SqlExecutor,
  who: { userId: string } | { email: string },
  storeId: string,
): Promise<ApproverCandidate | undefined> {
  const [row] = await em.execute<ApproverCandidate[]>(
    `select u.id, u.name, p.pin_hash as "pinHash",
            coalesce(bool_or(u.active and m.active and m.role = any(?::text[])), false) as approves,
            coalesce(bool_or(here.approves), false) as "approvesHere",
            (array_agg(m.role order by array_position(?::text[], m.role)) filter (where here.approves))[1] as role
       from app_user u
       join membership m on m.user_id = u.id
       cross join lateral (select u.active and m.active and m.role = any(?::text[])
                                  and (m.store_id is null or m.store_id = ?) as approves) here
       left join approval_pin p on p.user_id = u.id
      where ${'userId' in who ? 'u.id = ?' : 'u.email = ?'}
      group by u.id, u.name, p.pin_hash`,
    [APPROVER_ROLES, APPROVER_ROLES, APPROVER_ROLES, storeId, 'userId' in who ? who.userId : who.email],
  );
  return row;
}

/** Who may approve at `storeId` (null: the tenant-wide ones) and has a PIN, by name. */
export async function storeApprovers(
  em: SqlExecutor,
  storeId: string | null,
): Promise<{ userId: string; name: string; role: Role }[]> {
  return em.execute(
    `select distinct on (u.name, u.id) u.id as "userId", u.name, m.role
       from app_user u
       join membership m on m.user_id = u.id
       join approval_pin p on p.user_id = u.id
      where u.active and m.active and m.role = any(?::text[])
        and (m.store_id is null or m.store_id = ?)
      order by u.name, u.id, array_position(?::text[], m.role)`,
    [APPROVER_ROLES, storeId, APPROVER_ROLES],
  );
}

export async function pinStatus(
  em: SqlExecutor,
  userId: string,
): Promise<{ set: boolean; setAt: string | null }> {
  const [row] = await em.execute<{ set_at: Date }[]>('select set_at from approval_pin where user_id = ?', [
    userId,
  ]);
  return { set: Boolean(row), setAt: row ? new Date(row.set_at).toISOString() : null };
}

/** The signed-in user's name, email and login password hash (a member's row is visible). */
export async function ownLogin(
  em: SqlExecutor,
  userId: string,
): Promise<{ name: string; email: string; passwordHash: string } | undefined> {
  const [row] = await em.execute<{ name: string; email: string; passwordHash: string }[]>(
    'select name, email, password_hash as "passwordHash" from app_user where id = ?',
    [userId],
  );
  return row;
}

/**
 * Sets a user's PIN as that user: the row policy lets only `app.user_id` write its own PIN, so
 * the transaction says who it acts for first.
 */
export async function saveOwnPin(em: SqlExecutor, userId: string, pinHash: string): Promise<void> {
  await em.execute(`select set_config('app.user_id', ?, true)`, [userId]);
  await em.execute(
    `insert into approval_pin (tenant_id, user_id, pin_hash) values (current_tenant_id(), ?, ?)
     on conflict (tenant_id, user_id) do update set pin_hash = excluded.pin_hash, set_at = now()`,
    [userId, pinHash],
  );
}

/** Removes a member's PIN; false when they had none. */
export async function deletePin(em: SqlExecutor, userId: string): Promise<boolean> {
  const rows = await em.execute<{ user_id: string }[]>(
    'delete from approval_pin where user_id = ? returning user_id',
    [userId],
  );
  return rows.length > 0;
}

/**
 * A member's email, and whether any of their memberships here is an owner's (an owner's PIN is
 * an owner's to clear).
 */
export async function memberForPin(
  em: SqlExecutor,
  userId: string,
): Promise<{ email: string; owner: boolean } | undefined> {
  const [row] = await em.execute<{ email: string; owner: boolean }[]>(
    `select u.email, bool_or(m.role = 'owner') as owner
       from app_user u join membership m on m.user_id = u.id
      where u.id = ? group by u.email`,
    [userId],
  );
  return row;
}
