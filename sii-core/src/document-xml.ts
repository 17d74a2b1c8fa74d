/**
 * The `Documento` content (everything before the TED) for facturas/notas/guías (DTE_v10.xsd)
 * and for boletas, whose schema (EnvioBOLETA_v11.xsd) uses other element names, a shorter
 * order and different limits [docs/sii-rules.md#document-structure]. Texts are cut to each element's
 * maxLength here, the only place that knows the schema.
 */
import { type DteDocument, isBoletaType } from '@erp/shared';
import type { DocumentAmounts } from './amounts.ts';
import { element } from './xml.ts';

export function renderDocumentBody(doc: DteDocument, folio: number, amounts: DocumentAmounts): string {
  const boleta = isBoletaType(doc.type);
  return (
    '<Encabezado>' +
    (boleta ? boletaIdDoc(doc, folio) : facturaIdDoc(doc, folio)) +
    (boleta ? boletaIssuer(doc) : facturaIssuer(doc)) +
    (boleta ? boletaReceiver(doc) : facturaReceiver(doc)) +
    totals(amounts, boleta) +
    '</Encabezado>' +
    doc.lines.map((line, i) => detailLine(line, i, amounts.lines[i]!)).join('') +
    doc.adjustments
      .map((adjustment, i) => globalAdjustment(adjustment, i, amounts.adjustments[i]!.exempt))
      .join('') +
    doc.references
      .map((reference, i) => (boleta ? boletaReference(reference, i) : facturaReference(reference, i)))
      .join('')
  );
}

function facturaIdDoc(doc: DteDocument, folio: number): string {
  return (
    '<IdDoc>' +
    element('TipoDTE', doc.type) +
    element('Folio', folio) +
    element('FchEmis', doc.issueDate) +
    element('IndTraslado', doc.transferType) +
    (doc.grossAmounts ? element('MntBruto', 1) : '') +
    element('FmaPago', doc.paymentForm) +
    element('FchVenc', doc.dueDate) +
    '</IdDoc>'
  );
}

function boletaIdDoc(doc: DteDocument, folio: number): string {
  return (
    '<IdDoc>' +
    element('TipoDTE', doc.type) +
    element('Folio', folio) +
    element('FchEmis', doc.issueDate) +
    element('IndServicio', doc.serviceIndicator) +
    element('FchVenc', doc.dueDate) +
    element('MedioPago', doc.paymentMethod) +
    '</IdDoc>'
  );
}

function facturaIssuer({ issuer }: DteDocument): string {
  return (
    '<Emisor>' +
    element('RUTEmisor', issuer.rut) +
    element('RznSoc', issuer.businessName, 100) +
    element('GiroEmis', issuer.activity, 80) +
    element('Telefono', issuer.phone, 20) +
    element('CorreoEmisor', issuer.email, 80) +
    issuer.acteco.map((code) => element('Acteco', code)).join('') +
    element('CdgSIISucur', issuer.siiBranchCode) +
    element('DirOrigen', issuer.address, 70) +
    element('CmnaOrigen', issuer.commune, 20) +
    element('CiudadOrigen', issuer.city, 20) +
    '</Emisor>'
  );
}

function boletaIssuer({ issuer }: DteDocument): string {
  return (
    '<Emisor>' +
    element('RUTEmisor', issuer.rut) +
    element('RznSocEmisor', issuer.businessName, 100) +
    element('GiroEmisor', issuer.activity, 80) +
    element('CdgSIISucur', issuer.siiBranchCode) +
    element('DirOrigen', issuer.address, 70) +
    element('CmnaOrigen', issuer.commune, 20) +
    element('CiudadOrigen', issuer.city, 20) +
    '</Emisor>'
  );
}

function facturaReceiver({ receiver }: DteDocument): string {
  return (
    '<Receptor>' +
    element('RUTRecep', receiver.rut) +
    element('RznSocRecep', receiver.businessName, 100) +
    element('GiroRecep', receiver.activity, 40) +
    element('Contacto', receiver.contact ?? receiver.phone, 80) +
    element('CorreoRecep', receiver.email, 80) +
    element('DirRecep', receiver.address, 70) +
    element('CmnaRecep', receiver.commune, 20) +
    element('CiudadRecep', receiver.city, 20) +
    '</Receptor>'
  );
}

