import { formatClp, formatRut, type PrintDocument } from '@erp/shared';
import { formatDateTime, PAYMENT_LABELS } from './format.ts';
import { ReceiptLayout } from './layout.ts';
import type { Receipt } from './receipt.ts';
import type { RenderOptions } from './tax-document.ts';

type AccountPaymentDocument = Extract<PrintDocument, { kind: 'account_payment' }>;

/** The voucher of an abono to a customer account: who paid, how much, by what, and what is still owed. */
export function renderAccountPayment(doc: AccountPaymentDocument, options: RenderOptions): Receipt {
  const out = new ReceiptLayout(options.columns);
  out.center(doc.issuer.businessName, { bold: true });
  out.center(`RUT ${formatRut(doc.issuer.rut)}`);
  out.center(`${doc.issuer.address}, ${doc.issuer.comuna}`);
  out.rule();
  out.center('COMPROBANTE DE ABONO', { bold: true, width: 2, height: 2 });
  if (options.isCopy) out.center('*** COPIA ***', { bold: true });
  out.text(`Fecha: ${formatDateTime(doc.issuedAt, options.timeZone)}`);
  if (doc.terminal) out.text(`Caja: ${doc.terminal}`);
  if (doc.cashier) out.text(`Cajero(a): ${doc.cashier}`);
  out.rule();
  out.text(`Cliente: ${doc.customer.name}`);
  if (doc.customer.rut) out.text(`RUT: ${formatRut(doc.customer.rut)}`);
  out.pair('Medio de pago', PAYMENT_LABELS[doc.method]);
  out.pair('Abono', formatClp(doc.amount), { bold: true });
  out.pair('Saldo pendiente', formatClp(doc.balance), { bold: true });
  out.rule();
  out.center('Documento no tributario');
  out.feed(2);
  return out.build();
}
