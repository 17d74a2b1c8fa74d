/**
 * HTML of the printed documents [docs/sii-rules.md#printed-document]: letter size for facturas, notas and
 * guías (issuer block, red box with RUT, document name and folio, receiver, references, detail, totals with
 * IVA, timbre) and an 80 mm roll for boletas. Rendered from the signed XML as read back, so the paper shows
 * exactly what was signed.
 */
import {
  additionalTaxLabel,
  DTE_TYPE_NAMES,
  type DteType,
  formatClp,
  formatRut,
  percentOf,
} from '@erp/shared';
import type { ReadDocument } from '@erp/sii-core';

export type PdfFormat = 'thermal' | 'letter';

export interface PrintOptions {
  format: PdfFormat;
  /** The resolution that authorised the issuer (Caratula FchResol/NroResol); number 0 in certification. */
  resolution: { number: number; date: string };
  /** SII office of the issuer ("S.I.I. - <office>" under the box). */
  siiOffice?: string;
}

export interface Timbre {
  png: Buffer;
  widthMm: number;
  heightMm: number;
}

const REFERENCE_NAMES: Readonly<Record<string, string>> = {
  ...DTE_TYPE_NAMES,
  '30': 'FACTURA',
  '32': 'FACTURA NO AFECTA O EXENTA',
  '35': 'BOLETA',
  '38': 'BOLETA EXENTA',
  '50': 'GUÍA DE DESPACHO',
  '55': 'NOTA DE DÉBITO',
  '60': 'NOTA DE CRÉDITO',
  '801': 'ORDEN DE COMPRA',
  '802': 'NOTA DE PEDIDO',
  '803': 'CONTRATO',
  SET: 'SET DE PRUEBAS',
};
const REFERENCE_CODES: Readonly<Record<string, string>> = {
  '1': 'Anula documento',
  '2': 'Corrige texto',
  '3': 'Corrige montos',
};
const PAYMENT_FORMS: Readonly<Record<number, string>> = { 1: 'Contado', 2: 'Crédito', 3: 'Sin costo' };
const PAYMENT_METHODS: Readonly<Record<string, string>> = {
  '1': 'Efectivo',
  '2': 'Pago electrónico',
  '3': 'Transferencia',
  '4': 'Cheque',
  '5': 'Otro',
};

export function documentHtml(doc: ReadDocument, timbre: Timbre, options: PrintOptions): string {
  return options.format === 'thermal' ? thermalHtml(doc, timbre, options) : letterHtml(doc, timbre, options);
}

