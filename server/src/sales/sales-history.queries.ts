import type { SaleSummary } from '@erp/shared';
import type { z } from 'zod';
import { camelView } from '../platform/rows.ts';

type Summary = z.infer<typeof SaleSummary>;

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
