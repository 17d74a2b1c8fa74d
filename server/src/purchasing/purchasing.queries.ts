import type { ReceiptDetail, ReceiptSummary, SupplierView } from '@erp/shared';
import type { z } from 'zod';
import { Filters } from '../platform/list-filters.ts';
import { isoTime, num } from '../platform/rows.ts';
import type { SqlExecutor } from '../platform/sql-session.ts';

/**
 * Goods receipts and the supplier list (suppliers themselves are saved through the ORM, see
 * `supplier.entity.ts`). Every function runs in the caller's tenant transaction.
 */

type Summary = z.infer<typeof ReceiptSummary>;
export type Page<T> = { items: T[]; total: number };

export async function insertReceipt(
  em: SqlExecutor,
  receipt: {
    id: string;
    supplierId: string;
    warehouseId: string;
    documentType: number;
    folio: number;
    receivedBy: string | null;
  },
): Promise<void> {
  await em.execute(
    `insert into goods_receipt (id, tenant_id, supplier_id, warehouse_id, document_type, folio, received_by)
     values (?, current_tenant_id(), ?, ?, ?, ?, ?)`,
    [
      receipt.id,
      receipt.supplierId,
      receipt.warehouseId,
      String(receipt.documentType),
      receipt.folio,
      receipt.receivedBy,
    ],
  );
}

/** The receipt's lines, numbered from 1 in the given order. */
export async function insertReceiptLines(
  em: SqlExecutor,
  receiptId: string,
  lines: { productId: string; quantity: string; unitCost: string }[],
): Promise<void> {
  await em.execute(
    `insert into goods_receipt_line (tenant_id, receipt_id, line_no, product_id, quantity, unit_cost)
     select current_tenant_id(), ?, l.line_no, l.product_id, l.quantity, l.unit_cost
       from json_to_recordset(?::json) as l(line_no int, product_id uuid, quantity numeric, unit_cost numeric)`,
    [
      receiptId,
      JSON.stringify(
        lines.map((l, i) => ({
          line_no: i + 1,
          product_id: l.productId,
          quantity: l.quantity,
          unit_cost: l.unitCost,
        })),
      ),
    ],
  );
}

/** A summary as selected: numbers arrive as text and the time as a Date. */
type SummaryRow = Omit<Summary, 'documentType' | 'folio' | 'lineCount' | 'totalCost' | 'receivedAt'> & {
  documentType: string;
  folio: string;
  lineCount: string;
  totalCost: string;
  receivedAt: Date;
};

const SUMMARY_SELECT = `select r.id, r.supplier_id as "supplierId", sp.name as "supplierName", sp.rut as "supplierRut",
    r.warehouse_id as "warehouseId", w.name as "warehouseName", r.document_type as "documentType", r.folio,
    u.name as "receivedByName", r.created_at as "receivedAt",
    (select count(*) from goods_receipt_line l where l.receipt_id = r.id) as "lineCount",
    (select coalesce(sum(round(l.quantity * l.unit_cost)), 0) from goods_receipt_line l where l.receipt_id = r.id) as "totalCost"
  from goods_receipt r join supplier sp on sp.id = r.supplier_id join warehouse w on w.id = r.warehouse_id
  left join app_user u on u.id = r.received_by`;

function toSummary(row: SummaryRow): Summary {
  return {
    ...row,
    documentType: num(row.documentType) as Summary['documentType'],
    folio: num(row.folio),
    lineCount: num(row.lineCount),
    totalCost: num(row.totalCost),
    receivedAt: isoTime(row.receivedAt),
  };
}

