/**
 * Verifies a file the way the SII does: schema, each DTE signature on the DTE as it was signed
 * (cut out of the envelope byte for byte), the envelope signature in place, each TED against the
 * CAF key inside it and against the document's own data. Reports per document what failed.
 */
import { type KeyObject, X509Certificate } from 'node:crypto';
import { isBoletaType } from '@erp/shared';
import type { Element } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { assertCafCovers, type Caf, parseCafElement, rsaPublicKey } from './caf.ts';
import { type CafAuthorities, cafAuthorityProblem } from './caf-authority.ts';
import { DteError } from './errors.ts';
import { type ReadDocument, type ReadResult, readDocuments } from './reader.ts';
import { type SchemaResult, validateSchema } from './schema.ts';
import { signatureValidFast } from './signature-fast.ts';
import { verifyTed } from './ted.ts';
import { childElement, childElements, childText, parseXml } from './xml-dom.ts';

export interface DocumentReport {
  id: string;
  type: number;
  folio: number;
  /** RUTEmisor as the document states it. */
  issuerRut: string;
  /** Spanish descriptions of what failed; empty when the document is valid. */
  failures: string[];
}

export interface VerificationReport {
  ok: boolean;
  kind: ReadResult['kind'];
  schema: SchemaResult & { skipped?: string };
  /** Failures of the envelope itself (its signature, the Caratula counts). */
  envelopeFailures: string[];
  documents: DocumentReport[];
  /** Every failure as one line, documents named: what `dte verify` prints. */
  failureLines: string[];
}

export interface VerifyOptions {
  /** When given, each TED must have been stamped with this CAF. */
  caf?: Caf;
  /**
   * When given, the CAF inside each TED must carry a valid FRMA of the authority of its IDK, as
   * the SII checks: a CAF whose range was edited still stamps TEDs that verify with its own key.
   */
  authorities?: CafAuthorities;
  /**
   * Verify the XMLDSig of only one document in this many (the 1st, the N+1-th…); every other
   * check (schema, envelope signature, every TED and its CAF) still runs on every document. For a
   * load test's SII stand-in, where those signatures cost most of the time; 1 (the default) checks
   * every one.
   */
  signatureSample?: number;
  /**
   * Check signatures with the string-level fast path (signature-fast.ts), the generic check only
   * when that does not prove one valid: the envelope's, and with `signatureSample` above 1 each
   * document's outside the sample (which still gets the generic check). For a load test's SII
   * stand-in; off by default.
   */
  fastSignatures?: boolean;
  /** Schema through the system's xmllint when installed (`SchemaOptions.native`). */
  nativeSchema?: boolean;
}

export async function verifyFile(
  bytes: Uint8Array,
  options: VerifyOptions = {},
): Promise<VerificationReport> {
  const read = readDocuments(bytes);
  const schema = await checkSchema(bytes, read, options.nativeSchema ?? false);
  const envelopeFailures = read.kind === 'DTE' ? [] : checkEnvelope(read, options.fastSignatures ?? false);
  const sample = Math.max(1, options.signatureSample ?? 1);
  // The documents of a file share a few CAFs: each one's authority signature is checked once.
  const cafChecks = new Map<string, ReturnType<typeof parseCafElement> | DteError>();
  const documents = read.documents.map((doc, i) => ({
    id: doc.id,
    type: doc.type,
    folio: doc.folio,
    issuerRut: doc.issuer.rut,
    failures: [
      ...(i % sample === 0 || (options.fastSignatures && !signatureValidFast(doc.xml, 'DTE', 'Documento'))
        ? checkDteSignature(doc)
        : []),
      ...checkTed(doc, options, cafChecks),
    ],
  }));
  const failureLines = [
    ...schema.errors.map((e) => `Esquema: ${e}`),
    ...envelopeFailures.map((e) => `Envío: ${e}`),
    ...documents.flatMap((d) =>
      d.failures.map((f) => `Documento ${d.id || `tipo ${d.type} folio ${d.folio}`}: ${f}`),
    ),
  ];
  return {
    ok: failureLines.length === 0,
    kind: read.kind,
    schema,
    envelopeFailures,
    documents,
    failureLines,
  };
}

