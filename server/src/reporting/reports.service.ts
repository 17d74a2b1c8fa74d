import type { SalesFigures, SalesReport } from '@erp/shared';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { type FigureRow, readSalesReport, type SalesReportQuery } from './reports.queries.ts';

export type SalesReportData = z.infer<typeof SalesReport>;
type Figures = z.infer<typeof SalesFigures>;

function figures(row: FigureRow): Figures {
  const net = row.net === null ? null : Number(row.net);
  const cost = row.cost === null ? null : Number(row.cost);
  return {
    tickets: Number(row.tickets),
    returns: Number(row.returns),
    quantity: row.quantity,
    total: Number(row.total),
    net,
    cost,
    margin: net === null || cost === null ? null : net - cost,
  };
}

/**
 * One sales report of a period (Chile days, both included), optionally one store's: one page of
 * its rows (all of them when `page` is null, for the CSV) and the period's totals, in one
 * statement that reads the period's documents once. Every report but the payment one has the
 * same totals: rows are shares of documents, so they add up to the documents exactly.
 */
export async function salesReport(
  em: EntityManager,
  query: SalesReportQuery,
  page: { offset: number; limit: number } | null,
): Promise<SalesReportData> {
  const result = await readSalesReport(em, query, page);
  const payment = query.report === 'payment';
  const totals = result.totals;
  return {
    items: (result.rows ?? []).map((row) => ({
      key: row.key,
      label: row.label,
      detail: row.detail,
      ...figures(row),
    })),
    total: Number(result.row_count),
    totals: payment
      ? figures({ ...totals, quantity: null, total: totals.collected, net: null, cost: null })
      : figures({ ...totals, quantity: null }),
  };
}
