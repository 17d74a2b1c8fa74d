import {
  type Discount,
  discountLabel,
  type LinePromotion,
  type SaleDetail,
  type SaleSummary,
} from '@erp/shared';
import type { z } from 'zod';
import { camelView } from '../platform/rows.ts';
import type { SqlExecutor } from '../platform/sql-session.ts';

type Summary = z.infer<typeof SaleSummary>;
type Detail = z.infer<typeof SaleDetail>;

export interface SummaryRow {
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

export const SUMMARY_COLUMNS = `s.id, s.kind, s.store_id, st.name as store_name, t.name as terminal_name, s.cashier_id,
  u.name as cashier_name, s.doc_type, s.folio, s.issued_at, s.total, s.paid_cash, s.paid_card,
  coalesce((select sum(r.total) from sale r where r.original_sale_id = s.id), 0) as returned_total`;

export const SUMMARY_JOINS = `join store st on st.id = s.store_id join terminal t on t.id = s.terminal_id
  left join app_user u on u.id = s.cashier_id`;

/** The list's page: sales and returns, newest first. */
export const SALE_LIST = {
  from: 'sale s',
  select: `select ${SUMMARY_COLUMNS} from sale s ${SUMMARY_JOINS}`,
  orderBy: 's.issued_at desc, s.id desc',
};

export function toSummary(row: SummaryRow): Summary {
  return {
    ...camelView(row, {
      numbers: ['total', 'paid_cash', 'paid_card', 'returned_total'],
      dates: ['issued_at'],
    }),
    cashierName: row.cashier_name ?? '',
  };
}

/** A sale's summary row with its amounts, customer, authorizer and the sale it credits, if any. */
export interface DetailRow extends SummaryRow {
  discount: string;
  discount_detail: Discount | null;
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
}

export async function saleDetailRow(em: SqlExecutor, saleId: string): Promise<DetailRow | undefined> {
  const [row] = await em.execute<DetailRow[]>(
    `select ${SUMMARY_COLUMNS}, s.discount, s.discount_detail, s.net, s.iva, s.exempt, s.cash_rounding, s.change_given,
            c.rut as customer_rut, c.razon_social, a.name as authorized_by_name,
            o.id as original_id, o.doc_type as original_doc_type, o.folio as original_folio
       from sale s ${SUMMARY_JOINS}
       left join customer c on c.id = s.customer_id
       left join app_user a on a.id = s.authorized_by
       left join sale o on o.id = s.original_sale_id
      where s.id = ?`,
    [saleId],
  );
  return row;
}

export async function saleLines(em: SqlExecutor, saleId: string): Promise<Detail['lines']> {
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
      discount_detail: Discount | null;
      promotions: LinePromotion[] | null;
    }[]
  >(
    `select l.line_no, l.product_id, p.code, l.name, l.quantity::text as quantity, l.unit_price, l.discount,
            l.amount, l.exempt, l.discount_detail, l.promotions
       from sale_line l join product p on p.id = l.product_id
      where l.sale_id = ? order by l.line_no`,
    [saleId],
  );
  return lines.map(({ discount_detail, promotions, ...l }) => ({
    ...camelView(l, { numbers: ['unit_price', 'discount', 'amount'] }),
    // A line takes part in promotions only without a discount of its own: one or the other.
    discounts: discount_detail
      ? [{ label: discountLabel(discount_detail), amount: Number(l.discount) }]
      : (promotions ?? []).map((p) => ({ label: `Promo ${p.name}`, amount: p.amount })),
  }));
}

export async function salePayments(em: SqlExecutor, saleId: string): Promise<Detail['payments']> {
  const payments = await em.execute<
    {
      method: 'cash' | 'card' | 'fiado';
      amount: string;
      tendered: string | null;
      change: string | null;
      authorization_code: string | null;
    }[]
  >(
    'select method, amount, tendered, change, authorization_code from sale_payment where sale_id = ? order by seq',
    [saleId],
  );
  return payments.map((p) => camelView(p, { numbers: ['amount', 'tendered', 'change'] }));
}

/** The returns that credit a sale, oldest first. */
export async function returnsOfSale(em: SqlExecutor, saleId: string): Promise<Detail['returns']> {
  const returns = await em.execute<
    { id: string; doc_type: number; folio: number; issued_at: Date; total: string }[]
  >(
    `select id, doc_type, folio, issued_at, total from sale
      where original_sale_id = ? order by issued_at, id`,
    [saleId],
  );
  return returns.map((r) => camelView(r, { numbers: ['total'], dates: ['issued_at'] }));
}
