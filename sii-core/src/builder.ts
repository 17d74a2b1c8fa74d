/**
 * Builds one signed DTE: validate → compute amounts → check the CAF → stamp the TED → sign
 * `Documento` with the tenant's certificate.
 *
 * The DTE is signed as a stand-alone document whose root declares the same two namespaces as
 * the envelope (`xmlns` + `xmlns:xsi`), so the canonical `Documento` is identical alone and
 * inside the envelope and every verifier accepts it in both places [docs/sii-rules.md#signatures].
 */
import { type DteDocument, type DteType, parseDteDocument } from '@erp/shared';
import { computeAmounts, type DocumentAmounts, type Totals } from './amounts.ts';
import { assertCafCovers, type Caf } from './caf.ts';
import type { SigningCredentials } from './certificate.ts';
import { chileTimestamp } from './chile-time.ts';
import { renderDocumentBody } from './document-xml.ts';
import { DteError } from './errors.ts';
import { SII_NAMESPACE_DECLARATIONS, signatureFor } from './signer.ts';
import { buildDd, stampTed, type TedCheck, type TedData, verifyTed } from './ted.ts';

/** Start tag of every DTE we sign; the envelope relies on it to derive the canonical form in the set. */
export const DTE_START_TAG = `<DTE ${SII_NAMESPACE_DECLARATIONS} version="1.0">`;

/** RSR when a boleta's receiver is anonymous (RSR may not be empty). */
const ANONYMOUS_RECEIVER_NAME = 'Consumidor final';

export interface SignedDte {
  /** `<DTE …>…</DTE>` as signed; characters all in ISO-8859-1. Paste it unchanged. */
  xml: string;
  id: string;
  type: DteType;
  folio: number;
  issuerRut: string;
  issueDate: string;
  totals: Totals;
  resolution: DteDocument['issuer']['resolution'];
}

export interface BuildDteOptions {
  caf: Caf;
  credentials: SigningCredentials;
  /** Folio to use when the document has none. */
  folio?: number;
  /** Signing time (TSTED and TmstFirma); now by default. */
  signedAt?: Date;
}

/** Validates a document (see `dteDocumentSchema`) or throws a DteError listing every problem. */
export function validateDocument(input: unknown): DteDocument {
  const parsed = parseDteDocument(input);
  if (!parsed.ok)
    throw new DteError('VALIDATION', `Documento inválido: ${parsed.issues.join('; ')}`, parsed.issues);
  return parsed.data;
}

/**
 * Checks the CAF covers the document and stamps its TED. The sale commit stamps with it and the
 * worker signs the full DTE with it later: the same data and `stampedAt` give the same TED.
 */
export function stampDocumentTed(
  doc: DteDocument,
  folio: number,
  amounts: DocumentAmounts,
  caf: Caf,
  stampedAt: string,
): string {
  assertCafCovers(caf, {
    issuerRut: doc.issuer.rut,
    type: doc.type,
    folio,
    stampedOn: stampedAt.slice(0, 10),
  });
  return stampTed(tedDataOf(doc, folio, amounts), caf, stampedAt);
}

function tedDataOf(doc: DteDocument, folio: number, amounts: DocumentAmounts): TedData {
  return {
    issuerRut: doc.issuer.rut,
    type: doc.type,
    folio,
    issueDate: doc.issueDate,
    receiverRut: doc.receiver.rut,
    receiverName: doc.receiver.businessName || ANONYMOUS_RECEIVER_NAME,
    total: amounts.totals.total,
    firstItemName: doc.lines[0]!.name.slice(0, 80),
  };
}

/** What the DD elements mean, for a refusal that names the one that differs. */
const DD_FIELDS: readonly [string, string][] = [
  ['RE', 'RUT emisor'],
  ['TD', 'tipo de documento'],
  ['F', 'folio'],
  ['FE', 'fecha de emisión'],
  ['RR', 'RUT receptor'],
  ['RSR', 'razón social receptor'],
  ['MNT', 'monto total'],
  ['IT1', 'primer ítem'],
  ['CAF', 'CAF'],
  ['TSTED', 'fecha y hora del timbre'],
];

function ddElement(dd: string, name: string): string | undefined {
  return new RegExp(`<${name}[ >][\\s\\S]*?</${name}>`).exec(dd)?.[0];
}

/**
 * Checks a TED stamped elsewhere (a store hub, offline) against the document it claims to stamp:
 * its FRMT verifies with the CAF key inside it, and its DD is exactly the one this document,
 * folio, CAF and `stampedAt` give (RUT, type, folio, date, receiver, total, first item, CAF,
 * timestamp). Then signing the DTE later stamps the very same TED, so the document the SII
 * receives carries the timbre printed on the buyer's receipt.
 */
export function checkDocumentTed(
  ted: string,
  doc: DteDocument,
  folio: number,
  amounts: DocumentAmounts,
  cafXml: string,
  stampedAt: string,
): TedCheck {
  const signature = verifyTed(ted);
  if (!signature.ok) return signature;
  const stamped = /<DD>[\s\S]*<\/DD>/.exec(ted)?.[0]?.replace(/>\s+</g, '><') ?? '';
  const expected = buildDd(tedDataOf(doc, folio, amounts), cafXml, stampedAt);
  if (stamped === expected) return { ok: true };
  const field = DD_FIELDS.find(([name]) => ddElement(stamped, name) !== ddElement(expected, name));
  return {
    ok: false,
    reason: field
      ? `el timbre no corresponde a la venta: difiere ${field[1]} (${field[0]})`
      : 'el timbre no corresponde a la venta',
  };
}

export function buildDte(input: unknown, options: BuildDteOptions): SignedDte {
  const doc = validateDocument(input);
  const folio = doc.folio ?? options.folio;
  if (folio === undefined) throw new DteError('VALIDATION', 'El documento no tiene folio.');
  const amounts = computeAmounts(doc);
  const timestamp = chileTimestamp(options.signedAt ?? new Date());
  const body = renderDocumentBody(doc, folio, amounts);
  const ted = stampDocumentTed(doc, folio, amounts, options.caf, timestamp);
  const id = `F${folio}T${doc.type}`;
  const content = `${body}${ted}<TmstFirma>${timestamp}</TmstFirma>`;
  const signature = signatureFor(
    id,
    `<Documento ${SII_NAMESPACE_DECLARATIONS} ID="${id}">${content}</Documento>`,
    options.credentials,
  );
  return {
    xml: `${DTE_START_TAG}<Documento ID="${id}">${content}</Documento>${signature}</DTE>`,
    id,
    type: doc.type,
    folio,
    issuerRut: doc.issuer.rut,
    issueDate: doc.issueDate,
    totals: amounts.totals,
    resolution: doc.issuer.resolution,
  };
}
