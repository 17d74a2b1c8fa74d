import { readTenantSettings, type TenantSettings } from '@erp/shared';
import type { SqlExecutor } from '../platform/sql-session.ts';
import { storedTenantSettings } from './tenant-settings.queries.ts';

/**
 * The tenant's settings (tolerances, thresholds, limits), read in the caller's unit of work: the
 * one reader every domain uses, so defaults for missing keys are applied in one place.
 */
export async function tenantSettings(em: SqlExecutor): Promise<TenantSettings> {
  return readTenantSettings(await storedTenantSettings(em));
}
