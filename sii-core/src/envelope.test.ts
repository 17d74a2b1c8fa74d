import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildDte } from './builder.ts';
import { loadPfx } from './certificate.ts';
import { buildEnvelope, envelopeFit, MAX_ENVELOPE_BYTES } from './envelope.ts';
import { readDocuments } from './reader.ts';
import { makeTestCertificate } from './test-authority/test-certificate.ts';
import { SIGNER_RUT, sampleDocument, testCaf, testCredentials } from './test-support/fixtures.ts';

describe('test certificate', () => {
  it('carries the RUT in subjectAltName otherName and in the subject, and needs its password', () => {
    const credentials = testCredentials();
    expect(credentials.rut).toBe(SIGNER_RUT);
    const x509 = new X509Certificate(Buffer.from(credentials.certificate, 'base64'));
    expect(x509.subject).toContain(`serialNumber=${SIGNER_RUT}`);
    expect(() => loadPfx(makeTestCertificate({ rut: SIGNER_RUT, name: 'X', password: 'a' }), 'b')).toThrow(
      expect.objectContaining({ code: 'CERTIFICATE_INVALID' }),
    );
  });
});

describe('buildEnvelope', () => {
  const credentials = testCredentials();

  it('writes the Caratula with one SubTotDTE per type', () => {
    const dtes = [
      buildDte(sampleDocument(39, 1), { caf: testCaf(39), credentials }),
      buildDte(sampleDocument(41, 1), { caf: testCaf(41), credentials }),
      buildDte(sampleDocument(39, 2), { caf: testCaf(39), credentials }),
    ];
    const read = readDocuments(
      buildEnvelope(dtes, { credentials, signedAt: new Date('2025-06-04T16:00:00Z') }),
    );
    expect(read.kind).toBe('EnvioBOLETA');
    expect(read.caratula).toEqual({
      issuerRut: '76192083-9',
      senderRut: SIGNER_RUT,
      receiverRut: '60803000-K',
      resolutionDate: '2014-08-22',
      resolutionNumber: 80,
      signedAt: '2025-06-04T12:00:00',
      subtotals: [
        { type: 39, count: 2 },
        { type: 41, count: 1 },
      ],
    });
  });

  it('refuses to mix boletas with facturas, repeated documents and more than 500 boletas', () => {
    const boleta = buildDte(sampleDocument(39), { caf: testCaf(39), credentials });
    const factura = buildDte(sampleDocument(33), { caf: testCaf(33), credentials });
    expect(() => buildEnvelope([boleta, factura], { credentials })).toThrow(
      'No se pueden enviar boletas junto con facturas, notas o guías en un mismo envío.',
    );
    expect(() => buildEnvelope([factura, factura], { credentials })).toThrow(
      'El documento F1T33 está repetido en el envío.',
    );
    const many = Array.from({ length: 501 }, (_, i) => ({ ...boleta, id: `F${i + 1}T39` }));
    expect(() => buildEnvelope(many, { credentials })).toThrow(
      'Un EnvioBOLETA admite a lo más 500 documentos.',
    );
  });

  it('refuses an envelope over MAX_ENVELOPE_BYTES', () => {
    const boleta = buildDte(sampleDocument(39), { caf: testCaf(39), credentials });
    const count = Math.floor(MAX_ENVELOPE_BYTES / boleta.xml.length / 2) + 20;
    // Documents of twice the real size (their XML repeated) so that fewer than 500 overflow.
    const heavy = Array.from({ length: count }, (_, i) => ({
      ...boleta,
      id: `F${i + 1}T39`,
      xml: boleta.xml + boleta.xml.slice(boleta.xml.indexOf('>') + 1),
    }));
    expect(() => buildEnvelope(heavy, { credentials })).toThrow(/El envío pesa \d+ bytes: a lo más 4194304/);
  });
});

describe('envelopeFit', () => {
  it('splits boletas at 500 and other documents at 2000', () => {
    expect(envelopeFit('EnvioBOLETA', Array(1200).fill(5_000))).toBe(500);
    expect(envelopeFit('EnvioBOLETA', Array(200).fill(5_000))).toBe(200);
    expect(envelopeFit('EnvioDTE', Array(2500).fill(1_000))).toBe(2000);
  });

  it('splits at the byte limit, counting the envelope around the documents, and always takes one', () => {
    // 700 facturas of 6 KB: 4.2 MB, more than 4 MiB with the envelope around them.
    const sizes = Array(700).fill(6_000);
    const fit = envelopeFit('EnvioDTE', sizes);
    expect(fit).toBeLessThan(700);
    expect(fit * 6_001 + 16 * 1024).toBeLessThanOrEqual(MAX_ENVELOPE_BYTES);
    expect((fit + 1) * 6_001 + 16 * 1024).toBeGreaterThan(MAX_ENVELOPE_BYTES);
    expect(envelopeFit('EnvioDTE', [MAX_ENVELOPE_BYTES * 2, 10])).toBe(1);
    expect(envelopeFit('EnvioDTE', [])).toBe(0);
  });
});