async function checkSchema(
  bytes: Uint8Array,
  read: ReadResult,
  native: boolean,
): Promise<VerificationReport['schema']> {
  if (!read.namespaced) {
    // Real bare DTEs extracted from envelopes often lack the namespace (or carry vendor
    // extensions after the Signature): the SII schema cannot describe them as they are.
    return {
      ok: true,
      errors: [],
      skipped: 'DTE sin el espacio de nombres del SII: no se valida contra el esquema',
    };
  }
  if (read.kind === 'DTE' && isBoletaType(read.documents[0]!.type)) {
    return {
      ok: true,
      errors: [],
      skipped: 'el SII publica el esquema de boletas solo dentro de EnvioBOLETA',
    };
  }
  return validateSchema(bytes, read.kind, { native });
}

function checkEnvelope(read: ReadResult, fast: boolean): string[] {
  const failures: string[] = [];
  if (!(fast && signatureValidFast(read.text, read.kind as 'EnvioDTE' | 'EnvioBOLETA', 'SetDTE'))) {
    const root = parseXml(read.text, 'Envío').documentElement!;
    const signature = childElements(root).find((el) => el.localName === 'Signature');
    const reason = signature ? signatureProblem(read.text, signature) : 'el envío no está firmado';
    if (reason) failures.push(`firma del envío (SetDTE): ${reason}`);
  }
  for (const { type, count } of read.caratula?.subtotals ?? []) {
    const actual = read.documents.filter((d) => d.type === type).length;
    if (actual !== count)
      failures.push(`la carátula declara ${count} documentos tipo ${type} y el envío trae ${actual}`);
  }
  return failures;
}

function checkDteSignature(doc: ReadDocument): string[] {
  const root = parseXml(doc.xml, 'DTE').documentElement!;
  const signature = childElements(root).find((el) => el.localName === 'Signature');
  const reason = signature ? signatureProblem(doc.xml, signature) : 'el documento no está firmado';
  return reason ? [`firma del documento: ${reason}`] : [];
}

/** Verifies one XMLDSig signature over `xml`; returns why it fails, or null when it is valid. */
function signatureProblem(xml: string, signature: Element): string | null {
  let key: KeyObject;
  try {
    key = keyOf(signature);
  } catch (error) {
    return (error as Error).message;
  }
  const verifier = new SignedXml({ publicCert: key, getCertFromKeyInfo: () => null });
  try {
    verifier.loadSignature(signature);
    if (verifier.checkSignature(xml)) return null;
  } catch (error) {
    return describeSignatureError((error as Error).message);
  }
  const referenceError = verifier.getReferences().find((ref) => ref.validationError)?.validationError;
  return describeSignatureError(referenceError?.message ?? '');
}

function describeSignatureError(message: string): string {
  if (/calculated digest/.test(message))
    return 'el contenido fue modificado después de firmar (el digest no coincide)';
  if (/could not find such element/.test(message)) return 'la firma no referencia un elemento del documento';
  if (/signature value/.test(message)) return 'el valor de la firma no corresponde a la llave del firmante';
  return `la firma no es válida${message ? ` (${message})` : ''}`;
}

/**
 * The signer's key: RSAKeyValue first, as xmlsec1 does, falling back to the X509Certificate. The
 * SII's own official example carries a certificate that does not match its RSAKeyValue (the
 * signature verifies with the latter), so a mismatch cannot be treated as an error.
 */
