import {
  ANONYMOUS_CONSUMER_RUT,
  additionalTaxLabel,
  formatClp,
  formatRut,
  type PrintDocument,
} from '@erp/shared';
import { DTE_TYPE_NAMES } from '@erp/shared/dte/document';
import { formatDate, formatDateTime, formatQuantity, PAYMENT_LABELS } from './format.ts';
import { ReceiptLayout } from './layout.ts';
import type { Receipt } from './receipt.ts';

type TaxDocument = Extract<PrintDocument, { kind: 'boleta' | 'factura' | 'credit_note' }>;
type Factura = Extract<PrintDocument, { kind: 'factura' }>;

/** Ley 19.983's declaration, printed in the acuse de recibo box of the cedible copy (docs/sii-rules.md#printed-document). */
export const ACUSE_DE_RECIBO_TEXT =
  'El acuse de recibo que se declara en este acto, de acuerdo a lo dispuesto en la letra b) del ' +
  'Art. 4°, y la letra c) del Art. 5° de la Ley 19.983, acredita que la entrega de mercaderías o ' +
  'servicio(s) prestado(s) ha(n) sido recibido(s).';

export interface RenderOptions {
  columns: number;
  timeZone: string;
  isCopy: boolean;
}

/**
 * A boleta, factura or nota de crédito on thermal paper, with what docs/sii-rules.md#printed-document requires:
 * issuer, the RUT / document name / folio box, SII office, date, detail, totals with IVA apart, payments,
 * the timbre with its legend, and "COPIA" on every reprint.
 */
export function renderTaxDocument(doc: TaxDocument, options: RenderOptions): Receipt {
  const out = new ReceiptLayout(options.columns);
  if (doc.kind === 'factura') return renderFactura(out, doc, options);
  documentCopy(out, doc, options);
  return out.build();
}

/**
 * A factura at the counter: the buyer's copy, a cut, and (when `cedible`) the same document again
 * marked CEDIBLE with the acuse de recibo box (Nombre, RUT, Fecha, Recinto, Firma and Ley
 * 19.983's text) for the buyer to sign; that signed copy is what lets the issuer cede the factura
 * (docs/sii-rules.md#printed-document). Notas de crédito never get one.
 */
function renderFactura(out: ReceiptLayout, doc: Factura, options: RenderOptions): Receipt {
  documentCopy(out, doc, options);
  if (!doc.cedible) return out.build();
  out.cut();
  documentCopy(out, doc, options, () => {
    out.rule();
    out.center('ACUSE DE RECIBO', { bold: true });
    out.feed();
    for (const field of ['Nombre', 'R.U.T.', 'Fecha', 'Recinto', 'Firma']) {
      out.text(`${field}: ${'_'.repeat(Math.max(4, options.columns - field.length - 2))}`);
      out.feed();
    }
    out.text(ACUSE_DE_RECIBO_TEXT);
    out.rule();
  });
  out.text('CEDIBLE', { align: 'right', bold: true, width: 2, height: 2 });
  return out.build();
}

function documentCopy(
  out: ReceiptLayout,
  doc: TaxDocument,
  options: RenderOptions,
  beforeTimbre?: () => void,
): void {
  issuerBlock(out, doc);
  out.feed();
  if (options.isCopy) copyBanner(out);
  out.text(`Fecha: ${formatDateTime(doc.issuedAt, options.timeZone)}`);
  if (doc.terminal) out.text(`Caja: ${doc.terminal}`);
  if (doc.cashier) out.text(`Cajero(a): ${doc.cashier}`);
  if (doc.kind === 'factura') receiverBlock(out, doc);
  else customerBlock(out, doc);
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
  if (doc.kind !== 'credit_note' && doc.payments.length > 0) {
    out.rule();
    for (const payment of doc.payments) out.pair(PAYMENT_LABELS[payment.method], formatClp(payment.amount));
    // Change is cash handed back: no line for a sale paid by card or on account alone.
    if (doc.payments.some((p) => p.method === 'cash')) out.pair('Vuelto', formatClp(doc.change));
  }
  out.feed();
  beforeTimbre?.();
  timbreBlock(out, doc);
  for (const footer of doc.footer) out.center(footer);
  if (options.isCopy) copyBanner(out);
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

/** The buyer of a factura as the SII's printed format names it: Señor(es), R.U.T., Giro, Dirección, Comuna. */
function receiverBlock(out: ReceiptLayout, doc: Factura): void {
  const customer = doc.customer;
  if (!customer) return;
  out.rule();
  if (customer.name) out.text(`Señor(es): ${customer.name}`);
  out.text(`R.U.T.: ${formatRut(customer.rut)}`);
  if (customer.activity) out.text(`Giro: ${customer.activity}`);
  if (customer.address) out.text(`Dirección: ${customer.address}`);
  if (customer.comuna) out.text(`Comuna: ${customer.comuna}`);
}

function totalsBlock(out: ReceiptLayout, doc: TaxDocument): void {
  const { totals } = doc;
  if (totals.net !== undefined) out.pair('Neto', formatClp(totals.net));
  if (totals.exempt !== undefined) out.pair('Exento', formatClp(totals.exempt));
  if (totals.iva !== undefined) out.pair('IVA (19%)', formatClp(totals.iva));
  for (const tax of totals.additionalTaxes) {
    out.pair(additionalTaxLabel(tax.code, tax.rate), formatClp(tax.amount));
  }
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
