/**
 * The real SII documents of ../shared/sii/samples: golden and negative vectors
 * [docs/sii-rules.md#verification-with-independent-tools].
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { siiCafAuthorities } from './caf-authority.ts';
import { type VerificationReport, verifyFile } from './verifier.ts';

const sample = (name: string) =>
  readFileSync(new URL(`../../../shared/sii/samples/${name}`, import.meta.url));

describe('real SII samples', () => {
  it.each([
    'F60T33-ejemplo-oficial-SII.xml',
    'SII_F000001T33.xml',
    'DTE--96670340-7--61--110616.xml',
    'DTE--60910000-1--33--2336600.xml',
  ])('accepts %s', async (name) => {
    const report = await verifyFile(sample(name));
    expect(report.failureLines).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it("checks each TED's CAF against the SII key of its IDK: the certification samples verify, production ones need the IDK 300 key", async () => {
    const authorities = siiCafAuthorities();
    for (const name of ['F60T33-ejemplo-oficial-SII.xml', 'SII_F000001T33.xml']) {
      expect((await verifyFile(sample(name), { authorities })).failureLines).toEqual([]);
    }
    const basico = await verifyFile(sample('BASICO_762352915.xml'), { authorities });
    expect(basico.documents.flatMap((d) => d.failures).filter((f) => f.includes('CAF'))).toEqual([]);
    const production = await verifyFile(sample('DTE--96670340-7--61--110616.xml'), { authorities });
    expect(production.failureLines).toEqual([
      'Documento DTE-61-110616: timbre: el CAF no es válido: no hay una llave del SII configurada para el IDK 300; la llave pública del SII para ese IDK debe configurarse en el servidor',
    ]);
  });

  it('verifies the XMLDSig of one document in N with signatureSample, every TED still', async () => {
    const signatureFailures = (report: VerificationReport) =>
      report.documents.map((d) => d.failures.some((f) => f.startsWith('firma del documento')));
    const all = await verifyFile(sample('BASICO_762352915.xml'));
    // The 8 DTEs were edited after signing: every signature fails when each is checked.
    expect(signatureFailures(all)).toEqual(Array(8).fill(true));
    const sampled = await verifyFile(sample('BASICO_762352915.xml'), { signatureSample: 3 });
    expect(signatureFailures(sampled)).toEqual([true, false, false, true, false, false, true, false]);
    expect(sampled.envelopeFailures).toEqual(all.envelopeFailures);
    // With the fast path (the simulator's light mode) the real SII files are never proven by it:
    // every signature goes to the generic check, with the same outcome as a full verification.
    for (const name of ['BASICO_762352915.xml', 'SII_F000001T33.xml']) {
      const full = await verifyFile(sample(name));
      const fast = await verifyFile(sample(name), { signatureSample: 3, fastSignatures: true });
      expect(fast.failureLines).toEqual(full.failureLines);
    }
  });

  it('validates the namespaced envelopes against the schema and skips it only for bare DTEs without namespace', async () => {
    expect((await verifyFile(sample('SII_F000001T33.xml'))).schema).toEqual({ ok: true, errors: [] });
    expect((await verifyFile(sample('DTE--96670340-7--61--110616.xml'))).schema.skipped).toMatch(
      /sin el espacio de nombres/,
    );
  });

  it('rejects BASICO_762352915.xml naming the 8 documents edited after signing', async () => {
    const report = await verifyFile(sample('BASICO_762352915.xml'));
    expect(report.ok).toBe(false);
    expect(report.schema.ok).toBe(true);
    expect(report.envelopeFailures).toEqual([]);
    const failed = report.documents.filter((d) => d.failures.length > 0);
    expect(failed.map((d) => d.id)).toEqual([
      'F17T33',
      'F18T33',
      'F19T33',
      'F20T33',
      'F12T61',
      'F13T61',
      'F14T61',
      'F7T56',
    ]);
    for (const doc of failed) {
      // Only the signature: their TEDs are intact.
      expect(doc.failures).toEqual([
        'firma del documento: el contenido fue modificado después de firmar (el digest no coincide)',
      ]);
    }
  });
});
