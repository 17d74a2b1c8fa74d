import type { SqlExecutor } from '../platform/sql-session.ts';

/** The tenant's stored settings document, as saved (keys may be missing); runs in the caller's unit of work. */
export async function storedTenantSettings(em: SqlExecutor): Promise<unknown> {
  const [tenant] = await em.execute<{ settings: unknown }[]>('select settings from tenant');
  return tenant?.settings;
}
