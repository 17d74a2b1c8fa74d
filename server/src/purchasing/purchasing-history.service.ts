import type { ReceiptDetail, ReceiptSummary, SupplierView } from '@erp/shared';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { AppError } from '../platform/app-error.ts';
import { Filters } from '../platform/list-filters.ts';
import type { Page } from '../platform/list-page.ts';

type Summary = z.infer<typeof ReceiptSummary>;

interface SummaryRow {
  id: string;
  supplier_id: string;
  supplier_name: string;
  supplier_rut: string;
  warehouse_id: string;
  warehouse_name: string;
  document_type: string;
  folio: string;
  line_count: string;
  total_cost: string;
  received_by_name: string | null;
  created_at: Date;
}

const SUMMARY_SELECT = `select r.id, r.supplier_id, sp.name as supplier_name, sp.rut as supplier_rut, r.warehouse_id,
    w.name as warehouse_name, r.document_type, r.folio, u.name as received_by_name, r.created_at,
    (select count(*) from goods_receipt_line l where l.receipt_id = r.id) as line_count,
    (select coalesce(sum(round(l.quantity * l.unit_cost)), 0) from goods_receipt_line l where l.receipt_id = r.id) as total_cost
  from goods_receipt r join supplier sp on sp.id = r.supplier_id join warehouse w on w.id = r.warehouse_id
  left join app_user u on u.id = r.received_by`;

function toSummary(row: SummaryRow): Summary {
  return {
    id: row.id,
    supplierId: row.supplier_id,
    supplierName: row.supplier_name,
    supplierRut: row.supplier_rut,
    warehouseId: row.warehouse_id,
    warehouseName: row.warehouse_name,
    documentType: Number(row.document_type) as Summary['documentType'],
    folio: Number(row.folio),
    lineCount: Number(row.line_count),
    totalCost: Number(row.total_cost),
    receivedByName: row.received_by_name,
    receivedAt: new Date(row.created_at).toISOString(),
  };
}

/** Goods receipts, newest first, with their supplier, warehouse and net cost. */
export async function listReceipts(
  em: EntityManager,
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
  return { items: rows.map(toSummary), total: Number(counted!.n) };
}

/** One receipt with its lines at their net unit costs. */
export async function receiptDetail(
  em: EntityManager,
  receiptId: string,
): Promise<z.infer<typeof ReceiptDetail>> {
  const [row] = await em.execute<SummaryRow[]>(`${SUMMARY_SELECT} where r.id = ?`, [receiptId]);
  if (!row) throw AppError.notFound('la recepción');
  const lines = await em.execute<
    {
      line_no: number;
      product_id: string;
      code: string;
      name: string;
      quantity: string;
      unit_cost: string;
      line_cost: string;
    }[]
  >(
    `select l.line_no, l.product_id, p.code, p.name, l.quantity::text as quantity, l.unit_cost::text as unit_cost,
            round(l.quantity * l.unit_cost) as line_cost
       from goods_receipt_line l join product p on p.id = l.product_id
      where l.receipt_id = ? order by l.line_no`,
    [receiptId],
  );
  return {
    ...toSummary(row),
    lines: lines.map((l) => ({
      lineNo: l.line_no,
      productId: l.product_id,
      code: l.code,
      name: l.name,
      quantity: l.quantity,
      unitCost: l.unit_cost,
      lineCost: Number(l.line_cost),
    })),
  };
}

/** Suppliers by name with how many receipts each has; `search` matches the name or the RUT. */
export async function supplierPage(
  em: EntityManager,
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
    total: Number(counted!.n),
    items: rows.map((r) => ({
      id: r.id,
      rut: r.rut,
      name: r.name,
      giro: r.giro,
      receiptCount: Number(r.receipts),
    })),
  };
}

/** Deletes a supplier that has no receipts; a supplier with receipts stays with them. */
export async function deleteSupplier(em: EntityManager, supplierId: string): Promise<{ id: string }> {
  const [row] = await em.execute<{ receipts: string }[]>(
    'select (select count(*) from goods_receipt r where r.supplier_id = s.id) as receipts from supplier s where s.id = ? for update',
    [supplierId],
  );
  if (!row) throw AppError.notFound('el proveedor');
  if (Number(row.receipts) > 0) {
    throw new AppError('CONFLICT', 'El proveedor tiene recepciones registradas: no se puede eliminar.');
  }
  await em.execute('delete from supplier where id = ?', [supplierId]);
  return { id: supplierId };
}