function keyOf(signature: Element): KeyObject {
  const keyInfo = childElement(signature, 'KeyInfo');
  const rsa = keyInfo && childElement(childElement(keyInfo, 'KeyValue') ?? keyInfo, 'RSAKeyValue');
  if (rsa) return rsaPublicKey(childText(rsa, 'Modulus') ?? '', childText(rsa, 'Exponent') ?? '');
  const certificateText =
    keyInfo && childText(childElement(keyInfo, 'X509Data') ?? keyInfo, 'X509Certificate');
  if (!certificateText) throw new Error('la firma no incluye la llave pública ni el certificado');
  try {
    return new X509Certificate(Buffer.from(certificateText.replace(/\s+/g, ''), 'base64')).publicKey;
  } catch {
    throw new Error('el certificado X509 de la firma no se puede leer');
  }
}

function checkTed(
  doc: ReadDocument,
  { caf, authorities }: VerifyOptions,
  cafChecks: Map<string, ReturnType<typeof parseCafElement> | DteError>,
): string[] {
  if (!doc.ted) return ['el documento no tiene timbre electrónico (TED)'];
  const failures: string[] = [];
  let check: ReturnType<typeof verifyTed>;
  try {
    check = verifyTed(doc.ted);
  } catch (error) {
    check = { ok: false, reason: error instanceof DteError ? error.message : 'el timbre no se puede leer' };
  }
  if (!check.ok) failures.push(`timbre: ${check.reason}`);

  const dd = parseXml(doc.ted.replace(/>\s+</g, '><'), 'TED').documentElement!;
  const field = (name: string) => childText(childElement(dd, 'DD') ?? dd, name)?.trim();
  const mismatches = [
    ['RE', doc.issuer.rut],
    ['TD', String(doc.type)],
    ['F', String(doc.folio)],
    ['FE', doc.issueDate],
    ['RR', doc.receiver.rut],
    ['MNT', String(doc.totals.total)],
  ].filter(([name, value]) => field(name!) !== value);
  for (const [name, value] of mismatches) {
    failures.push(`timbre: ${name} (${field(name!) ?? 'vacío'}) no coincide con el documento (${value})`);
  }
  const cafXml = /<CAF\b[\s\S]*?<\/CAF>/.exec(doc.ted.replace(/>\s+</g, '><'))?.[0] ?? '';
  if (authorities) failures.push(...checkCafAuthority(doc, cafXml, authorities, cafChecks));
  if (caf) {
    const modulus = /<M>([^<]*)<\/M>/.exec(cafXml)?.[1]?.replace(/\s+/g, '');
    if (
      modulus !== caf.modulus.replace(/\s+/g, '') ||
      doc.type !== caf.type ||
      doc.issuer.rut !== caf.issuerRut
    ) {
      failures.push('timbre: no fue emitido con el CAF indicado');
    } else if (doc.folio < caf.from || doc.folio > caf.to) {
      failures.push(`timbre: el folio ${doc.folio} está fuera del rango del CAF (${caf.from} a ${caf.to})`);
    }
  }
  return failures;
}

/**
 * The SII's folio check, from the TED alone: the CAF inside it must be signed by the authority of
 * its IDK (an edited range breaks FRMA), belong to the issuer and type, cover the folio and have
 * been in force on the issue date.
 */
function checkCafAuthority(
  doc: ReadDocument,
  cafXml: string,
  authorities: CafAuthorities,
  cafChecks: Map<string, ReturnType<typeof parseCafElement> | DteError>,
): string[] {
  try {
    let checked = cafChecks.get(cafXml);
    if (!checked) {
      try {
        const authorization = parseCafElement(cafXml);
        const problem = cafAuthorityProblem(authorization, authorities);
        checked = problem ? new DteError('CAF_INVALID', `el CAF no es válido: ${problem}`) : authorization;
      } catch (error) {
        if (!(error instanceof DteError)) throw error;
        checked = error;
      }
      cafChecks.set(cafXml, checked);
    }
    if (checked instanceof DteError) return [`timbre: ${checked.message}`];
    const authorization = checked;
    assertCafCovers(authorization, {
      issuerRut: doc.issuer.rut,
      type: doc.type,
      folio: doc.folio,
      stampedOn: doc.issueDate,
    });
    return [];
  } catch (error) {
    if (error instanceof DteError) return [`timbre: ${error.message}`];
    throw error;
  }
}
