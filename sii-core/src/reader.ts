/**
 * Reads an EnvioDTE / EnvioBOLETA envelope or a bare DTE (ours or anyone's) into plain data:
 * for verification, for the PDF, for received documents. Each DTE is also cut out byte for
 * byte, because the SII verifies a DTE's signature on the stand-alone document it was signed as
 * [docs/sii-rules.md#signatures, #verification-with-independent-tools].
 */
import type { Element } from '@xmldom/xmldom';
import { DteError } from './errors.ts';
import { childElement, childElements, childText, decodeXml, parseXml, pathText } from './xml-dom.ts';

export type ReadKind = 'EnvioDTE' | 'EnvioBOLETA' | 'DTE';

export interface ReadLine {
  number: number;
  /** VlrCodigo of the first CdgItem. */
  code?: string;
  name: string;
  description?: string;
  quantity?: string;
  unit?: string;
  unitPrice?: string;
  discountPercent?: string;
  discount?: number;
  amount: number;
  exempt: boolean;
  /** CodImpAdic: the additional tax code of the line. */
  additionalTax?: string;
}

export interface ReadDocument {
  /** `Documento/@ID`. */
  id: string;
  type: number;
  folio: number;
  issueDate: string;
  dueDate?: string;
  paymentForm?: number;
  paymentMethod?: string;
  /** MntBruto = 1: line prices and amounts include IVA. */
  grossAmounts: boolean;
  /** The `<DTE>…</DTE>` text exactly as in the file (each character one ISO-8859-1 byte when the file is). */
  xml: string;
  issuer: {
    rut: string;
    businessName: string;
    activity?: string;
    address?: string;
    commune?: string;
    city?: string;
    phone?: string;
    email?: string;
  };
  receiver: {
    rut: string;
    businessName?: string;
    activity?: string;
    address?: string;
    commune?: string;
    city?: string;
    email?: string;
    phone?: string;
  };
  lines: ReadLine[];
  adjustments: {
    kind: 'discount' | 'surcharge';
    description?: string;
    valueType: '%' | '$';
    value: string;
    exempt: boolean;
  }[];
  references: { type?: string; folio?: string; date?: string; code?: string; reason?: string }[];
  totals: {
    net?: number;
    exempt?: number;
    ivaRate?: string;
    iva?: number;
    /** ImptoReten, as written. */
    additionalTaxes: { code: string; rate?: string; amount: number }[];
    total: number;
  };
  /** The TED element as found (possibly indented), or undefined when the document has none. */
  ted?: string;
}

export interface ReadResult {
  kind: ReadKind;
  /** True when the root is in the SII namespace (otherwise no schema applies). */
  namespaced: boolean;
  /** The file decoded to text. */
  text: string;
  caratula?: {
    issuerRut: string;
    senderRut: string;
    receiverRut: string;
    resolutionDate: string;
    resolutionNumber: number;
    signedAt: string;
    subtotals: { type: number; count: number }[];
  };
  documents: ReadDocument[];
}

const SII_NAMESPACE = 'http://www.sii.cl/SiiDte';

export function readDocuments(bytes: Uint8Array): ReadResult {
  const text = decodeXml(bytes);
  const dtes = cutDtes(text);
  // An envelope is parsed without its DTEs: readDte parses (and so checks) each of them, and
  // parsing the whole file as well doubled the work on a large envelope.
  const envelope = /<(EnvioDTE|EnvioBOLETA)[\s>]/.test(text);
  const root = parseXml(envelope ? text.replace(DTE_ELEMENTS, '') : text, 'Documento XML').documentElement;
  const kind = root?.localName;
  if (!root || (kind !== 'EnvioDTE' && kind !== 'EnvioBOLETA' && kind !== 'DTE')) {
    throw new DteError('VALIDATION', 'El archivo no es un EnvioDTE, un EnvioBOLETA ni un DTE.');
  }
  const documents = dtes.map(readDte);
  if (documents.length === 0) throw new DteError('VALIDATION', 'El archivo no contiene documentos (DTE).');
  return {
    kind,
    namespaced: root.namespaceURI === SII_NAMESPACE,
    text,
    ...(kind === 'DTE' ? {} : { caratula: readCaratula(root) }),
    documents,
  };
}

/** The `<DTE …>…</DTE>` texts of a file, unchanged (DTE elements never nest). */
export function cutDtes(text: string): string[] {
  return [...text.matchAll(DTE_ELEMENTS)].map((match) => match[0]);
}

const DTE_ELEMENTS = /<DTE[\s>][\s\S]*?<\/DTE>/g;

function readCaratula(root: Element): ReadResult['caratula'] {
  const caratula = childElement(childElement(root, 'SetDTE') ?? root, 'Caratula');
  if (!caratula) throw new DteError('VALIDATION', 'El envío no tiene Carátula.');
  const text = (name: string) => childText(caratula, name)?.trim() ?? '';
  return {
    issuerRut: text('RutEmisor'),
    senderRut: text('RutEnvia'),
    receiverRut: text('RutReceptor'),
    resolutionDate: text('FchResol'),
    resolutionNumber: Number(text('NroResol')),
    signedAt: text('TmstFirmaEnv'),
    subtotals: childElements(caratula)
      .filter((el) => el.localName === 'SubTotDTE')
      .map((el) => ({ type: Number(childText(el, 'TpoDTE')), count: Number(childText(el, 'NroDTE')) })),
  };
}

