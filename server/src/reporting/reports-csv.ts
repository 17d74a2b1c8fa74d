import type { SalesReportKind } from '@erp/shared';
import { type CsvCell, decimalComma, excelCsv } from './excel-csv.ts';
import type { SalesReportQuery } from './reports.queries.ts';
import type { SalesReportData } from './reports.service.ts';

type Row = SalesReportData['items'][number];
type Figures = SalesReportData['totals'];

const FIRST_COLUMN: Record<SalesReportKind, string> = {
  day: 'Fecha',
  product: 'Producto',
  category: 'Categoría',
  cashier: 'Cajero',
  payment: 'Medio de pago',
  store: 'Sucursal',
};

const FILE_NAME: Record<SalesReportKind, string> = {
  day: 'ventas-por-dia',
  product: 'ventas-por-producto',
  category: 'ventas-por-categoria',
  cashier: 'ventas-por-cajero',
  payment: 'ventas-por-medio-de-pago',
  store: 'ventas-por-sucursal',
};

const METHODS: Record<string, string> = { cash: 'Efectivo', card: 'Tarjeta' };

/** Margin over net with one decimal, decimal comma; empty without net sales. */
function marginPercent(figures: Figures): CsvCell {
  if (!figures.net || figures.margin === null) return null;
  return decimalComma((Math.round((figures.margin * 1000) / figures.net) / 10).toFixed(1));
}

/**
 * The report as the back office's CSV: a header, one line per row, and a total line. Amounts are
 * whole pesos without thousands separators, so Excel sums them.
 */
export function salesReportCsv(query: SalesReportQuery, report: SalesReportData) {
  const { report: kind } = query;
  const header: CsvCell[] =
    kind === 'payment'
      ? [FIRST_COLUMN.payment, 'Ventas', 'Devoluciones', 'Monto']
      : [
          ...(kind === 'product' ? ['Código'] : []),
          FIRST_COLUMN[kind],
          ...(kind === 'product' ? ['Cantidad'] : []),
          'Ventas',
          'Devoluciones',
          'Total con IVA',
          'Neto',
          'Costo PPP',
          'Margen',
          'Margen %',
        ];
  const line = (label: string, detail: string | null, figures: Figures, isTotal = false): CsvCell[] =>
    kind === 'payment'
      ? [label, figures.tickets, figures.returns, figures.total]
      : [
          ...(kind === 'product' ? [isTotal ? null : detail] : []),
          label,
          ...(kind === 'product' ? [figures.quantity === null ? null : decimalComma(figures.quantity)] : []),
          figures.tickets,
          figures.returns,
          figures.total,
          figures.net,
          figures.cost,
          figures.margin,
          marginPercent(figures),
        ];
  const rows = report.items.map((row: Row) =>
    line(kind === 'payment' ? (METHODS[row.label] ?? row.label) : row.label, row.detail, row),
  );
  return {
    filename: `${FILE_NAME[kind]}_${query.from}_${query.to}.csv`,
    csv: excelCsv([header, ...rows, line('Total', null, report.totals, true)]),
    rows: rows.length,
  };
}
