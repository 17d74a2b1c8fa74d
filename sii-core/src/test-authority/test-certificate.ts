/**
 * Throw-away signing certificates, the counterpart of the test CAF authority beside this file:
 * tests, benchmarks, the demo seed and certification dry runs sign with them.
 */
import { generateKeyPairSync } from 'node:crypto';
import { normalizeRut } from '@erp/shared';
import forge from 'node-forge';
import { RUT_OTHER_NAME_OID } from '../certificate.ts';
import { DteError } from '../errors.ts';

/**
 * A self-signed certificate for tests and certification dry runs, shaped like the ones Chilean
 * CAs issue: RUT in subjectAltName otherName and in the subject serialNumber.
 */
export function makeTestCertificate(options: {
  rut: string;
  name: string;
  password: string;
  validDays?: number;
}): Buffer {
  const rut = normalizeRut(options.rut);
  if (!rut) throw new DteError('INVALID_RUT');
  // Node generates the key natively (forge's pure-JS RSA-2048 keygen takes seconds).
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString());
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = `01${Buffer.from(rut).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 24 * 3600 * 1000);
  cert.validity.notAfter = new Date(Date.now() + (options.validDays ?? 365) * 24 * 3600 * 1000);
  const subject = [
    { name: 'countryName', value: 'CL' },
    { name: 'commonName', value: options.name },
    { type: '2.5.4.5', value: rut },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, keyEncipherment: true },
    { name: 'subjectAltName', value: rutOtherName(rut) },
  ]);
  cert.sign(key, forge.md.sha256.create());
  const p12 = forge.pkcs12.toPkcs12Asn1(key, [cert], options.password, {
    algorithm: '3des',
    friendlyName: options.name,
  });
  return Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary');
}

/** GeneralNames ::= SEQUENCE { otherName [0] { type-id OID, value [0] EXPLICIT IA5String } }. */
function rutOtherName(rut: string): forge.asn1.Asn1 {
  const { create, Class, Type } = forge.asn1;
  return create(Class.UNIVERSAL, Type.SEQUENCE, true, [
    create(Class.CONTEXT_SPECIFIC, 0, true, [
      create(Class.UNIVERSAL, Type.OID, false, forge.asn1.oidToDer(RUT_OTHER_NAME_OID).getBytes()),
      create(Class.CONTEXT_SPECIFIC, 0, true, [create(Class.UNIVERSAL, Type.IA5STRING, false, rut)]),
    ]),
  ]);
}
