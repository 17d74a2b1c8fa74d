import type { DteState, SaleDetail, SaleSummary } from '@erp/shared';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { AppError } from '../platform/app-error.ts';
import { Filters } from '../platform/list-filters.ts';

type Summary = z.infer<typeof SaleSummary>;
type Detail = z.infer<typeof SaleDetail>;
type Page<T> = { items: T[]; total: number };

export interface SaleListQuery {
  from?: string | undefined;
  to?: string | undefined;
  storeId?: string | undefined;
  cashierId?: string | undefined;
  docType?: number | undefined;
  folio?: number | undefined;
  kind?: 'sale' | 'return' | undefined;
  offset: number;
  limit: number;
}

const iso = (value: Date | string) => new Date(value).toISOString();

interface SummaryRow {
  id: string;
  kind: 'sale' | 'return';
  store_id: string;
  store_name: string;
  terminal_name: string;
  cashier_id: string;
  cashier_name: string | null;
  doc_type: number;
  folio: number;
  issued_at: Date;
  total: string;
  paid_cash: string;
  paid_card: string;
  returned_total: string;
}

const SUMMARY_COLUMNS = `s.id, s.kind, s.store_id, st.name as store_name, t.name as terminal_name, s.cashier_id,
  u.name as cashier_name, s.doc_type, s.folio, s.issued_at, s.total, s.paid_cash, s.paid_card,
  coalesce((select sum(r.total) from sale r where r.original_sale_id = s.id), 0) as returned_total`;

const SUMMARY_JOINS = `join store st on st.id = s.store_id join terminal t on t.id = s.terminal_id
  left join app_user u on u.id = s.cashier_id`;

function toSummary(row: SummaryRow): Summary {
  return {
    id: row.id,
    kind: row.kind,
    storeId: row.store_id,
    storeName: row.store_name,
    terminalName: row.terminal_name,
    cashierId: row.cashier_id,
    cashierName: row.cashier_name ?? '',
    docType: row.doc_type,
    folio: row.folio,
    issuedAt: iso(row.issued_at),
    total: Number(row.total),
    paidCash: Number(row.paid_cash),
    paidCard: Number(row.paid_card),
    returnedTotal: Number(row.returned_total),
  };
}

/** Sales and returns, newest first, one page and the count of all that match the filters. */
export async function listSales(em: EntityManager, query: SaleListQuery): Promise<Page<Summary>> {
  const filters = new Filters('s.tenant_id = current_tenant_id()')
    .days('s.issued_at', query)
    .when(query.storeId, 's.store_id = ?')
    .when(query.cashierId, 's.cashier_id = ?')
    .when(query.docType, 's.doc_type = ?')
    .when(query.folio, 's.folio = ?')
    .when(query.kind, 's.kind = ?');
  const [counted] = await em.execute<{ n: string }[]>(
    `select count(*) as n from sale s ${filters.where}`,
    filters.params,
  );
  const rows = await em.execute<SummaryRow[]>(
    `select ${SUMMARY_COLUMNS} from sale s ${SUMMARY_JOINS} ${filters.where}
      order by s.issued_at desc, s.id desc limit ? offset ?`,
    [...filters.params, query.limit, query.offset],
  );
  return { items: rows.map(toSummary), total: Number(counted!.n) };
}

/** A sale (or return) with its lines, payments, SII document, and what it credits or was credited by. */
export async function saleDetail(em: EntityManager, saleId: string): Promise<Detail> {
  const [row] = await em.execute<
    (SummaryRow & {
      net: string;
      iva: string;
      exempt: string;
      cash_rounding: number;
      change_given: string;
      customer_rut: string | null;
      razon_social: string | null;
      authorized_by_name: string | null;
      original_id: string | null;
      original_doc_type: number | null;
      original_folio: number | null;
    })[]
  >(
    `select ${SUMMARY_COLUMNS}, s.net, s.iva, s.exempt, s.cash_rounding, s.change_given,
            c.rut as customer_rut, c.razon_social, a.name as authorized_by_name,
            o.id as original_id, o.doc_type as original_doc_type, o.folio as original_folio
       from sale s ${SUMMARY_JOINS}
       left join customer c on c.id = s.customer_id
       left join app_user a on a.id = s.authorized_by
       left join sale o on o.id = s.original_sale_id
      where s.id = ?`,
    [saleId],
  );
  if (!row) throw AppError.notFound('la venta');
  const lines = await em.execute<
    {
      line_no: number;
      product_id: string;
      code: string;
      name: string;
      quantity: string;
      unit_price: string;
      discount: string;
      amount: string;
      exempt: boolean;
    }[]
  >(
    `select l.line_no, l.product_id, p.code, l.name, l.quantity::text as quantity, l.unit_price, l.discount,
            l.amount, l.exempt
       from sale_line l join product p on p.id = l.product_id
      where l.sale_id = ? order by l.line_no`,
    [saleId],
  );
  const payments = await em.execute<
    {
      method: 'cash' | 'card';
      amount: string;
      tendered: string | null;
      change: string | null;
      authorization_code: string | null;
    }[]
  >(
    'select method, amount, tendered, change, authorization_code from sale_payment where sale_id = ? order by seq',
    [saleId],
  );
  const [document] = await em.execute<
    {
      id: string;
      doc_type: number;
      folio: number;
      issued_at: Date;
      total: string;
      state: DteState;
      track_id: string | null;
      sii_detail: string | null;
      updated_at: Date;
    }[]
  >(
    `select id, doc_type, folio, issued_at, total, state, track_id, sii_detail, updated_at
       from dte_document where sale_id = ?`,
    [saleId],
  );
  const returns = await em.execute<
    { id: string; doc_type: number; folio: number; issued_at: Date; total: string }[]
  >(
    `select id, doc_type, folio, issued_at, total from sale
      where original_sale_id = ? order by issued_at, id`,
    [saleId],
  );
  const optionalNumber = (value: string | null) => (value === null ? null : Number(value));
  return {
    ...toSummary(row),
    net: Number(row.net),
    iva: Number(row.iva),
    exempt: Number(row.exempt),
    cashRounding: row.cash_rounding,
    change: Number(row.change_given),
    customer: row.customer_rut ? { rut: row.customer_rut, razonSocial: row.razon_social ?? '' } : null,
    authorizedByName: row.authorized_by_name,
    lines: lines.map((l) => ({
      lineNo: l.line_no,
      productId: l.product_id,
      code: l.code,
      name: l.name,
      quantity: l.quantity,
      unitPrice: Number(l.unit_price),
      discount: Number(l.discount),
      amount: Number(l.amount),
      exempt: l.exempt,
    })),
    payments: payments.map((p) => ({
      method: p.method,
      amount: Number(p.amount),
      tendered: optionalNumber(p.tendered),
      change: optionalNumber(p.change),
      authorizationCode: p.authorization_code,
    })),
    document: document
      ? {
          id: document.id,
          saleId,
          docType: document.doc_type,
          folio: document.folio,
          issuedAt: iso(document.issued_at),
          total: Number(document.total),
          state: document.state,
          trackId: document.track_id,
          siiDetail: document.sii_detail,
          updatedAt: iso(document.updated_at),
        }
      : null,
    original:
      row.original_id && row.original_doc_type !== null && row.original_folio !== null
        ? { id: row.original_id, docType: row.original_doc_type, folio: row.original_folio }
        : null,
    returns: returns.map((r) => ({
      id: r.id,
      docType: r.doc_type,
      folio: r.folio,
      issuedAt: iso(r.issued_at),
      total: Number(r.total),
    })),
  };
}