function letterHtml(doc: ReadDocument, timbre: Timbre, options: PrintOptions): string {
  const { issuer, receiver, totals } = doc;
  // MntBruto: a nota de crédito of a boleta lists its prices as the boleta did, with IVA.
  const gross = doc.grossAmounts ? ' <small>(IVA incl.)</small>' : '';
  return page(
    LETTER_CSS,
    `<header>
      <div class="issuer">
        <div class="name">${esc(issuer.businessName)}</div>
        <div>${esc(issuer.activity)}</div>
        <div>${esc(joined(issuer.address, issuer.commune, issuer.city))}</div>
        ${issuer.phone || issuer.email ? `<div>${esc(joined(issuer.phone, issuer.email))}</div>` : ''}
      </div>
      <div class="box-area">${redBox(doc)}${options.siiOffice ? `<div class="office">S.I.I. - ${esc(options.siiOffice)}</div>` : ''}</div>
    </header>
    <table class="receiver">
      <tr><th>Fecha de emisión</th><td>${date(doc.issueDate)}</td><th>R.U.T.</th><td>${rut(receiver.rut)}</td></tr>
      <tr><th>Señor(es)</th><td colspan="3">${esc(receiver.businessName)}</td></tr>
      <tr><th>Giro</th><td colspan="3">${esc(receiver.activity)}</td></tr>
      <tr><th>Dirección</th><td>${esc(receiver.address)}</td><th>Comuna</th><td>${esc(joined(receiver.commune, receiver.city))}</td></tr>
      ${
        doc.paymentForm || doc.dueDate
          ? `<tr><th>Forma de pago</th><td>${esc(PAYMENT_FORMS[doc.paymentForm ?? 0])}</td><th>Vencimiento</th><td>${date(doc.dueDate)}</td></tr>`
          : ''
      }
    </table>
    ${referencesHtml(doc)}
    <table class="detail">
      <thead><tr><th>Código</th><th class="wide">Descripción</th><th>Cantidad</th><th>Unidad</th><th>Precio unit.${gross}</th><th>Desc.</th><th>Valor${gross}</th></tr></thead>
      <tbody>${doc.lines
        .map(
          (line) => `<tr>
            <td>${esc(line.code)}</td>
            <td>${esc(line.name)}${line.exempt ? ' <small>(exento)</small>' : ''}${line.description ? `<br><small>${esc(line.description)}</small>` : ''}</td>
            <td class="num">${esc(line.quantity)}</td><td>${esc(line.unit)}</td>
            <td class="num">${esc(line.unitPrice)}</td>
            <td class="num">${lineDiscount(line)}</td>
            <td class="num">${clp(line.amount)}</td></tr>`,
        )
        .join('')}</tbody>
    </table>
    <footer>
      <div class="timbre">${timbreHtml(timbre, options)}</div>
      <table class="totals">
        ${adjustmentsHtml(doc)}
        ${totals.net !== undefined ? `<tr><th>Monto neto</th><td>${clp(totals.net)}</td></tr>` : ''}
        ${totals.exempt !== undefined ? `<tr><th>Monto exento</th><td>${clp(totals.exempt)}</td></tr>` : ''}
        ${totals.iva !== undefined ? `<tr><th>IVA ${esc(totals.ivaRate ?? '19')} %</th><td>${clp(totals.iva)}</td></tr>` : ''}
        ${totals.additionalTaxes.map((tax) => `<tr><th>${esc(additionalTaxLabel(tax.code, tax.rate))}</th><td>${clp(tax.amount)}</td></tr>`).join('')}
        <tr class="total"><th>Total</th><td>${clp(totals.total)}</td></tr>
      </table>
    </footer>`,
  );
}

function thermalHtml(doc: ReadDocument, timbre: Timbre, options: PrintOptions): string {
  const { issuer, receiver, totals } = doc;
  const identified = receiver.rut && receiver.rut !== '66666666-6' && receiver.rut !== '0-0';
  return page(
    THERMAL_CSS,
    `${redBox(doc)}
    ${options.siiOffice ? `<div class="center">S.I.I. - ${esc(options.siiOffice)}</div>` : ''}
    <div class="center issuer"><b>${esc(issuer.businessName)}</b><br>${esc(issuer.activity)}<br>${esc(joined(issuer.address, issuer.commune, issuer.city))}</div>
    <div>Fecha de emisión: ${date(doc.issueDate)}</div>
    ${identified ? `<div>Cliente: R.U.T. ${rut(receiver.rut)}${receiver.businessName ? ` ${esc(receiver.businessName)}` : ''}</div>` : ''}
    ${identified && (receiver.email || receiver.phone) ? `<div>${esc([receiver.email, receiver.phone].filter(Boolean).join(' · '))}</div>` : ''}
    ${referencesHtml(doc)}
    <table class="detail">
      <thead><tr><th class="wide">Artículo</th><th>Cant.</th><th>Precio</th><th>Total</th></tr></thead>
      <tbody>${doc.lines
        .map(
          (line) => `<tr><td colspan="4">${esc(line.name)}${line.exempt ? ' (exento)' : ''}</td></tr>
          <tr><td>${line.discount ? `Desc. ${lineDiscount(line)}` : ''}</td>
          <td class="num">${esc(line.quantity)}${line.unit ? ` ${esc(line.unit)}` : ''}</td>
          <td class="num">${esc(line.unitPrice)}</td><td class="num">${clp(line.amount)}</td></tr>`,
        )
        .join('')}</tbody>
    </table>
    <table class="totals">
      ${adjustmentsHtml(doc)}
      ${totals.net !== undefined ? `<tr><th>Monto neto</th><td>${clp(totals.net)}</td></tr>` : ''}
      ${totals.iva !== undefined ? `<tr><th>IVA 19 %</th><td>${clp(totals.iva)}</td></tr>` : ''}
      ${totals.exempt !== undefined ? `<tr><th>Monto exento</th><td>${clp(totals.exempt)}</td></tr>` : ''}
      <tr class="total"><th>Total</th><td>${clp(totals.total)}</td></tr>
    </table>
    ${doc.paymentMethod ? `<div>Medio de pago: ${esc(PAYMENT_METHODS[doc.paymentMethod] ?? doc.paymentMethod)}</div>` : ''}
    <div class="timbre">${timbreHtml(timbre, options)}</div>`,
  );
}

