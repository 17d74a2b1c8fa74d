import type { SaleDetail, SaleSummary } from '@erp/shared';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { AppError } from '../platform/app-error.ts';
import { Filters } from '../platform/list-filters.ts';
import { type Page, readPage } from '../platform/list-page.ts';
import { documentOfSale } from '../sii/index.ts';
import { ticketDiscountText } from './sale-discounts.ts';
import {
  returnsOfSale,
  SALE_LIST,
  saleDetailRow,
  saleLines,
  salePayments,
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
  const row = await saleDetailRow(em, saleId);
  if (!row) throw AppError.notFound('la venta');
  const lines = await saleLines(em, saleId);
  const payments = await salePayments(em, saleId);
  const document = await documentOfSale(em, saleId);
  const returns = await returnsOfSale(em, saleId);
  const {
    discount,
    discount_detail,
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
    lines,
    ticketDiscount: discount_detail
      ? { label: ticketDiscountText(discount_detail), amount: Number(discount) }
      : null,
    payments,
    document,
    original:
      original_id && original_doc_type !== null && original_folio !== null
        ? { id: original_id, docType: original_doc_type, folio: original_folio }
        : null,
    returns,
  };
}
