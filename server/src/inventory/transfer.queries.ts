import type { SqlExecutor } from '../platform/sql-session.ts';

/** Transfers between warehouses and their lines. Every function runs in the caller's tenant transaction. */

export type TransferStatus = 'sent' | 'received';

export interface TransferLineRow {
  productId: string;
  quantitySent: string;
  unitCost: string;
  quantityReceived: string | null;
}

export async function transferById(em: SqlExecutor, id: string) {
  const [transfer] = await em.execute<
    { id: string; fromWarehouseId: string; toWarehouseId: string; status: TransferStatus }[]
  >(
    `select id, from_warehouse_id as "fromWarehouseId", to_warehouse_id as "toWarehouseId", status
       from stock_transfer where id = ?`,
    [id],
  );
  return transfer;
}

export function transferLines(em: SqlExecutor, transferId: string) {
  return em.execute<TransferLineRow[]>(
    `select product_id as "productId", quantity_sent::text as "quantitySent", unit_cost::text as "unitCost",
            quantity_received::text as "quantityReceived"
       from stock_transfer_line where transfer_id = ? order by product_id`,
    [transferId],
  );
}

/** Ids of the transfers into or out of a warehouse with a status, newest first. */
export async function transferIds(em: SqlExecutor, warehouseId: string, status: TransferStatus) {
  const rows = await em.execute<{ id: string }[]>(
    `select id from stock_transfer where status = ? and (to_warehouse_id = ? or from_warehouse_id = ?)
      order by sent_at desc limit 100`,
    [status, warehouseId, warehouseId],
  );
  return rows.map((r) => r.id);
}

export async function insertTransfer(
  em: SqlExecutor,
  transfer: { id: string; fromWarehouseId: string; toWarehouseId: string; sentBy: string | null },
): Promise<void> {
  await em.execute(
    `insert into stock_transfer (id, tenant_id, from_warehouse_id, to_warehouse_id, status, sent_by)
     values (?, current_tenant_id(), ?, ?, 'sent', ?)`,
    [transfer.id, transfer.fromWarehouseId, transfer.toWarehouseId, transfer.sentBy],
  );
}

/** `lines`: product, quantity sent and the unit cost it left with. */
export async function insertTransferLines(
  em: SqlExecutor,
  transferId: string,
  lines: { p: string; q: string; c: string }[],
): Promise<void> {
  await em.execute(
    `insert into stock_transfer_line (tenant_id, transfer_id, product_id, quantity_sent, unit_cost)
     select current_tenant_id(), ?, l.p, l.q, l.c from json_to_recordset(?::json) as l(p uuid, q numeric, c numeric)`,
    [transferId, JSON.stringify(lines)],
  );
}

/** The transfer's status and destination, locked until commit. */
export async function lockTransfer(em: SqlExecutor, transferId: string) {
  const [transfer] = await em.execute<{ status: string; to_warehouse_id: string }[]>(
    'select status, to_warehouse_id from stock_transfer where id = ? for update',
    [transferId],
  );
  return transfer;
}

/** Records what arrived (`lines`: product and quantity received) and marks the transfer received. */
export async function markTransferReceived(
  em: SqlExecutor,
  transferId: string,
  lines: { p: string; q: string }[],
  receivedBy: string | null,
): Promise<void> {
  await em.execute(
    `update stock_transfer_line t set quantity_received = r.q
       from json_to_recordset(?::json) as r(p uuid, q numeric)
      where t.tenant_id = current_tenant_id() and t.transfer_id = ? and t.product_id = r.p`,
    [JSON.stringify(lines), transferId],
  );
  await em.execute(
    `update stock_transfer set status = 'received', received_by = ?, received_at = now() where id = ?`,
    [receivedBy, transferId],
  );
}