function readDte(xml: string): ReadDocument {
  const dte = parseXml(xml, 'DTE').documentElement!;
  const documento = childElement(dte, 'Documento');
  if (!documento) throw new DteError('VALIDATION', 'Un DTE no tiene el elemento Documento.');
  const header = childElement(documento, 'Encabezado');
  const get = (path: string[]) => (header ? pathText(header, path)?.trim() : undefined) || undefined;
  const number = (path: string[]) => optionalNumber(get(path));
  const detail = childElements(documento);

  return {
    id: documento.getAttribute('ID') ?? '',
    type: Number(get(['IdDoc', 'TipoDTE'])),
    folio: Number(get(['IdDoc', 'Folio'])),
    issueDate: get(['IdDoc', 'FchEmis']) ?? '',
    dueDate: get(['IdDoc', 'FchVenc']),
    paymentForm: number(['IdDoc', 'FmaPago']),
    paymentMethod: get(['IdDoc', 'MedioPago']),
    grossAmounts: get(['IdDoc', 'MntBruto']) === '1',
    xml,
    issuer: {
      rut: get(['Emisor', 'RUTEmisor']) ?? '',
      // Boletas name these RznSocEmisor/GiroEmisor; facturas RznSoc/GiroEmis.
      businessName: get(['Emisor', 'RznSoc']) ?? get(['Emisor', 'RznSocEmisor']) ?? '',
      activity: get(['Emisor', 'GiroEmis']) ?? get(['Emisor', 'GiroEmisor']),
      address: get(['Emisor', 'DirOrigen']),
      commune: get(['Emisor', 'CmnaOrigen']),
      city: get(['Emisor', 'CiudadOrigen']),
      phone: get(['Emisor', 'Telefono']),
      email: get(['Emisor', 'CorreoEmisor']),
    },
    receiver: {
      rut: get(['Receptor', 'RUTRecep']) ?? '',
      businessName: get(['Receptor', 'RznSocRecep']),
      activity: get(['Receptor', 'GiroRecep']),
      address: get(['Receptor', 'DirRecep']),
      commune: get(['Receptor', 'CmnaRecep']),
      city: get(['Receptor', 'CiudadRecep']),
      email: get(['Receptor', 'CorreoRecep']),
      phone: get(['Receptor', 'TelefonoRecep']),
    },
    lines: detail.filter((el) => el.localName === 'Detalle').map(readLine),
    adjustments: detail
      .filter((el) => el.localName === 'DscRcgGlobal')
      .map((el) => ({
        kind: childText(el, 'TpoMov') === 'R' ? 'surcharge' : 'discount',
        description: childText(el, 'GlosaDR'),
        valueType: childText(el, 'TpoValor') === '%' ? '%' : '$',
        value: childText(el, 'ValorDR') ?? '',
        exempt: childText(el, 'IndExeDR') === '1',
      })),
    references: detail
      .filter((el) => el.localName === 'Referencia')
      .map((el) => ({
        type: childText(el, 'TpoDocRef'),
        folio: childText(el, 'FolioRef'),
        date: childText(el, 'FchRef'),
        code: childText(el, 'CodRef'),
        reason: childText(el, 'RazonRef'),
      })),
    totals: {
      net: number(['Totales', 'MntNeto']),
      exempt: number(['Totales', 'MntExe']),
      ivaRate: get(['Totales', 'TasaIVA']),
      iva: number(['Totales', 'IVA']),
      additionalTaxes: childrenOf(header && childElement(header, 'Totales'))
        .filter((el) => el.localName === 'ImptoReten')
        .map((el) => ({
          code: childText(el, 'TipoImp')?.trim() ?? '',
          rate: childText(el, 'TasaImp')?.trim() || undefined,
          amount: Number(childText(el, 'MontoImp') ?? 0),
        })),
      total: Number(get(['Totales', 'MntTotal']) ?? 0),
    },
    ted: /<TED\b[\s\S]*?<\/TED>/.exec(xml)?.[0],
  };
}

function readLine(el: Element): ReadLine {
  const text = (name: string) => childText(el, name)?.trim() || undefined;
  const code = childElement(el, 'CdgItem');
  return {
    number: Number(text('NroLinDet')),
    code: code && childText(code, 'VlrCodigo')?.trim(),
    name: text('NmbItem') ?? '',
    description: text('DscItem'),
    quantity: text('QtyItem'),
    unit: text('UnmdItem'),
    unitPrice: text('PrcItem'),
    discountPercent: text('DescuentoPct'),
    discount: optionalNumber(text('DescuentoMonto')),
    amount: Number(text('MontoItem') ?? 0),
    exempt: text('IndExe') === '1',
    additionalTax: text('CodImpAdic'),
  };
}

function childrenOf(parent: Element | undefined): Element[] {
  return parent ? childElements(parent) : [];
}

function optionalNumber(value: string | undefined): number | undefined {
  return value === undefined ? undefined : Number(value);
}
