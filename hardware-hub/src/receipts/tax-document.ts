import { ANONYMOUS_CONSUMER_RUT, formatClp, formatRut, type PrintDocument } from '@erp/shared';
import { DTE_TYPE_NAMES } from '@erp/shared/dte/document';
import { formatDate, formatDateTime, formatQuantity, PAYMENT_LABELS } from './format.ts';
import { ReceiptLayout } from './layout.ts';
import type { Receipt } from './receipt.ts';

type TaxDocument = Extract<PrintDocument, { kind: 'boleta' | 'credit_note' }>;

export interface RenderOptions {
  columns: number;
  timeZone: string;
  isCopy: boolean;
}

/**
 * A boleta or nota de crédito on thermal paper, with what docs/sii-rules.md#printed-document requires:
 * issuer, the RUT / document name / folio box, SII office, date, detail, totals with IVA apart, payments,
 * the timbre with its legend, and "COPIA" on every reprint.
 */
export function renderTaxDocument(doc: TaxDocument, options: RenderOptions): Receipt {
  const out = new ReceiptLayout(options.columns);
  issuerBlock(out, doc);
  out.feed();
  if (options.isCopy) copyBanner(out);
  out.text(`Fecha: ${formatDateTime(doc.issuedAt, options.timeZone)}`);
  if (doc.terminal) out.text(`Caja: ${doc.terminal}`);
  if (doc.cashier) out.text(`Cajero(a): ${doc.cashier}`);
  customerBlock(out, doc);
  if (doc.kind === 'credit_note') {
    const ref = doc.reference;
    out.rule();
    out.text(`Referencia: ${DTE_TYPE_NAMES[ref.documentType]} N° ${ref.folio} del ${formatDate(ref.date)}`);
    out.text(`Motivo: ${ref.reason}`);
  }
  out.rule();
  for (const line of doc.lines) {
    out.text(line.description);
    out.pair(
      `  ${formatQuantity(line.quantity, line.unit)} x ${formatClp(line.unitPrice)}`,
      formatClp(line.amount + line.discount),
    );
    if (line.discount > 0) {
      out.pair(
        line.discountLabel ? `  Desc. ${line.discountLabel}` : '  Descuento',
        formatClp(-line.discount),
      );
    }
  }
  out.rule();
  for (const discount of doc.discounts) out.pair(discount.label, formatClp(-discount.amount));
  if (doc.discounts.length > 0) out.rule();
  totalsBlock(out, doc);
  if (doc.kind === 'boleta' && doc.payments.length > 0) {
    out.rule();
    for (const payment of doc.payments) out.pair(PAYMENT_LABELS[payment.method], formatClp(payment.amount));
    out.pair('Vuelto', formatClp(doc.change));
  }
  out.feed();
  timbreBlock(out, doc);
  for (const footer of doc.footer) out.center(footer);
  if (options.isCopy) copyBanner(out);
  return out.build();
}

function issuerBlock(out: ReceiptLayout, doc: TaxDocument): void {
  const { issuer } = doc;
  out.center(issuer.businessName, { bold: true });
  out.center(`Giro: ${issuer.activity}`);
  out.center(`${issuer.address}, ${issuer.comuna}`);
  if (issuer.branch) out.center(`Sucursal: ${issuer.branch}`);
  out.rule('=');
  out.center(`R.U.T.: ${formatRut(issuer.rut)}`, { bold: true });
  out.center(DTE_TYPE_NAMES[doc.documentType], { bold: true });
  out.center(`N° ${doc.folio}`, { bold: true, width: 2, height: 2 });
  out.rule('=');
  out.center(issuer.siiOffice);
}

/**
 * The receptor prints only when it is a real one, not the anonymous consumer
 * (docs/sii-rules.md#printed-document).
 */
function customerBlock(out: ReceiptLayout, doc: TaxDocument): void {
  const customer = doc.customer;
  if (!customer || customer.rut === ANONYMOUS_CONSUMER_RUT) return;
  out.text(`RUT cliente: ${formatRut(customer.rut)}`);
  if (customer.name) out.text(`Nombre: ${customer.name}`);
  if (customer.address) out.text(`Dirección: ${customer.address}`);
  if (customer.email) out.text(`Correo: ${customer.email}`);
  if (customer.phone) out.text(`Teléfono: ${customer.phone}`);
}

function totalsBlock(out: ReceiptLayout, doc: TaxDocument): void {
  const { totals } = doc;
  if (totals.net !== undefined) out.pair('Neto', formatClp(totals.net));
  if (totals.exempt !== undefined) out.pair('Exento', formatClp(totals.exempt));
  if (totals.iva !== undefined) out.pair('IVA (19%)', formatClp(totals.iva));
  out.pair('TOTAL', formatClp(totals.total), { bold: true, width: 2, height: 2 });
  if (totals.cashRounding) {
    out.pair('Redondeo efectivo', formatClp(totals.cashRounding));
    out.pair('Total a pagar', formatClp(totals.total + totals.cashRounding), { bold: true });
  }
}

/**
 * The legend goes right under the symbol: the SII reader locates the barcode by it
 * (docs/sii-rules.md#ted-and-printed-timbre).
 */
function timbreBlock(out: ReceiptLayout, doc: TaxDocument): void {
  const { timbre } = doc;
  out.pdf417(Buffer.from(timbre.ted, 'latin1'));
  out.center('Timbre Electrónico SII');
  out.center(`Res. ${timbre.resolutionNumber} de ${timbre.resolutionYear}`);
  out.center('Verifique documento: www.sii.cl');
}

function copyBanner(out: ReceiptLayout): void {
  out.center('*** COPIA ***', { bold: true, width: 2, height: 2 });
}
