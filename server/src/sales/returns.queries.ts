import type { AdditionalTaxCode, Discount, ReturnableSale, SaleReference } from '@erp/shared';
import type { z } from 'zod';
import { camelView } from '../platform/rows.ts';
import type { SqlExecutor } from '../platform/sql-session.ts';

/** What a return reads of the sale it credits. Every function runs in the caller's tenant transaction. */

export interface OriginalSale {
  id: string;
  store_id: string;
  doc_type: number;
  folio: number;
  issue_date: string;
  issued_at: Date;
  total: string;
  paid_cash: string;
  paid_card: string;
  /** What the ticket discount took off (IVA included), and how it was given. */
  discount: string;
  discount_detail: Discount | null;
  customer_rut: string | null;
  razon_social: string | null;
  giro: string | null;
  address: string | null;
  comuna: string | null;
  email: string | null;
  phone: string | null;
}

export interface OriginalLine {
  line_no: number;
  product_id: string;
  name: string;
  quantity: string;
  unit_price: string;
  list_price: string;
  discount: string;
  discount_detail: Discount | null;
  amount: string;
  exempt: boolean;
  additional_tax: AdditionalTaxCode | null;
  unit: string;
  code: string;
  weighable: boolean;
  returned: string;
}

/**
 * The sale (never a return) by id or by document type and folio, with its customer. With
 * `lock`, its row stays locked until the transaction ends: returns of one sale then run one
 * after the other, each seeing what the ones before it took back.
 */
export async function originalSale(
  em: SqlExecutor,
  original: z.infer<typeof SaleReference>,
  { lock = false } = {},
): Promise<OriginalSale | undefined> {
  const [sale] = await em.execute<OriginalSale[]>(
    `select s.id, s.store_id, s.doc_type, s.folio, to_char(s.issue_date, 'YYYY-MM-DD') as issue_date,
            s.issued_at, s.total, s.paid_cash, s.paid_card, s.discount, s.discount_detail,
            c.rut as customer_rut, c.razon_social, c.giro, c.address, c.comuna, c.email, c.phone
       from sale s left join customer c on c.id = s.customer_id
      where s.kind = 'sale' and ${'saleId' in original ? 's.id = ?' : 's.doc_type = ? and s.folio = ?'}
      ${lock ? 'for update of s' : ''}`,
    'saleId' in original ? [original.saleId] : [original.docType, original.folio],
  );
  return sale;
}

/** The lines of a sale with the quantity each earlier return took back. */
export function originalLines(em: SqlExecutor, saleId: string): Promise<OriginalLine[]> {
  return em.execute<OriginalLine[]>(
    `select l.line_no, l.product_id, l.name, l.quantity, l.unit_price, l.list_price, l.discount, l.discount_detail,
            l.amount, l.exempt, l.additional_tax,
            p.unit, p.code, p.weighable,
            coalesce((select sum(r.quantity) from sale_line r join sale rs on rs.id = r.sale_id
                       where rs.original_sale_id = l.sale_id and r.original_line_no = l.line_no), 0) as returned
       from sale_line l join product p on p.id = l.product_id
      where l.sale_id = ? order by l.line_no`,
    [saleId],
  );
}

/** The notas de crédito already issued against a sale, oldest first. */
export async function creditNotesOf(
  em: SqlExecutor,
  saleId: string,
): Promise<z.infer<typeof ReturnableSale>['creditNotes']> {
  const notes = await em.execute<{ folio: number; total: string; issued_at: Date }[]>(
    `select folio, total, issued_at from sale where original_sale_id = ? and kind = 'return' order by issued_at, folio`,
    [saleId],
  );
  return notes.map((n) => camelView(n, { numbers: ['total'], dates: ['issued_at'] }));
}

/**
 * What the notas de crédito of a sale credited so far and what their refunds gave back per
 * method (a return stores its refunds as negative payments).
 */
export async function creditedSoFar(
  em: SqlExecutor,
  saleId: string,
): Promise<{ total: number; cash: number; card: number }> {
  const [row] = await em.execute<{ total: string; cash: string; card: string }[]>(
    `select coalesce(sum(total), 0) as total, coalesce(-sum(paid_cash), 0) as cash, coalesce(-sum(paid_card), 0) as card
       from sale where original_sale_id = ? and kind = 'return'`,
    [saleId],
  );
  return { total: Number(row!.total), cash: Number(row!.cash), card: Number(row!.card) };
}
