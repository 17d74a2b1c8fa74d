import type { PrintJob } from '@erp/shared';
import { renderAccountPayment } from './account-payment.ts';
import { renderCashClose } from './cash-close.ts';
import { formatDateTime } from './format.ts';
import type { Receipt } from './receipt.ts';
import { renderTaxDocument } from './tax-document.ts';
import { renderTestPage } from './test-page.ts';

export interface PrinterDescription {
  name: string;
  connection: string;
  codePage: string;
  pdf417: 'native' | 'raster';
  paperWidthMm: 58 | 80;
  columns: number;
}

/** Lays out a print job's document for one printer; only the test page depends on `now`. */
export function renderJob(job: PrintJob, printer: PrinterDescription, timeZone: string, now: Date): Receipt {
  const options = { columns: printer.columns, timeZone, isCopy: job.isCopy };
  const doc = job.document;
  switch (doc.kind) {
    case 'boleta':
    case 'factura':
    case 'credit_note':
      return renderTaxDocument(doc, options);
    case 'cash_close':
      return renderCashClose(doc, options);
    case 'account_payment':
      return renderAccountPayment(doc, options);
    case 'test_page':
      return renderTestPage({
        ...printer,
        pdf417Mode: printer.pdf417,
        printerName: printer.name,
        printedAt: formatDateTime(now.toISOString(), timeZone),
      });
  }
}
