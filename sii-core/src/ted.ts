/**
 * TED (timbre electrónico): the `DD` data signed with the CAF key, printed as a PDF417 on paper
 * so anyone can check a document offline [docs/sii-rules.md#ted-and-printed-timbre].
 *
 * The signature (FRMT) is RSA-SHA1 over `<DD>…</DD>` with no whitespace between tags, encoded as
 * ISO-8859-1. We write the DD already flat, so the signed bytes are the ones in the document.
 */
import { sign, verify } from 'node:crypto';
import type { Caf } from './caf.ts';
import { rsaPublicKey } from './caf.ts';
import { element } from './xml.ts';

export interface TedData {
  issuerRut: string;
  type: number;
  folio: number;
  issueDate: string;
  receiverRut: string;
  /** Razón social of the receiver (never empty); RSR keeps its first 40 characters. */
  receiverName: string;
  total: number;
  /** NmbItem of the first detail line; IT1 keeps its first 40 characters. */
  firstItemName: string;
}

/** Builds the flat DD. `stampedAt` is TSTED, AAAA-MM-DDTHH:MI:SS Chile time. */
export function buildDd(data: TedData, cafXml: string, stampedAt: string): string {
  return (
    '<DD>' +
    element('RE', data.issuerRut) +
    element('TD', data.type) +
    element('F', data.folio) +
    element('FE', data.issueDate) +
    element('RR', data.receiverRut) +
    element('RSR', data.receiverName, 40) +
    element('MNT', data.total) +
    element('IT1', data.firstItemName, 40) +
    cafXml +
    element('TSTED', stampedAt) +
    '</DD>'
  );
}

/** Stamps: signs the DD with the CAF key and wraps it in `<TED>`. */
export function stampTed(data: TedData, caf: Pick<Caf, 'cafXml' | 'privateKey'>, stampedAt: string): string {
  const dd = buildDd(data, caf.cafXml, stampedAt);
  return `<TED version="1.0">${dd}<FRMT algoritmo="SHA1withRSA">${signDd(dd, caf.privateKey)}</FRMT></TED>`;
}

export function signDd(dd: string, key: Parameters<typeof sign>[2]): string {
  return sign('RSA-SHA1', Buffer.from(dd, 'latin1'), key).toString('base64');
}

/** The TED as printed in the PDF417: the element with whitespace between tags removed. */
export function flattenTed(ted: string): string {
  return ted.replace(/>\s+</g, '><').trim();
}

export type TedCheck = { ok: true } | { ok: false; reason: string };

/**
 * Verifies a TED as found in a document (possibly indented): FRMT against the CAF public key
 * (RSAPK inside the DD), over the DD flattened and encoded as ISO-8859-1.
 */
export function verifyTed(ted: string): TedCheck {
  const dd = /<DD>[\s\S]*<\/DD>/.exec(ted)?.[0]?.replace(/>\s+</g, '><');
  const frmt = /<FRMT[^>]*>([\s\S]*?)<\/FRMT>/.exec(ted)?.[1];
  const key = dd && /<RSAPK><M>([^<]*)<\/M><E>([^<]*)<\/E><\/RSAPK>/.exec(dd);
  if (!dd || !frmt || !key) return { ok: false, reason: 'el timbre (TED) está incompleto' };
  const publicKey = rsaPublicKey(key[1]!, key[2]!);
  const valid = verify(
    'RSA-SHA1',
    Buffer.from(dd, 'latin1'),
    publicKey,
    Buffer.from(frmt.replace(/\s+/g, ''), 'base64'),
  );
  return valid
    ? { ok: true }
    : { ok: false, reason: 'la firma del timbre (FRMT) no corresponde a la llave del CAF' };
}
