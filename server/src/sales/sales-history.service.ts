import type { SaleDetail, SaleSummary } from '@erp/shared';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { AppError } from '../platform/app-error.ts';
import { Filters } from '../platform/list-filters.ts';
import { type Page, readPage } from '../platform/list-page.ts';
import { camelView } from '../platform/rows.ts';
import { documentOfSale } from '../sii/index.ts';
import {
  SALE_LIST,
  SUMMARY_COLUMNS,
  SUMMARY_JOINS,
  type SummaryRow,
  toSummary,
} from './sales-history.queries.ts';

type Summary = z.infer<typeof SaleSummary>;
type Detail = z.infer<typeof SaleDetail>;

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

/** Sales and returns, newest first, one page and the count of all that match the filters. */
export function listSales(em: EntityManager, query: SaleListQuery): Promise<Page<Summary>> {
  const filters = new Filters('s.tenant_id = current_tenant_id()')
    .days('s.issued_at', query)
    .when(query.storeId, 's.store_id = ?')
    .when(query.cashierId, 's.cashier_id = ?')
    .when(query.docType, 's.doc_type = ?')
    .when(query.folio, 's.folio = ?')
    .when(query.kind, 's.kind = ?');
  return readPage(em, filters, SALE_LIST, query, toSummary);
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
  const document = await documentOfSale(em, saleId);
  const returns = await em.execute<
    { id: string; doc_type: number; folio: number; issued_at: Date; total: string }[]
  >(
    `select id, doc_type, folio, issued_at, total from sale
      where original_sale_id = ? order by issued_at, id`,
    [saleId],
  );
  const {
    net,
    iva,
    exempt,
    cash_rounding,
    change_given,
    customer_rut,
    razon_social,
    authorized_by_name,
    original_id,
    original_doc_type,
    original_folio,
    ...summary
  } = row;
  return {
    ...toSummary(summary),
    net: Number(net),
    iva: Number(iva),
    exempt: Number(exempt),
    cashRounding: cash_rounding,
    change: Number(change_given),
    customer: customer_rut ? { rut: customer_rut, razonSocial: razon_social ?? '' } : null,
    authorizedByName: authorized_by_name,
    lines: lines.map((l) => camelView(l, { numbers: ['unit_price', 'discount', 'amount'] })),
    payments: payments.map((p) => camelView(p, { numbers: ['amount', 'tendered', 'change'] })),
    document,
    original:
      original_id && original_doc_type !== null && original_folio !== null
        ? { id: original_id, docType: original_doc_type, folio: original_folio }
        : null,
    returns: returns.map((r) => camelView(r, { numbers: ['total'], dates: ['issued_at'] })),
  };
}