function redBox(doc: ReadDocument): string {
  return `<div class="red-box">
    <div>R.U.T.: ${rut(doc.issuer.rut)}</div>
    <div class="doc-name">${esc(DTE_TYPE_NAMES[doc.type as DteType] ?? `DOCUMENTO TIPO ${doc.type}`)}</div>
    <div>N° ${doc.folio}</div>
  </div>`;
}

function referencesHtml(doc: ReadDocument): string {
  if (doc.references.length === 0) return '';
  const rows = doc.references.map((ref) => {
    const name = REFERENCE_NAMES[ref.type ?? ''] ?? `Documento tipo ${ref.type ?? ''}`;
    const code = ref.code ? `${REFERENCE_CODES[ref.code] ?? ref.code}: ` : '';
    return `<li>${esc(name)} N° ${esc(ref.folio)}${ref.date ? ` del ${date(ref.date)}` : ''}${ref.reason || code ? ` — ${esc(code)}${esc(ref.reason)}` : ''}</li>`;
  });
  return `<div class="references"><b>Referencias</b><ul>${rows.join('')}</ul></div>`;
}

/** A line's discount: its percentage with the pesos it took (DescuentoPct, DescuentoMonto), or the pesos. */
function lineDiscount(line: ReadDocument['lines'][number]): string {
  if (!line.discount) return line.discountPercent ? `${esc(line.discountPercent)} %` : '';
  return line.discountPercent
    ? `${esc(line.discountPercent)} % -${clp(line.discount)}`
    : `-${clp(line.discount)}`;
}

/**
 * Global discounts and surcharges; a percentage with the pesos it comes to on its lines (the
 * afecto or the exempt ones, as the SII applies it).
 */
function adjustmentsHtml(doc: ReadDocument): string {
  return doc.adjustments
    .map((a) => {
      const label = a.description || (a.kind === 'discount' ? 'Descuento global' : 'Recargo global');
      const sign = a.kind === 'discount' ? '-' : '+';
      const base = doc.lines.filter((l) => l.exempt === a.exempt).reduce((sum, l) => sum + l.amount, 0);
      const value =
        a.valueType === '$'
          ? `${sign}${clp(Number(a.value))}`
          : /^\d{1,3}(\.\d{1,2})?$/.test(a.value)
            ? `${sign}${esc(a.value)} % (${sign}${clp(Number(percentOf(BigInt(base), a.value)))})`
            : `${sign}${esc(a.value)} %`;
      return `<tr><th>${esc(label)}${a.exempt ? ' (exento)' : ''}</th><td>${value}</td></tr>`;
    })
    .join('');
}

