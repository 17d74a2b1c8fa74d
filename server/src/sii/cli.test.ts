/**
 * `npm run erp -- dte build | dte verify` as a person runs them (a real process per command):
 * only CAFs signed by their authority stamp or pass verification. The CAF is the SII's own
 * certification CAF of ../shared/sii/samples; the forgery widens its folio range.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDte, buildEnvelope, loadPfx, parseCaf } from '@erp/sii-core';
import { makeTestCaf, makeTestCertificate } from '@erp/sii-core/test-authority';
import { sampleDocument } from '@erp/sii-core/testing';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));
const SAMPLE = new URL('../../../../shared/sii/samples/FoliosSII7623529139120254111157.xml', import.meta.url);
/** The SII's certification CAF for boletas of 76235291-5, folios 1–20 (IDK 100). */
const GENUINE = readFileSync(SAMPLE, 'latin1');
const FORGED = GENUINE.replace('<H>20</H>', '<H>1000</H>');
const RUT = '76235291-5';
const FORGED_MESSAGE =
  'la firma del SII (FRMA) no corresponde a los datos del CAF: el CAF fue modificado o no lo emitió el SII';

const dir = mkdtempSync(join(tmpdir(), 'erp-cli-'));
/** Writes a file of the test folder: XML text as ISO-8859-1 (as CAFs are), JSON as UTF-8. */
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content, name.endsWith('.xml') ? 'latin1' : 'utf8');
  return path;
};
const pfx = makeTestCertificate({ rut: '12345678-5', name: 'Firmante de Prueba', password: 'clave' });
const certPath = file('cert.pfx', pfx);

/** A boleta of the sample CAF's issuer. */
function boleta(folio: number, rut = RUT) {
  const doc = sampleDocument(39, folio);
  return { ...doc, issuer: { ...doc.issuer, rut } };
}

function erp(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    env: { ...process.env, SII_ENVIRONMENT: 'simulator', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function build(cafPath: string, folio: number, out: string, env?: Record<string, string>, rut?: string) {
  const input = file(`doc-${folio}.json`, JSON.stringify(boleta(folio, rut)));
  return erp(
    [
      'dte',
      'build',
      '--input',
      input,
      '--caf',
      cafPath,
      '--cert',
      certPath,
      '--password',
      'clave',
      '--out',
      out,
    ],
    env,
  );
}

describe('erp dte build / dte verify', () => {
  it("stamps and verifies with the SII's genuine CAF", () => {
    const out = join(dir, 'genuine.xml');
    const built = build(file('genuine-caf.xml', GENUINE), 5, out, { SII_ENVIRONMENT: 'certification' });
    expect(built).toMatchObject({ status: 0, output: expect.stringContaining('F5T39') });
    expect(erp(['dte', 'verify', out], { SII_ENVIRONMENT: 'certification' })).toMatchObject({
      status: 0,
      output: expect.stringContaining('OK: 1 documento(s) válidos'),
    });
  });

  it('refuses to stamp folio 500 with a CAF whose range was widened', () => {
    const out = join(dir, 'forged-build.xml');
    const built = build(file('forged-caf.xml', FORGED), 500, out);
    expect(built.status).toBe(1);
    expect(built.output).toContain(`Error (CAF_INVALID): El CAF no es válido: ${FORGED_MESSAGE}.`);
  });

  it('reports as invalid a document whose TED carries the forged CAF', () => {
    // Built as a forger would, without the check: its TED verifies with the CAF's own key.
    const credentials = loadPfx(pfx, 'clave');
    const dte = buildDte(boleta(500), { caf: parseCaf(FORGED), credentials });
    const envelope = file('forged-envio.xml', buildEnvelope([dte], { credentials }));
    const verified = erp(['dte', 'verify', envelope]);
    expect(verified.status).toBe(1);
    expect(verified.output).toContain(`Documento F500T39: timbre: el CAF no es válido: ${FORGED_MESSAGE}`);
    expect(verified.output).not.toContain('OK:');
  });

  it('takes test CAFs only while documents go to the simulator', () => {
    const testCaf = file('test-caf.xml', makeTestCaf({ rut: '76192083-9', type: 39, from: 1, to: 10 }));
    const out = join(dir, 'test-caf-envio.xml');
    const refused = build(testCaf, 1, out, { SII_ENVIRONMENT: 'certification' }, '76192083-9');
    expect(refused.status).toBe(1);
    expect(refused.output).toContain(
      'Error (CAF_INVALID): El CAF es de la autoridad de prueba (IDK 999): solo se acepta cuando los documentos van al simulador del SII.',
    );
    expect(build(testCaf, 1, out, { SII_ENVIRONMENT: 'simulator' }, '76192083-9').status).toBe(0);
    expect(erp(['dte', 'verify', out], { SII_ENVIRONMENT: 'simulator' }).status).toBe(0);
    const elsewhere = erp(['dte', 'verify', out], { SII_ENVIRONMENT: 'production' });
    expect(elsewhere.status).toBe(1);
    expect(elsewhere.output).toContain('no hay una llave del SII configurada para el IDK 999');
  });
});
