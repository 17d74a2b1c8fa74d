/**
 * The folio authority's signature on a CAF: FRMA is SHA1withRSA by the SII over the `DA` element
 * (flattened, ISO-8859-1), made with the SII key named by `IDK` [docs/sii-rules.md#caf]. Without
 * this check anyone holding a CAF can widen its folio range (`<H>100</H>` → `<H>1000</H>`): the
 * TED would still verify, since the folio key inside the CAF is unchanged.
 *
 * The SII's certification key (IDK 100) is built in: `sii-caf-keys/100.cer`, the SII's old
 * self-signed certificate as LibreDTE publishes it (libredte-lib-core `certs/100.cer`). Only its
 * public key is used; its 2003–2004 validity dates are ignored, as the SII keeps signing
 * certification CAFs with that key. Other keys (production, IDK 300) are configured by whoever
 * runs the system (`cafAuthorityKey` reads them).
 */
import { createPublicKey, type KeyObject, verify, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Caf } from './caf.ts';
import { DteError } from './errors.ts';

/** Public keys of the authorities whose CAFs are accepted, by IDK. */
export type CafAuthorities = ReadonlyMap<number, KeyObject>;

/** IDK of the SII's certification environment (maullin); production (palena) uses 300. */
export const SII_CERTIFICATION_IDK = 100;

/**
 * Reads an authority key from a certificate (PEM or DER, its dates ignored) or a public key
 * (PEM or DER SPKI). Throws a DteError CAF_INVALID when it is neither.
 */
export function cafAuthorityKey(bytes: Uint8Array | string): KeyObject {
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes) : Buffer.from(bytes);
  try {
    return new X509Certificate(buffer).publicKey;
  } catch {
    // Not a certificate: a bare public key.
  }
  const pem = buffer.toString('latin1').includes('-----BEGIN');
  try {
    const key = pem
      ? createPublicKey(buffer.toString('latin1'))
      : createPublicKey({ key: buffer, format: 'der', type: 'spki' });
    if (key.asymmetricKeyType === 'rsa') return key;
  } catch {
    // Falls through to the refusal below.
  }
  throw new DteError(
    'CAF_INVALID',
    'La llave del SII no se puede leer: use un certificado o una llave pública RSA (PEM o DER).',
  );
}

const BUILT_IN: readonly (readonly [number, KeyObject])[] = [
  [SII_CERTIFICATION_IDK, cafAuthorityKey(readFileSync(new URL('./sii-caf-keys/100.cer', import.meta.url)))],
];

/** The SII's built-in keys (IDK 100) plus `extra`; an extra key for a built-in IDK replaces it. */
export function siiCafAuthorities(extra: Iterable<readonly [number, KeyObject]> = []): CafAuthorities {
  return new Map([...BUILT_IN, ...extra]);
}

/** Why the CAF's FRMA is not a valid signature of a known authority, or null when it is. */
export function cafAuthorityProblem(
  caf: Pick<Caf, 'idk' | 'daXml' | 'signature'>,
  authorities: CafAuthorities,
): string | null {
  const key = authorities.get(caf.idk);
  if (!key) {
    return `no hay una llave del SII configurada para el IDK ${caf.idk}; la llave pública del SII para ese IDK debe configurarse en el servidor`;
  }
  let valid = false;
  try {
    valid = verify(
      'RSA-SHA1',
      Buffer.from(caf.daXml, 'latin1'),
      key,
      Buffer.from(caf.signature.replace(/\s+/g, ''), 'base64'),
    );
  } catch {
    // A signature of the wrong length for the key is simply not valid.
  }
  return valid
    ? null
    : 'la firma del SII (FRMA) no corresponde a los datos del CAF: el CAF fue modificado o no lo emitió el SII';
}

/** Throws a DteError CAF_INVALID unless the CAF's FRMA verifies with the authority of its IDK. */
export function assertCafAuthority(
  caf: Pick<Caf, 'idk' | 'daXml' | 'signature'>,
  authorities: CafAuthorities,
): void {
  const problem = cafAuthorityProblem(caf, authorities);
  if (problem) throw new DteError('CAF_INVALID', `El CAF no es válido: ${problem}.`);
}
