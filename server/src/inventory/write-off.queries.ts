import type { WriteOffReason } from '@erp/shared';
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

/** Writes the merma's row; its ledger movement names it as its document. Returns when it was recorded. */
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
): Promise<string> {
  const [inserted] = await em.execute<{ at: string }[]>(
    `insert into stock_write_off (id, tenant_id, warehouse_id, product_id, quantity, reason, note, user_id)
     values (?, current_tenant_id(), ?, ?, ?::numeric, ?, ?, ?)
     returning to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at`,
    [row.id, row.warehouseId, row.productId, row.quantity, row.reason, row.note, row.userId],
  );
  return inserted!.at;
}
