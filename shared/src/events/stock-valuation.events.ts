/** Back office: stock valued at PPP per warehouse and product, and the kardex paged. */
import { z } from 'zod';
import { command } from './define.ts';
import { MovementView } from './inventory.events.ts';
import { PageRequest, pageOf } from './paging.ts';
import { Uuid } from './primitives.ts';

/** A warehouse's stock valued at PPP: the sum of its products' values. */
export const WarehouseValuation = z.object({
  warehouseId: Uuid,
  code: z.string(),
  name: z.string(),
  storeName: z.string().nullable(),
  /** Products with stock other than zero. */
  products: z.number().int(),
  /** Pesos: Σ round(stock × PPP) over its products. */
  value: z.number().int(),
});

/** One product's stock in a warehouse, valued at its PPP. */
export const ValuedStock = z.object({
  productId: Uuid,
  code: z.string(),
  name: z.string(),
  category: z.string(),
  unit: z.string(),
  quantity: z.string(),
  averageCost: z.string(),
  /** Pesos: round(stock × PPP). */
  value: z.number().int(),
  minimum: z.string().nullable(),
});

export const inventoryValuationCommands = {
  /** Every warehouse's value at PPP and the company's total. */
  'stock:valuation': command(
    z.object({}).strict(),
    z.object({ warehouses: z.array(WarehouseValuation), total: z.number().int() }),
  ),
  /** A warehouse's stock by product name, paged; `search` matches code or name. */
  'stock:levels': command(
    z.object({ warehouseId: Uuid, search: z.string().trim().max(60).optional(), ...PageRequest }).strict(),
    pageOf(ValuedStock),
  ),
  /** A product's kardex in a warehouse, newest first, paged, with who made each movement. */
  'stock:kardex-page': command(
    z.object({ warehouseId: Uuid, productId: Uuid, ...PageRequest }).strict(),
    pageOf(MovementView.extend({ userName: z.string().nullable() })),
  ),
};
