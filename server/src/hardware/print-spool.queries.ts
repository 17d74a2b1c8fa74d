import type { PrintJobView, SpoolJobState } from '@erp/shared';
import { camelView } from '../platform/rows.ts';

/** SQL shared by the print spool's statements, and its rows as the POS sees them. */

export const RANK_SQL = `(case state when 'pending' then 0 when 'received' then 1 when 'sending' then 2
  when 'expired' then 3 else 4 end)`;

/** A job as the POS sees it (PrintJobView), for `select` and `returning`. */
export const VIEW_COLUMNS = `id, sale_id, terminal_id, (document->>'documentType')::int as document_type,
  (document->>'folio')::int as folio, is_copy, state, printer_id, created_at, expires_at, resolved_at`;

export interface ViewRow {
  id: string;
  sale_id: string;
  terminal_id: string | null;
  document_type: number | null;
  folio: number | null;
  is_copy: boolean;
  state: SpoolJobState;
  printer_id: string | null;
  created_at: Date | string;
  expires_at: Date | string;
  resolved_at: Date | string | null;
}

export function toView({ id, ...row }: ViewRow): PrintJobView {
  return { jobId: id, ...camelView(row, { dates: ['created_at', 'expires_at', 'resolved_at'] }) };
}
