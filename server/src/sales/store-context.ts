import { readTenantSettings, type TenantSettings } from '@erp/shared';
import { AppError } from '../platform/app-error.ts';
import type { SqlExecutor } from '../platform/sql-session.ts';
import { storeContextRow } from './sale.queries.ts';
import type { IssuerData } from './sale-document.ts';

export interface StoreContext {
  issuer: IssuerData;
  settings: TenantSettings;
  /** The store's selling warehouse (the first by code): sales take stock from it. */
  warehouseId: string;
}

const TTL_MS = 30_000;
const cache = new Map<string, { at: number; value: StoreContext }>();

/**
 * Company, store and settings a sale needs, read once per store every 30 s instead of once per
 * sale (they change rarely; a new price does not live here).
 */
export async function storeContext(
  em: SqlExecutor,
  tenantId: string,
  storeId: string,
): Promise<StoreContext> {
  const key = `${tenantId}:${storeId}`;
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.value;
  const row = await storeContextRow(em, storeId);
  if (!row) throw AppError.notFound('la sucursal');
  if (!row.warehouse_id) throw AppError.validation(undefined, 'La sucursal no tiene bodega de venta.');
  const value: StoreContext = {
    issuer: {
      rut: row.rut,
      razonSocial: row.razon_social,
      giro: row.giro,
      address: row.address,
      comuna: row.comuna,
      acteco: row.acteco,
      resolutionNumber: row.sii_resolution_number,
      resolutionDate: row.sii_resolution_date,
      siiBranchCode: row.sii_branch_code,
      storeAddress: row.store_address,
      storeComuna: row.store_comuna,
    },
    settings: readTenantSettings(row.settings),
    warehouseId: row.warehouse_id,
  };
  cache.set(key, { at: Date.now(), value });
  return value;
}
