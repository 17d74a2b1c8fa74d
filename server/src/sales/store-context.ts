import { readTenantSettings, type TenantSettings } from '@erp/shared';
import { AppError } from '../platform/app-error.ts';
import type { SqlExecutor } from '../platform/sql-session.ts';
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
  const [row] = await em.execute<
    {
      rut: string;
      razon_social: string;
      giro: string;
      address: string;
      comuna: string;
      acteco: number;
      sii_resolution_number: number;
      sii_resolution_date: string;
      settings: unknown;
      store_address: string;
      store_comuna: string;
      sii_branch_code: number | null;
      warehouse_id: string | null;
    }[]
  >(
    `select t.rut, t.razon_social, t.giro, t.address, t.comuna, t.acteco, t.sii_resolution_number,
            to_char(t.sii_resolution_date, 'YYYY-MM-DD') as sii_resolution_date, t.settings,
            s.address as store_address, s.comuna as store_comuna, s.sii_branch_code,
            (select w.id from warehouse w where w.store_id = s.id order by w.code limit 1) as warehouse_id
       from tenant t join store s on s.tenant_id = t.id where s.id = ?`,
    [storeId],
  );
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
