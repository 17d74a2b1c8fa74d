import type { Role } from '@erp/shared';
import type { SqlExecutor } from '../platform/sql-session.ts';

/**
 * Look-ups that cross tenants (logins, sessions, memberships) go through the SECURITY DEFINER
 * `auth_*` functions of the migrations: the serving role cannot read those tables directly.
 */

export interface MembershipRow {
  tenantId: string;
  tenantSlug: string;
  tenantName: string;
  role: Role;
  storeId: string | null;
  storeName: string | null;
}

export async function userByEmail(
  em: SqlExecutor,
  email: string,
): Promise<{ id: string; password_hash: string; active: boolean } | undefined> {
  const [user] = await em.execute<{ id: string; password_hash: string; active: boolean }[]>(
    'select * from auth_user_by_email(?)',
    [email],
  );
  return user;
}

/** The id of the user with this email, whatever tenant they belong to. */
export async function userIdByEmail(em: SqlExecutor, email: string): Promise<string | undefined> {
  const [user] = await em.execute<{ id: string }[]>('select id from auth_user_by_email(?)', [email]);
  return user?.id;
}

export async function tenantIdBySlug(em: SqlExecutor, slug: string): Promise<string | null> {
  const [row] = await em.execute<{ id: string | null }[]>('select tenant_id_by_slug(?) as id', [slug]);
  return row?.id ?? null;
}

export async function memberships(em: SqlExecutor, userId: string): Promise<MembershipRow[]> {
  const rows = await em.execute<
    {
      tenant_id: string;
      tenant_slug: string;
      tenant_name: string;
      role: Role;
      store_id: string | null;
      store_name: string | null;
    }[]
  >('select * from auth_memberships(?)', [userId]);
  return rows.map((r) => ({
    tenantId: r.tenant_id,
    tenantSlug: r.tenant_slug,
    tenantName: r.tenant_name,
    role: r.role,
    storeId: r.store_id,
    storeName: r.store_name,
  }));
}

/** A session as its token's hash finds it (undefined: no such token). */
export async function sessionByTokenHash(em: SqlExecutor, tokenHash: Buffer) {
  const [row] = await em.execute<
    {
      session_id: string;
      user_id: string;
      expires_at: Date;
      revoked_at: Date | null;
      user_active: boolean;
    }[]
  >('select * from auth_session_by_token(?)', [tokenHash]);
  return row;
}

/** Opens a session for the user of the unit of work (`withUser`) and returns their profile. */
export async function insertSession(
  em: SqlExecutor,
  session: { id: string; userId: string; tokenHash: Buffer; expiresAt: Date },
): Promise<{ id: string; email: string; name: string }> {
  await em.execute('insert into auth_session (id, user_id, token_hash, expires_at) values (?, ?, ?, ?)', [
    session.id,
    session.userId,
    session.tokenHash,
    session.expiresAt,
  ]);
  const [row] = await em.execute<{ id: string; email: string; name: string }[]>(
    'select id, email, name from app_user where id = ?',
    [session.userId],
  );
  return row!;
}

export async function revokeSession(em: SqlExecutor, sessionId: string): Promise<void> {
  await em.execute('update auth_session set revoked_at = now() where id = ? and revoked_at is null', [
    sessionId,
  ]);
}