function boletaReceiver({ receiver }: DteDocument): string {
  return (
    '<Receptor>' +
    element('RUTRecep', receiver.rut) +
    element('RznSocRecep', receiver.businessName, 100) +
    element('Contacto', receiver.contact, 80) +
    element('CorreoRecep', receiver.email, 80) +
    element('TelefonoRecep', receiver.phone, 20) +
    element('DirRecep', receiver.address, 70) +
    element('CmnaRecep', receiver.commune, 20) +
    element('CiudadRecep', receiver.city, 20) +
    '</Receptor>'
  );
}

function totals({ totals }: DocumentAmounts, boleta: boolean): string {
  return (
    '<Totales>' +
    element('MntNeto', totals.net) +
    element('MntExe', totals.exempt) +
    (boleta ? '' : element('TasaIVA', totals.ivaRate)) +
    element('IVA', totals.iva) +
    (totals.additionalTaxes ?? [])
      .map(
        (tax) =>
          `<ImptoReten>${element('TipoImp', tax.code)}${element('TasaImp', tax.rate)}${element('MontoImp', tax.amount)}</ImptoReten>`,
      )
      .join('') +
    element('MntTotal', totals.total) +
    '</Totales>'
  );
}

function detailLine(
  line: DteDocument['lines'][number],
  index: number,
  amounts: DocumentAmounts['lines'][number],
): string {
  // PrcItem must be > 0 in both schemas: a zero-priced line (e.g. a text correction) omits it.
  const priced = !/^[0.]+$/.test(line.unitPrice);
  return (
    '<Detalle>' +
    element('NroLinDet', index + 1) +
    (line.code
      ? `<CdgItem>${element('TpoCodigo', line.code.type, 10)}${element('VlrCodigo', line.code.value, 35)}</CdgItem>`
      : '') +
    (amounts.exempt ? element('IndExe', 1) : '') +
    element('NmbItem', line.name, 80) +
    element('DscItem', line.description, 1000) +
    element('QtyItem', line.quantity) +
    element('UnmdItem', line.unit, 4) +
    (priced ? element('PrcItem', line.unitPrice) : '') +
    element('DescuentoPct', line.discountPercent) +
    (amounts.discount > 0 ? element('DescuentoMonto', amounts.discount) : '') +
    element('CodImpAdic', line.additionalTax) +
    element('MontoItem', amounts.amount) +
    '</Detalle>'
  );
}

function globalAdjustment(
  adjustment: DteDocument['adjustments'][number],
  index: number,
  exempt: boolean,
): string {
  return (
    '<DscRcgGlobal>' +
    element('NroLinDR', index + 1) +
    element('TpoMov', adjustment.kind === 'discount' ? 'D' : 'R') +
    element('GlosaDR', adjustment.description, 45) +
    element('TpoValor', adjustment.percent !== undefined ? '%' : '$') +
    element('ValorDR', adjustment.percent ?? adjustment.amount) +
    (exempt ? element('IndExeDR', 1) : '') +
    '</DscRcgGlobal>'
  );
}

function facturaReference(reference: DteDocument['references'][number], index: number): string {
  return (
    '<Referencia>' +
    element('NroLinRef', index + 1) +
    element('TpoDocRef', reference.type) +
    (reference.global ? element('IndGlobal', 1) : '') +
    element('FolioRef', reference.folio, 18) +
    element('FchRef', reference.date) +
    element('CodRef', reference.code) +
    element('RazonRef', reference.reason, 90) +
    '</Referencia>'
  );
}

/** Boleta references have no date nor IndGlobal [EnvioBOLETA_v11.xsd]. */
function boletaReference(reference: DteDocument['references'][number], index: number): string {
  return (
    '<Referencia>' +
    element('NroLinRef', index + 1) +
    element('TpoDocRef', reference.type) +
    element('FolioRef', reference.folio, 18) +
    element('CodRef', reference.code) +
    element('RazonRef', reference.reason, 90) +
    '</Referencia>'
  );
}
