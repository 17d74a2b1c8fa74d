/**
 * CAF (Código de Autorización de Folios): the SII file that authorises a folio range for one
 * issuer and document type and carries the RSA key that stamps the TED [docs/sii-rules.md#caf].
 *
 * CAF files declare `<?xml version="1.0"?>` but are ISO-8859-1, so bytes are read as latin1.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { DTE_TYPES, type DteType, normalizeRut } from '@erp/shared';
import { C14nCanonicalization } from 'xml-crypto';
import { DteError } from './errors.ts';
import { childText, parseXml, pathText, refuseDtd } from './xml-dom.ts';

export interface Caf {
  issuerRut: string;
  /** RS: razón social as the SII cut it (40 characters). */
  issuerName: string;
  type: DteType;
  from: number;
  to: number;
  /** FA: authorisation date, AAAA-MM-DD. */
  authorizedOn: string;
  /** IDK: the SII key that signed the CAF (100 certification, 300 production). */
  idk: number;
  /** RSAPK modulus and exponent, base64 as in the file. */
  modulus: string;
  exponent: string;
  /** `<CAF version="1.0">…</CAF>` without whitespace between tags, in canonical form: goes into every TED. */
  cafXml: string;
  /** `<DA>…</DA>` flattened the same way: what FRMA signs. */
  daXml: string;
  /** FRMA: the authority's signature over DA, base64. */
  signature: string;
  /** RSASK, parsed once: it signs every TED stamped with this CAF. */
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** Document types whose CAF expires (LibreDTE `Caf::hasVencimiento`; re-check the SII resolution). */
const EXPIRING_TYPES: ReadonlySet<number> = new Set([33, 43, 46, 56, 61]);
/** "6 months" after FA; 180 days is the conservative reading (a calendar half-year is never shorter). */
const CAF_VALIDITY_DAYS = 180;

export function parseCaf(input: Uint8Array | string): Caf {
  const text = typeof input === 'string' ? input : Buffer.from(input).toString('latin1');
  refuseDtd(text, 'CAF');
  const rawCaf = /<CAF\b[^>]*>[\s\S]*?<\/CAF>/.exec(text)?.[0];
  const rsask = /<RSASK>([\s\S]*?)<\/RSASK>/.exec(text)?.[1]?.trim();
  if (!rawCaf || !rsask) invalid('no contiene los elementos CAF y RSASK');
  const authorization = parseCafElement(rawCaf);

  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(rsask);
  } catch {
    invalid('la llave privada RSASK no se puede leer');
  }
  const fromPrivate = createPublicKey(privateKey).export({ format: 'jwk' });
  const declared = authorization.publicKey.export({ format: 'jwk' });
  if (fromPrivate.n !== declared.n || fromPrivate.e !== declared.e)
    invalid('la llave RSASK no corresponde a RSAPK');
  return { ...authorization, privateKey };
}

/**
 * The `<CAF>` element alone, as every TED carries it (no private key): what a verifier reads to
 * check the authority's signature and the range a stamped folio must fall in.
 */
export function parseCafElement(rawCaf: string): Omit<Caf, 'privateKey'> {
  refuseDtd(rawCaf, 'CAF');
  const cafXml = canonicalFlat(rawCaf);
  const caf = parseXml(cafXml, 'CAF').documentElement!;
  const field = (path: string[]) => {
    const value = pathText(caf, ['DA', ...path])?.trim();
    if (!value) invalid(`falta DA/${path.join('/')}`);
    return value;
  };

  const issuerRut = normalizeRut(field(['RE']));
  if (!issuerRut) invalid('el RUT emisor (RE) no es válido');
  const type = Number(field(['TD']));
  if (!(DTE_TYPES as readonly number[]).includes(type)) invalid(`tipo de documento ${type} no soportado`);
  const from = Number(field(['RNG', 'D']));
  const to = Number(field(['RNG', 'H']));
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 1 || to < from)
    invalid('el rango de folios no es válido');
  const authorizedOn = field(['FA']);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(authorizedOn)) invalid('la fecha de autorización (FA) no es válida');
  const modulus = field(['RSAPK', 'M']);
  const exponent = field(['RSAPK', 'E']);
  const signature = childText(caf, 'FRMA')?.trim();
  if (!signature) invalid('falta la firma FRMA');

  return {
    issuerRut,
    issuerName: field(['RS']),
    type: type as DteType,
    from,
    to,
    authorizedOn,
    idk: Number(field(['IDK'])),
    modulus,
    exponent,
    cafXml,
    daXml: /<DA>[\s\S]*<\/DA>/.exec(cafXml)![0],
    signature,
    publicKey: rsaPublicKey(modulus, exponent),
  };
}

/** The last day a CAF may stamp documents, or null when it does not expire. */
export function cafExpiresOn(caf: Pick<Caf, 'type' | 'authorizedOn'>): string | null {
  if (!EXPIRING_TYPES.has(caf.type)) return null;
  const date = new Date(`${caf.authorizedOn}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + CAF_VALIDITY_DAYS);
  return date.toISOString().slice(0, 10);
}

/** Checks, before stamping, that the CAF is the issuer's, of this type, covers the folio and is in force. */
export function assertCafCovers(
  caf: Pick<Caf, 'issuerRut' | 'type' | 'from' | 'to' | 'authorizedOn'>,
  target: { issuerRut: string; type: number; folio: number; stampedOn: string },
): void {
  if (caf.issuerRut !== target.issuerRut) {
    throw new DteError(
      'CAF_INVALID',
      `El CAF pertenece al RUT ${caf.issuerRut}, no al emisor ${target.issuerRut}.`,
    );
  }
  if (caf.type !== target.type) {
    throw new DteError('CAF_INVALID', `El CAF autoriza documentos tipo ${caf.type}, no tipo ${target.type}.`);
  }
  if (target.folio < caf.from || target.folio > caf.to) {
    throw new DteError(
      'CAF_INVALID',
      `El folio ${target.folio} está fuera del rango autorizado por el CAF (${caf.from} a ${caf.to}).`,
    );
  }
  const expiresOn = cafExpiresOn(caf);
  if (expiresOn && target.stampedOn > expiresOn) {
    throw new DteError('CAF_INVALID', `El CAF venció el ${expiresOn}: solicite nuevos folios al SII.`);
  }
}

/** Public key from the base64 modulus and exponent of an XML RSA key (RSAPK, RSAKeyValue). */
export function rsaPublicKey(modulus: string, exponent: string): KeyObject {
  const toBase64Url = (b64: string) => Buffer.from(b64.replace(/\s+/g, ''), 'base64').toString('base64url');
  try {
    return createPublicKey({
      key: { kty: 'RSA', n: toBase64Url(modulus), e: toBase64Url(exponent) },
      format: 'jwk',
    });
  } catch {
    throw new DteError('CAF_INVALID', 'La llave pública RSA (módulo y exponente) no es válida.');
  }
}

/**
 * Removes whitespace between tags (the TED is signed over that flat form
 * [docs/sii-rules.md#ted-and-printed-timbre]) and rewrites the element canonically, so the CAF text inside
 * our documents is byte for byte what gets signed and digested. For a CAF as the SII issues it this changes
 * only the whitespace.
 */
function canonicalFlat(xml: string): string {
  const flat = xml.replace(/>\s+</g, '><');
  const root = parseXml(flat, 'CAF').documentElement!;
  return new C14nCanonicalization().process(root, {});
}

function invalid(reason: string): never {
  throw new DteError('CAF_INVALID', `El archivo CAF no es válido: ${reason}.`);
}
