/**
 * A local stand-in for the SII's folio authority, for tests, benchmarks and the SII simulator.
 * Its key pair (authority.key.pem / authority.pub.pem beside this file) is a THROW-AWAY TEST KEY
 * committed on purpose: it proves nothing outside this project.
 *
 * Test CAFs look like the SII's (512-bit RSA folio key with e = 3, ISO-8859-1, no encoding
 * declaration) but carry IDK 999, a key id the SII does not use (100 certification, 300
 * production), so they can never pass for real ones.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DTE_TYPES, normalizeRut } from '@erp/shared';
import type { Caf } from '../caf.ts';
import { cafAuthorityProblem } from '../caf-authority.ts';
import { chileTimestamp } from '../chile-time.ts';
import { DteError } from '../errors.ts';
import { element } from '../xml.ts';

export const TEST_CAF_IDK = 999;

const authorityPrivateKey = createPrivateKey(readFileSync(new URL('./authority.key.pem', import.meta.url)));
const authorityPublicKey = createPublicKey(readFileSync(new URL('./authority.pub.pem', import.meta.url)));

/**
 * The test authority as a CAF authority (IDK and public key), for `siiCafAuthorities`: only where
 * documents go to the simulator, never beside the SII's keys anywhere else.
 */
export const TEST_CAF_AUTHORITY: readonly [number, KeyObject] = [TEST_CAF_IDK, authorityPublicKey];

export interface TestCafOptions {
  rut: string;
  /** RS; the SII cuts the razón social to 40 characters. */
  name?: string;
  type: number;
  from: number;
  to: number;
  /** FA, AAAA-MM-DD; today by default. */
  authorizedOn?: string;
}

/** Returns the CAF file bytes (ISO-8859-1), FRMA signed by the test authority. */
export function makeTestCaf(options: TestCafOptions): Buffer {
  const rut = normalizeRut(options.rut);
  if (!rut) throw new DteError('INVALID_RUT');
  if (!(DTE_TYPES as readonly number[]).includes(options.type)) {
    throw new DteError('VALIDATION', `Tipo de documento no soportado: ${options.type}`);
  }
  if (
    !Number.isSafeInteger(options.from) ||
    !Number.isSafeInteger(options.to) ||
    options.from < 1 ||
    options.to < options.from
  ) {
    throw new DteError('VALIDATION', 'El rango de folios no es válido.');
  }
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 512, publicExponent: 3 });
  const jwk = publicKey.export({ format: 'jwk' });
  const b64 = (b64url: string | undefined) => Buffer.from(b64url!, 'base64url').toString('base64');
  const da =
    '<DA>' +
    element('RE', rut) +
    element('RS', options.name ?? 'EMPRESA DE PRUEBA', 40) +
    element('TD', options.type) +
    `<RNG>${element('D', options.from)}${element('H', options.to)}</RNG>` +
    element('FA', options.authorizedOn ?? chileTimestamp(new Date()).slice(0, 10)) +
    `<RSAPK>${element('M', b64(jwk.n))}${element('E', b64(jwk.e))}</RSAPK>` +
    element('IDK', TEST_CAF_IDK) +
    '</DA>';
  const frma = sign('RSA-SHA1', Buffer.from(da, 'latin1'), authorityPrivateKey).toString('base64');
  const text =
    '<?xml version="1.0"?>\n<AUTORIZACION>\n<CAF version="1.0">\n' +
    `${da.replace(/></g, '>\n<')}\n<FRMA algoritmo="SHA1withRSA">${frma}</FRMA>\n</CAF>\n` +
    `<RSASK>${privateKey.export({ type: 'pkcs1', format: 'pem' })}</RSASK>\n\n` +
    `<RSAPUBK>${publicKey.export({ type: 'spki', format: 'pem' })}</RSAPUBK>\n</AUTORIZACION>\n`;
  return Buffer.from(text, 'latin1');
}

/** True when FRMA is the test authority's signature over the CAF's DA (flattened, ISO-8859-1). */
export function verifyTestCafAuthority(caf: Pick<Caf, 'daXml' | 'signature'>): boolean {
  return cafAuthorityProblem({ ...caf, idk: TEST_CAF_IDK }, new Map([TEST_CAF_AUTHORITY])) === null;
}
