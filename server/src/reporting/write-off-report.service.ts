import { WRITE_OFF_REASONS, type WriteOffReport } from '@erp/shared';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { readWriteOffReport, type WriteOffReportQuery } from './write-off-report.queries.ts';

export type WriteOffReportData = z.infer<typeof WriteOffReport>;

/**
 * The mermas of a period by product (one page, or every row when `page` is null, for the CSV),
 * every reason's total (also those at zero) and the grand total, all from one statement.
 */
export async function writeOffReport(
  em: EntityManager,
  query: WriteOffReportQuery,
  page: { offset: number; limit: number } | null,
): Promise<WriteOffReportData> {
  const result = await readWriteOffReport(em, query, page);
  const reasons = new Map((result.reasons ?? []).map((r) => [r.reason, r]));
  return {
    items: (result.rows ?? []).map((row) => ({
      productId: row.product_id,
      code: row.code,
      name: row.name,
      unit: row.unit,
      quantity: row.quantity,
      count: row.count,
      byReason: row.by_reason,
      value: row.value,
    })),
    total: Number(result.row_count),
    reasons: WRITE_OFF_REASONS.map((reason) => ({
      reason,
      count: reasons.get(reason)?.count ?? 0,
      value: reasons.get(reason)?.value ?? 0,
    })),
    totals: result.totals,
  };
}
