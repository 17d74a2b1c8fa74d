import { WRITE_OFF_REASON_LABELS, WRITE_OFF_REASONS } from '@erp/shared';
import { type CsvCell, decimalComma, excelCsv } from './excel-csv.ts';
import type { WriteOffReportQuery } from './write-off-report.queries.ts';
import type { WriteOffReportData } from './write-off-report.service.ts';

/**
 * The mermas report as the back office's CSV: one line per product with its value per reason
 * and in total, then a total line whose reason columns are the reasons' totals, so the sheet
 * adds up both ways to the grand total.
 */
export function writeOffReportCsv(query: WriteOffReportQuery, report: WriteOffReportData) {
  const header: CsvCell[] = [
    'Código',
    'Producto',
    'Unidad',
    'Cantidad',
    'Mermas',
    ...WRITE_OFF_REASONS.map((r) => WRITE_OFF_REASON_LABELS[r]),
    'Total $',
  ];
  const rows: CsvCell[][] = report.items.map((row) => [
    row.code,
    row.name,
    row.unit,
    decimalComma(row.quantity),
    row.count,
    ...WRITE_OFF_REASONS.map((r) => row.byReason[r]),
    row.value,
  ]);
  const total: CsvCell[] = [
    null,
    'Total',
    null,
    null,
    report.totals.count,
    ...report.reasons.map((r) => r.value),
    report.totals.value,
  ];
  return {
    filename: `mermas_${query.from}_${query.to}.csv`,
    csv: excelCsv([header, ...rows, total]),
    rows: rows.length,
  };
}
