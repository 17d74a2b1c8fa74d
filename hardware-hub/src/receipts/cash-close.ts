import { formatClp, type PrintDocument } from '@erp/shared';
import { DTE_TYPE_NAMES } from '@erp/shared/dte/document';
import { formatDateTime, PAYMENT_LABELS } from './format.ts';
import { ReceiptLayout } from './layout.ts';
import type { Receipt } from './receipt.ts';
import type { RenderOptions } from './tax-document.ts';

type CashCloseDocument = Extract<PrintDocument, { kind: 'cash_close' }>;

/** The X (mid-shift reading) or Z (closing) report of a cash session. */
export function renderCashClose(doc: CashCloseDocument, options: RenderOptions): Receipt {
  const out = new ReceiptLayout(options.columns);
  const title = doc.report === 'X' ? 'INFORME X' : 'CIERRE DE CAJA Z';
  out.center(doc.reportNumber ? `${title} N° ${doc.reportNumber}` : title, {
    bold: true,
    width: 2,
    height: 2,
  });
  if (options.isCopy) out.center('*** COPIA ***', { bold: true });
  out.center(doc.storeName);
  out.rule();
  out.text(`Caja: ${doc.terminal}`);
  out.text(`Cajero(a): ${doc.cashier}`);
  out.text(`Apertura: ${formatDateTime(doc.openedAt, options.timeZone)}`);
  out.text(`${doc.report === 'X' ? 'Corte' : 'Cierre'}: ${formatDateTime(doc.closedAt, options.timeZone)}`);
  out.rule();
  out.pair('Fondo inicial', formatClp(doc.openingFloat));
  out.pair(`Ventas (${doc.salesCount})`, '');
  for (const line of doc.salesByMethod) {
    const count = line.count === undefined ? '' : ` (${line.count})`;
    out.pair(`  ${PAYMENT_LABELS[line.method]}${count}`, formatClp(line.amount));
  }
  out.pair('Ingresos de efectivo', formatClp(doc.cashIn));
  out.pair('Retiros de efectivo', formatClp(-doc.cashOut));
  out.rule();
  if (doc.expectedCash !== undefined)
    out.pair('Efectivo esperado', formatClp(doc.expectedCash), { bold: true });
  if (doc.countedCash !== undefined) {
    out.pair('Efectivo contado', formatClp(doc.countedCash), { bold: doc.expectedCash === undefined });
    if (doc.expectedCash !== undefined)
      out.pair('Diferencia', formatClp(doc.countedCash - doc.expectedCash), { bold: true });
  }
  if (doc.documents.length > 0) {
    out.rule();
    out.text('Documentos emitidos', { bold: true });
    for (const summary of doc.documents) {
      out.text(DTE_TYPE_NAMES[summary.documentType]);
      const range = summary.firstFolio
        ? `  N° ${summary.firstFolio} a ${summary.lastFolio ?? summary.firstFolio}`
        : '';
      out.pair(`  ${summary.count} doc.${range}`, formatClp(summary.total));
    }
  }
  out.feed(2);
  out.center('______________________________');
  out.center('Firma cajero(a)');
  return out.build();
}
