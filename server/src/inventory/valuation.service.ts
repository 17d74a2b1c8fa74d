import type { ValuedStock, WarehouseValuation } from '@erp/shared';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { assertWarehouse } from './inventory.service.ts';
import { type Page, valuedStockPage, warehouseValues } from './valuation.queries.ts';

/**
 * Every warehouse valued at PPP. A product's value is round(stock × PPP) in pesos and a
 * warehouse's is the sum of those, so the per-product list adds up to the warehouse exactly.
 */
export async function stockValuation(
  em: EntityManager,
): Promise<{ warehouses: z.infer<typeof WarehouseValuation>[]; total: number }> {
  const warehouses = await warehouseValues(em);
  return { warehouses, total: warehouses.reduce((sum, w) => sum + w.value, 0) };
}

/** A warehouse's products with their stock, PPP and value, by name; each search word must match. */
export async function valuedStock(
  em: EntityManager,
  query: { warehouseId: string; search?: string | undefined; offset: number; limit: number },
): Promise<Page<z.infer<typeof ValuedStock>>> {
  await assertWarehouse(em, query.warehouseId);
  return valuedStockPage(em, query);
}
