import type { DteType } from '@erp/shared';
import { describe, expect, it } from 'vitest';
import { buildDte } from './builder.ts';
import { loadPfx } from './certificate.ts';
import { buildEnvelope } from './envelope.ts';
import { readDocuments } from './reader.ts';
import { validateSchema } from './schema.ts';
import { signatureValidFast } from './signature-fast.ts';
import { makeTestCertificate } from './test-authority/test-certificate.ts';
import { SIGNER_RUT, sampleDocument, testCaf, testCredentials } from './test-support/fixtures.ts';
import { verifyFile } from './verifier.ts';

const credentials = testCredentials();

function envelopeOf(type: DteType, folios = [1, 2, 3]): string {
  const dtes = folios.map((folio) =>
    buildDte(sampleDocument(type, folio), { caf: testCaf(type), credentials }),
  );
  return buildEnvelope(dtes, { credentials }).toString('latin1');
}
const kindOf = (type: DteType) => (type === 39 || type === 41 ? 'EnvioBOLETA' : 'EnvioDTE');

describe('signatureValidFast', () => {
  it.each([33, 34, 39, 41, 52, 56, 61] as DteType[])(
    'proves the envelope and every document of type %i valid (tricky characters included)',
    (type) => {
      const text = envelopeOf(type);
      expect(signatureValidFast(text, kindOf(type), 'SetDTE')).toBe(true);
      const read = readDocuments(Buffer.from(text, 'latin1'));
      for (const doc of read.documents) expect(signatureValidFast(doc.xml, 'DTE', 'Documento')).toBe(true);
    },
  );

  it('does not prove a signature over edited content, a changed signature value or another signer', () => {
    const text = envelopeOf(39);
    const edited = text.replace('<MntTotal>', '<MntTotal>1');
    expect(signatureValidFast(edited, 'EnvioBOLETA', 'SetDTE')).toBe(false);
    const [doc] = readDocuments(Buffer.from(edited, 'latin1')).documents;
    expect(signatureValidFast(doc!.xml, 'DTE', 'Documento')).toBe(false);

    const value = /<SignatureValue>([^<]*)<\/SignatureValue>\s*<KeyInfo>(?![\s\S]*<SignatureValue>)/.exec(
      text,
    )!;
    const flipped = value[1]!.startsWith('A') ? `B${value[1]!.slice(1)}` : `A${value[1]!.slice(1)}`;
    expect(signatureValidFast(text.replace(value[1]!, flipped), 'EnvioBOLETA', 'SetDTE')).toBe(false);

    // Another signer's public key in place of the real one's.
    const other = loadPfx(makeTestCertificate({ rut: SIGNER_RUT, name: 'Otra', password: 'x' }), 'x');
    const modulus = /<Modulus>([^<]*)<\/Modulus>/.exec(text)![1]!;
    expect(signatureValidFast(text.replaceAll(modulus, other.modulus), 'EnvioBOLETA', 'SetDTE')).toBe(false);
  });

  it('leaves text that is not in canonical form to the generic check', () => {
    const text = envelopeOf(39);
    // A comment: C14N drops it, so the digested text is not the text as it stands.
    const commented = text.replace('<Caratula version="1.0">', '<Caratula version="1.0"><!-- x -->');
    expect(signatureValidFast(commented, 'EnvioBOLETA', 'SetDTE')).toBe(false);
    expect(
      signatureValidFast(
        text.replace('<SetDTE ID="SetDoc">', '<SetDTE  ID="SetDoc">'),
        'EnvioBOLETA',
        'SetDTE',
      ),
    ).toBe(false);
    // Two elements with the referenced name: not proven.
    const twice = text.replace('</SetDTE>', '</SetDTE><SetDTE ID="SetDoc"></SetDTE>');
    expect(signatureValidFast(twice, 'EnvioBOLETA', 'SetDTE')).toBe(false);
  });

  it('gives verifyFile the same report with or without it, valid or tampered', async () => {
    const text = envelopeOf(33, [1, 2, 3, 4, 5]);
    const edited = text.replace('<MntTotal>', '<MntTotal>1');
    for (const file of [text, edited]) {
      const bytes = Buffer.from(file, 'latin1');
      const generic = await verifyFile(bytes);
      const fast = await verifyFile(bytes, { fastSignatures: true, signatureSample: 25 });
      expect(fast.failureLines).toEqual(generic.failureLines);
    }
    expect((await verifyFile(Buffer.from(text, 'latin1'), { fastSignatures: true })).ok).toBe(true);
  });
});

describe('validateSchema with the system xmllint', () => {
  it('answers as xmllint-wasm does, for a valid envelope and one that breaks the schema', async () => {
    const text = envelopeOf(39);
    const broken = text.replace(/<MntTotal>(\d+)<\/MntTotal>/, '<MntTotal>uno</MntTotal>');
    for (const [file, ok] of [
      [text, true],
      [broken, false],
    ] as const) {
      const bytes = Buffer.from(file, 'latin1');
      const wasm = await validateSchema(bytes, 'EnvioBOLETA');
      const native = await validateSchema(bytes, 'EnvioBOLETA', { native: true });
      expect(wasm.ok).toBe(ok);
      expect(native).toEqual(wasm);
    }
  });
});