function timbreHtml(timbre: Timbre, options: PrintOptions): string {
  return `<img alt="Timbre electrónico" src="data:image/png;base64,${timbre.png.toString('base64')}"
      style="width:${timbre.widthMm.toFixed(2)}mm;height:${timbre.heightMm.toFixed(2)}mm">
    <div class="legend">Timbre Electrónico SII<br>Res. ${options.resolution.number} de ${esc(options.resolution.date.slice(0, 4))}<br>Verifique documento: www.sii.cl</div>`;
}

function page(css: string, body: string): string {
  return `<!DOCTYPE html><html lang="es"><head><meta charset="utf-8"><style>${BASE_CSS}${css}</style></head><body>${body}</body></html>`;
}

function esc(value: string | undefined | null): string {
  return (value ?? '').replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!,
  );
}

function joined(...parts: (string | undefined)[]): string {
  return parts.filter(Boolean).join(', ');
}

function clp(amount: number): string {
  return formatClp(amount);
}

/** `76192083-9` → `76.192.083-9`; a malformed RUT from a foreign document is shown as it came. */
function rut(value: string): string {
  try {
    return formatRut(value);
  } catch {
    return esc(value);
  }
}

/** `2025-06-04` → `04-06-2025`; anything else (a foreign document) is shown as it came, escaped. */
function date(value: string | undefined): string {
  if (!value) return '';
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? value.split('-').reverse().join('-') : esc(value);
}

const BASE_CSS = `
* { box-sizing: border-box; }
body { margin: 0; font-family: 'DejaVu Sans', Arial, sans-serif; color: #000; }
.red-box { border: 2px solid #d00; color: #d00; text-align: center; font-weight: bold; padding: 6px; }
.doc-name { margin: 4px 0; }
.num { text-align: right; white-space: nowrap; }
table { border-collapse: collapse; width: 100%; }
.totals th { text-align: left; font-weight: normal; }
.totals td { text-align: right; }
.totals .total th, .totals .total td { font-weight: bold; }
.legend { font-size: 7pt; text-align: center; margin-top: 2px; }
.timbre img { display: block; image-rendering: pixelated; }
.references ul { margin: 2px 0; padding-left: 14px; }
`;

const LETTER_CSS = `
@page { size: letter; margin: 12mm; }
body { font-size: 9pt; }
header { display: flex; justify-content: space-between; gap: 8mm; margin-bottom: 6mm; }
.issuer .name { font-size: 14pt; font-weight: bold; }
.box-area { width: 75mm; }
.red-box { font-size: 12pt; }
.office { text-align: center; font-weight: bold; color: #d00; margin-top: 2px; }
.receiver { margin-bottom: 4mm; border: 1px solid #000; }
.receiver th { text-align: left; width: 28mm; padding: 1mm; }
.receiver td { padding: 1mm; }
.detail { margin: 4mm 0; }
.detail th { border-bottom: 1px solid #000; text-align: left; padding: 1mm; }
.detail td { padding: 1mm; vertical-align: top; border-bottom: 1px solid #ddd; }
.detail .wide { width: 45%; }
footer { display: flex; justify-content: space-between; align-items: flex-end; page-break-inside: avoid; margin-top: 6mm; }
.timbre { margin-left: 10mm; } /* 12 mm page margin + 10 mm: ≥ 2 cm from the left edge */
.totals { width: 70mm; border: 1px solid #000; }
.totals th, .totals td { padding: 1mm 2mm; }
`;

const THERMAL_CSS = `
@page { margin: 0; }
body { width: 80mm; padding: 3mm 4mm; font-size: 8pt; }
.center { text-align: center; }
.red-box { margin-bottom: 2mm; }
.issuer { margin: 2mm 0; }
.detail { margin: 2mm 0; }
.detail th { border-bottom: 1px dashed #000; text-align: left; }
.detail .wide { width: 50%; }
.totals { border-top: 1px dashed #000; margin-bottom: 2mm; }
.timbre { margin: 3mm 0 0 16mm; } /* 4 mm padding + 16 mm: the SII wants the timbre ≥ 2 cm from the left edge */
`;
