/**
 * End to end for every document type: build → envelope → real xmllint against the SII schema →
 * real xmlsec1 on each DTE cut out, each DTE in place and the set → TED with the CAF key → our
 * own verifier (xml-crypto).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DteType } from '@erp/shared';
import { describe, expect, it } from 'vitest';
import { buildDte } from './builder.ts';
import { parseCaf } from './caf.ts';
import { siiCafAuthorities } from './caf-authority.ts';
import { buildEnvelope } from './envelope.ts';
import { cutDtes } from './reader.ts';
import { verifyTed } from './ted.ts';
import { makeTestCaf, TEST_CAF_AUTHORITY } from './test-authority/test-authority.ts';
import { writeStandalone, xmllintSchema, xmlsecVerify } from './test-support/external-tools.ts';
import { ISSUER_RUT, sampleDocument, TRICKY, testCaf, testCredentials } from './test-support/fixtures.ts';
import { verifyFile } from './verifier.ts';

const dir = mkdtempSync(join(tmpdir(), 'sii-build-'));
const SCHEMAS: Record<string, string> = {
  EnvioDTE: 'EnvioDTE_v10.xsd',
  EnvioBOLETA: 'sii-2025/schema_envio_bol/EnvioBOLETA_v11.xsd',
};

describe.each([33, 34, 39, 41, 52, 56, 61] as DteType[])('document type %i', (type) => {
  it('validates, and every signature and the TED verify with independent tools', async () => {
    const credentials = testCredentials();
    const caf = testCaf(type);
    const dtes = [1, 2].map((folio) => buildDte(sampleDocument(type, folio), { caf, credentials }));
    const envelope = buildEnvelope(dtes, { credentials });
    const file = join(dir, `envio-${type}.xml`);
    writeFileSync(file, envelope);
    const text = envelope.toString('latin1');
    const kind = text.includes('<EnvioBOLETA') ? 'EnvioBOLETA' : 'EnvioDTE';
    expect(kind).toBe(type === 39 || type === 41 ? 'EnvioBOLETA' : 'EnvioDTE');

    // Text reaches the file escaped exactly as C14N writes it, in ISO-8859-1.
    expect(text).toContain(`Pan amasado ñ Ñ á É ' " &amp; &lt; &gt;`);
    expect(envelope.includes(Buffer.from('ñ', 'latin1'))).toBe(true);

    const schema = xmllintSchema(file, SCHEMAS[kind]!);
    expect(schema.output).toContain('validates');
    expect(schema.status).toBe(0);

    for (const [n, dteText] of cutDtes(text).entries()) {
      const cut = join(dir, `dte-${type}-${n}.xml`);
      writeStandalone(cut, dteText);
      expect(xmlsecVerify(cut).output).toMatch(/^OK/m);
      const inPlace = xmlsecVerify(file, `(//*[local-name()='Signature'])[${n + 1}]`);
      expect(inPlace.output).toMatch(/^OK/m);
      expect(inPlace.status).toBe(0);
      expect(verifyTed(/<TED[\s\S]*<\/TED>/.exec(dteText)![0])).toEqual({ ok: true });
    }
    const set = xmlsecVerify(file);
    expect(set.output).toMatch(/^OK/m);
    expect(set.status).toBe(0);

    const report = await verifyFile(envelope, { caf });
    expect(report.failureLines).toEqual([]);
    expect(report.documents.map((d) => d.id)).toEqual([`F1T${type}`, `F2T${type}`]);
  });
});

describe('a nota de crédito of a boleta', () => {
  it('carries MntBruto and IVA-included amounts, validates and splits its total as the boleta did', () => {
    const credentials = testCredentials();
    const sample = sampleDocument(61, 3);
    const doc = {
      ...sample,
      // A boleta's lines carry no additional tax: it is inside their prices.
      lines: sample.lines.map(({ additionalTax: _, ...line }) => line),
      grossAmounts: true,
      adjustments: [
        { kind: 'discount' as const, amount: 1, description: 'Ajuste al total de la venta original' },
      ],
      references: [{ type: 39, folio: 15, date: '2025-06-01', code: 1 as const, reason: 'Devolución' }],
    };
    const dte = buildDte(doc, { caf: testCaf(61), credentials });
    expect(dte.xml).toMatch(/<FchEmis>2025-06-04<\/FchEmis><MntBruto>1<\/MntBruto>/);
    // Lines: round(1.235 × 1990) = 2458, 3 × 1290.5 = 3871.5 → 3872 − 10 % (387) = 3485; less the
    // $1 adjustment 5942 with IVA: net round(5942 / 1.19) = 4993, IVA 949; exempt 3400.
    expect(dte.xml).toContain(
      '<MntNeto>4993</MntNeto><MntExe>3400</MntExe><TasaIVA>19</TasaIVA><IVA>949</IVA><MntTotal>9342</MntTotal>',
    );
    const file = join(dir, 'nc-bruto.xml');
    writeFileSync(file, buildEnvelope([dte], { credentials }));
    const schema = xmllintSchema(file, SCHEMAS.EnvioDTE!);
    expect(schema.output).toContain('validates');
    expect(schema.status).toBe(0);
  });
});

describe('tampering', () => {
  it('xmlsec1 and the verifier reject a document edited after signing', async () => {
    const credentials = testCredentials();
    const dte = buildDte(sampleDocument(33), { caf: testCaf(33), credentials });
    const envelope = buildEnvelope([dte], { credentials }).toString('latin1');
    const edited = envelope.replace('<MntTotal>', '<MntTotal>1');
    const file = join(dir, 'tampered.xml');
    writeFileSync(file, edited, 'latin1');
    expect(xmlsecVerify(file, "(//*[local-name()='Signature'])[1]").status).not.toBe(0);
    const report = await verifyFile(Buffer.from(edited, 'latin1'));
    expect(report.ok).toBe(false);
    expect(report.failureLines).toEqual(
      expect.arrayContaining([
        'Envío: firma del envío (SetDTE): el contenido fue modificado después de firmar (el digest no coincide)',
        'Documento F1T33: firma del documento: el contenido fue modificado después de firmar (el digest no coincide)',
        expect.stringMatching(/^Documento F1T33: timbre: MNT \(\d+\) no coincide con el documento \(1\d+\)$/),
      ]),
    );
  });

  it("the verifier refuses a TED whose CAF range was widened, and one outside its CAF's range", async () => {
    const credentials = testCredentials();
    const authorities = siiCafAuthorities([TEST_CAF_AUTHORITY]);
    const text = makeTestCaf({ rut: ISSUER_RUT, type: 39, from: 1, to: 10 }).toString('latin1');
    const forged = parseCaf(text.replace('<H>10</H>', '<H>1000</H>'));
    const stamped = buildEnvelope([buildDte(sampleDocument(39, 500), { caf: forged, credentials })], {
      credentials,
    });
    expect((await verifyFile(stamped)).failureLines).toEqual([]);
    expect((await verifyFile(stamped, { authorities })).failureLines).toEqual([
      'Documento F500T39: timbre: el CAF no es válido: la firma del SII (FRMA) no corresponde a los datos del CAF: el CAF fue modificado o no lo emitió el SII',
    ]);
    // A genuine CAF, a folio it does not cover (assertCafCovers is skipped when building here).
    const genuine = parseCaf(text);
    const outside = buildEnvelope(
      [buildDte(sampleDocument(39, 11), { caf: { ...genuine, to: 11 }, credentials })],
      { credentials },
    );
    expect((await verifyFile(outside, { authorities })).failureLines).toEqual([
      'Documento F11T39: timbre: El folio 11 está fuera del rango autorizado por el CAF (1 a 10).',
    ]);
  });

  it('cuts names to the schema length and keeps the tricky characters', () => {
    const doc = sampleDocument(39);
    doc.lines[0]!.name = `${'x'.repeat(75)}${TRICKY}`;
    const dte = buildDte(doc, { caf: testCaf(39), credentials: testCredentials() });
    expect(dte.xml).toContain(`<NmbItem>${'x'.repeat(75)}ñ Ñ á</NmbItem>`);
    expect(dte.xml).toContain(`<IT1>${'x'.repeat(40)}</IT1>`);
  });
});