/** Goods receipts, newest first, with their supplier, warehouse and net cost. */
export async function listReceipts(
  em: SqlExecutor,
  query: {
    from?: string | undefined;
    to?: string | undefined;
    supplierId?: string | undefined;
    warehouseId?: string | undefined;
    offset: number;
    limit: number;
  },
): Promise<Page<Summary>> {
  const filters = new Filters('r.tenant_id = current_tenant_id()')
    .days('r.created_at', query)
    .when(query.supplierId, 'r.supplier_id = ?')
    .when(query.warehouseId, 'r.warehouse_id = ?');
  const [counted] = await em.execute<{ n: string }[]>(
    `select count(*) as n from goods_receipt r ${filters.where}`,
    filters.params,
  );
  const rows = await em.execute<SummaryRow[]>(
    `${SUMMARY_SELECT} ${filters.where} order by r.created_at desc, r.id desc limit ? offset ?`,
    [...filters.params, query.limit, query.offset],
  );
  return { items: rows.map(toSummary), total: num(counted!.n) };
}

export async function receiptSummary(em: SqlExecutor, receiptId: string): Promise<Summary | undefined> {
  const [row] = await em.execute<SummaryRow[]>(`${SUMMARY_SELECT} where r.id = ?`, [receiptId]);
  return row && toSummary(row);
}

/** A receipt's lines at their net unit costs. */
type ReceiptLine = z.infer<typeof ReceiptDetail>['lines'][number];

export async function receiptLines(em: SqlExecutor, receiptId: string): Promise<ReceiptLine[]> {
  const lines = await em.execute<(Omit<ReceiptLine, 'lineCost'> & { lineCost: string })[]>(
    `select l.line_no as "lineNo", l.product_id as "productId", p.code, p.name, l.quantity::text as quantity,
            l.unit_cost::text as "unitCost", round(l.quantity * l.unit_cost) as "lineCost"
       from goods_receipt_line l join product p on p.id = l.product_id
      where l.receipt_id = ? order by l.line_no`,
    [receiptId],
  );
  return lines.map((line) => ({ ...line, lineCost: num(line.lineCost) }));
}

/** Suppliers by name with how many receipts each has; `search` matches the name or the RUT. */
export async function supplierPage(
  em: SqlExecutor,
  query: { search?: string | undefined; offset: number; limit: number },
): Promise<Page<z.infer<typeof SupplierView> & { receiptCount: number }>> {
  const filters = new Filters('s.tenant_id = current_tenant_id()');
  for (const word of query.search?.split(/\s+/).filter(Boolean) ?? []) {
    // RUTs are stored canonical (12345678-5): dots typed in the search do not matter.
    filters.add(`(s.name ilike '%' || ? || '%' or s.rut like '%' || replace(?, '.', '') || '%')`, word, word);
  }
  const [counted] = await em.execute<{ n: string }[]>(
    `select count(*) as n from supplier s ${filters.where}`,
    filters.params,
  );
  const rows = await em.execute<{ id: string; rut: string; name: string; giro: string; receipts: string }[]>(
    `select s.id, s.rut, s.name, s.giro,
            (select count(*) from goods_receipt r where r.supplier_id = s.id) as receipts
       from supplier s ${filters.where} order by s.name, s.rut limit ? offset ?`,
    [...filters.params, query.limit, query.offset],
  );
  return {
    total: num(counted!.n),
    items: rows.map((r) => ({
      id: r.id,
      rut: r.rut,
      name: r.name,
      giro: r.giro,
      receiptCount: num(r.receipts),
    })),
  };
}

/** How many receipts the supplier has, its row locked until commit; undefined when there is no such supplier. */
export async function lockSupplierReceiptCount(
  em: SqlExecutor,
  supplierId: string,
): Promise<number | undefined> {
  const [row] = await em.execute<{ receipts: string }[]>(
    'select (select count(*) from goods_receipt r where r.supplier_id = s.id) as receipts from supplier s where s.id = ? for update',
    [supplierId],
  );
  return row && num(row.receipts);
}

export async function deleteSupplierRow(em: SqlExecutor, supplierId: string): Promise<void> {
  await em.execute('delete from supplier where id = ?', [supplierId]);
}
