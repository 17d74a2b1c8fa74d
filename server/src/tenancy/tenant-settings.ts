import { readTenantSettings, type TenantSettings } from '@erp/shared';
import type { SqlExecutor } from '../platform/sql-session.ts';

/**
 * The tenant's settings (tolerances, thresholds, limits), read in the caller's unit of work: the
 * one reader every domain uses, so defaults for missing keys are applied in one place.
 */
export async function tenantSettings(em: SqlExecutor): Promise<TenantSettings> {
  const [tenant] = await em.execute<{ settings: unknown }[]>('select settings from tenant');
  return readTenantSettings(tenant?.settings);
}
