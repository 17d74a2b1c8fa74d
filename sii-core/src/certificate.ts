/**
 * The tenant's digital certificate (.pfx / PKCS#12) that signs DTEs and envelopes. node-forge
 * opens the PKCS#12 (legacy 3DES/RC2 files that OpenSSL 3 refuses); the key is then kept as a
 * Node KeyObject, parsed once, because re-parsing a PEM per signature costs 2–6× [M6].
 */
import { createPrivateKey, createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';
import { normalizeRut } from '@erp/shared';
import forge from 'node-forge';
import { DteError } from './errors.ts';

export interface SigningCredentials {
  privateKey: KeyObject;
  /** The certificate (DER, base64) for KeyInfo/X509Certificate. */
  certificate: string;
  /** RSAKeyValue of KeyInfo, base64. */
  modulus: string;
  exponent: string;
  /** The holder's RUT (RutEnvia), from subjectAltName otherName 1.3.6.1.4.1.8321.1 or the subject serialNumber. */
  rut: string | null;
  holderName: string;
  validTo: Date;
}

/** OID under which Chilean certificates carry the holder's RUT in subjectAltName otherName. */
export const RUT_OTHER_NAME_OID = '1.3.6.1.4.1.8321.1';

export function loadPfx(pfx: Uint8Array, password: string, now: Date = new Date()): SigningCredentials {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const der = forge.util.createBuffer(Buffer.from(pfx).toString('binary'));
    p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(der), password);
  } catch {
    throw new DteError('CERTIFICATE_INVALID');
  }
  const keyBag = [forge.pki.oids.pkcs8ShroudedKeyBag!, forge.pki.oids.keyBag!]
    .flatMap((bagType) => p12.getBags({ bagType })[bagType] ?? [])
    .find((bag) => bag.key);
  if (!keyBag?.key)
    throw new DteError('CERTIFICATE_INVALID', 'El certificado digital no contiene la llave privada.');
  const privateKey = createPrivateKey(forge.pki.privateKeyToPem(keyBag.key as forge.pki.rsa.PrivateKey));
  const publicJwk = createPublicKey(privateKey).export({ format: 'jwk' });

  const certBags = p12.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? [];
  const holder = certBags
    .map((bag) => bag.cert)
    .filter((cert): cert is forge.pki.Certificate => cert !== undefined && cert !== null)
    .map((cert) => ({
      cert,
      der: Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary'),
    }))
    .find(({ der }) => new X509Certificate(der).publicKey.export({ format: 'jwk' }).n === publicJwk.n);
  if (!holder)
    throw new DteError('CERTIFICATE_INVALID', 'El certificado digital no corresponde a su llave privada.');

  const x509 = new X509Certificate(holder.der);
  const validFrom = new Date(x509.validFrom);
  const validTo = new Date(x509.validTo);
  if (now < validFrom || now > validTo) {
    throw new DteError(
      'CERTIFICATE_INVALID',
      `El certificado digital no está vigente (válido del ${isoDay(validFrom)} al ${isoDay(validTo)}).`,
    );
  }
  return {
    privateKey,
    certificate: holder.der.toString('base64'),
    modulus: Buffer.from(publicJwk.n!, 'base64url').toString('base64'),
    exponent: Buffer.from(publicJwk.e!, 'base64url').toString('base64'),
    rut: rutOf(holder.cert),
    holderName: String(holder.cert.subject.getField('CN')?.value ?? ''),
    validTo,
  };
}

function rutOf(cert: forge.pki.Certificate): string | null {
  const san = (cert.extensions as { id: string; value: string }[]).find((e) => e.id === '2.5.29.17');
  if (san) {
    for (const name of forge.asn1.fromDer(san.value).value as forge.asn1.Asn1[]) {
      const [oid, wrapped] = name.value as forge.asn1.Asn1[];
      if (name.tagClass !== forge.asn1.Class.CONTEXT_SPECIFIC || name.type !== 0 || !oid || !wrapped)
        continue;
      if (forge.asn1.derToOid(oid.value as string) !== RUT_OTHER_NAME_OID) continue;
      const inner = (wrapped.value as forge.asn1.Asn1[])[0];
      const rut = typeof inner?.value === 'string' ? normalizeRut(inner.value) : null;
      if (rut) return rut;
    }
  }
  const serial = cert.subject.getField({ type: '2.5.4.5' })?.value;
  return typeof serial === 'string' ? normalizeRut(serial) : null;
}

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}
