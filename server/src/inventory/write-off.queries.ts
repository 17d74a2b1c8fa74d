import type { WriteOffReason, WriteOffView } from '@erp/shared';
import type { z } from 'zod';
import type { SqlExecutor } from '../platform/sql-session.ts';

/** Mermas: the product a merma names, and the merma's own row. In the caller's tenant transaction. */

export interface WriteOffProduct {
  name: string;
  weighable: boolean;
}

/** The tenant's product (active or not: a retired product may still be on the shelf), or undefined. */
export async function writeOffProduct(
  em: SqlExecutor,
  productId: string,
): Promise<WriteOffProduct | undefined> {
  const [row] = await em.execute<WriteOffProduct[]>('select name, weighable from product where id = ?', [
    productId,
  ]);
  return row;
}

const AT = `to_char(w.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * Writes the merma's row (its ledger movement names it as its document) and returns when it was
 * recorded; undefined when the id is taken (a repeat, or an id another company used), writing
 * nothing. A repeat sent while the first is still being written waits for it here.
 */
export async function insertWriteOff(
  em: SqlExecutor,
  row: {
    id: string;
    warehouseId: string;
    productId: string;
    quantity: string;
    reason: WriteOffReason;
    note: string | null;
    userId: string;
  },
): Promise<string | undefined> {
  const [inserted] = await em.execute<{ at: string }[]>(
    `insert into stock_write_off as w (id, tenant_id, warehouse_id, product_id, quantity, reason, note, user_id)
     values (?, current_tenant_id(), ?, ?, ?::numeric, ?, ?, ?)
     on conflict (id) do nothing
     returning ${AT} as at`,
    [row.id, row.warehouseId, row.productId, row.quantity, row.reason, row.note, row.userId],
  );
  return inserted?.at;
}

/** A recorded merma with the figures of its ledger row, or undefined (none of this tenant's). */
export async function recordedWriteOff(
  em: SqlExecutor,
  id: string,
): Promise<z.infer<typeof WriteOffView> | undefined> {
  const [row] = await em.execute<(Omit<z.infer<typeof WriteOffView>, 'value'> & { value: string })[]>(
    `select w.id, w.warehouse_id as "warehouseId", w.product_id as "productId", p.name as "productName",
            w.quantity::text as quantity, w.reason, w.note, m.unit_cost::text as "unitCost",
            round(w.quantity * m.unit_cost)::text as value, m.resulting_quantity::text as "resultingQuantity",
            m.resulting_average_cost::text as "resultingAverageCost", ${AT} as at
       from stock_write_off w
       join product p on p.id = w.product_id
       join stock_movement m on m.tenant_id = current_tenant_id() and m.document_id = w.id
      where w.id = ?`,
    [id],
  );
  return row && { ...row, value: Number(row.value) };
}
