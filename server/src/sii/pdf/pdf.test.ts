/**
 * Renders real documents, rasterises the PDF with pdftoppm and decodes the PDF417 with ZXing:
 * the barcode must carry exactly the TED bytes. One browser for the whole file.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DteType } from '@erp/shared';
import {
  buildDte,
  buildEnvelope,
  flattenTed,
  type ReadDocument,
  readDocuments,
  TIMBRE_LIMITS_MM,
  timbrePng,
  timbreSizeMm,
} from '@erp/sii-core';
import { pngSize, run, sampleDocument, testCaf, testCredentials } from '@erp/sii-core/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DtePdfRenderer } from './pdf.ts';

const dir = mkdtempSync(join(tmpdir(), 'sii-pdf-'));
let renderer: DtePdfRenderer;

beforeAll(async () => {
  if (!existsSync('/usr/bin/chromium'))
    throw new Error("'chromium' is not installed: apt-get install chromium");
  renderer = await DtePdfRenderer.launch();
});
afterAll(() => renderer?.close());

function signedDocument(type: DteType): ReadDocument {
  const credentials = testCredentials();
  const dte = buildDte(sampleDocument(type), { caf: testCaf(type), credentials });
  return readDocuments(buildEnvelope([dte], { credentials })).documents[0]!;
}

/** Rasterises page 1 at 600 DPI and decodes its PDF417 as raw bytes. */
function decodeTimbre(pdfFile: string): Buffer {
  const prefix = pdfFile.replace(/\.pdf$/, '');
  expect(
    run('pdftoppm', ['-r', '600', '-f', '1', '-l', '1', '-singlefile', '-png', pdfFile, prefix]).status,
  ).toBe(0);
  const decoded = run('ZXingReader', ['-format', 'PDF417', '-bytes', `${prefix}.png`]);
  expect(decoded.status).toBe(0);
  return decoded.stdout;
}

describe('PDF', () => {
  it('prints a boleta on an 80 mm roll whose PDF417 decodes to the exact TED bytes', async () => {
    const doc = signedDocument(39);
    const file = join(dir, 'boleta.pdf');
    writeFileSync(
      file,
      await renderer.render(doc, { format: 'thermal', resolution: { number: 80, date: '2014-08-22' } }),
    );
    expect(decodeTimbre(file).equals(Buffer.from(flattenTed(doc.ted!), 'latin1'))).toBe(true);

    const text = run('pdftotext', [file, '-']).output.replace(/\s+/g, ' ');
    for (const expected of [
      'BOLETA ELECTRÓNICA',
      'N° 1',
      'R.U.T.: 76.192.083-9',
      'IVA 19 %',
      'Timbre Electrónico SII',
      'Res. 80 de 2014',
      'Verifique documento: www.sii.cl',
    ]) {
      expect(text).toContain(expected);
    }
    expect(run('pdfinfo', [file]).output).toMatch(/Page size:\s+22[67]\.\d+ x/); // 80 mm = 226.8 pt
  });

  it('prints the buyer a boleta above 135 UF identifies: RUT, name, e-mail and phone', async () => {
    const credentials = testCredentials();
    const boleta = {
      ...sampleDocument(39),
      paymentMethod: 1,
      receiver: {
        rut: '12345678-5',
        businessName: 'María José Pérez',
        email: 'maria.perez@example.cl',
        phone: '+56 9 8765 4321',
      },
    };
    const dte = buildDte(boleta, { caf: testCaf(39), credentials });
    const doc = readDocuments(buildEnvelope([dte], { credentials })).documents[0]!;
    const file = join(dir, 'boleta-buyer.pdf');
    writeFileSync(
      file,
      await renderer.render(doc, { format: 'thermal', resolution: { number: 80, date: '2014-08-22' } }),
    );
    const text = run('pdftotext', [file, '-']).output.replace(/\s+/g, ' ');
    expect(text).toContain('Cliente: R.U.T. 12.345.678-5 María José Pérez');
    expect(text).toContain('maria.perez@example.cl · +56 9 8765 4321');
  });

  it("prints each discount of a boleta: the line's percentage with its pesos, the ticket's with its words", async () => {
    const credentials = testCredentials();
    const boleta = {
      ...sampleDocument(39),
      lines: [
        { name: 'Bebida cola 1,5 L', quantity: '2', unitPrice: '1990', discountPercent: '10' },
        { name: 'Leche entera 1 L', quantity: '3', unitPrice: '1190', discountAmount: 300 },
      ],
      adjustments: [
        { kind: 'discount' as const, percent: '5', description: 'Descuento ticket 5% cliente frecuente' },
        { kind: 'discount' as const, amount: 100, description: 'Descuento ticket dañado' },
      ],
    };
    const dte = buildDte(boleta, { caf: testCaf(39), credentials });
    const doc = readDocuments(buildEnvelope([dte], { credentials })).documents[0]!;
    const file = join(dir, 'boleta-discounts.pdf');
    writeFileSync(
      file,
      await renderer.render(doc, { format: 'thermal', resolution: { number: 80, date: '2014-08-22' } }),
    );
    const text = run('pdftotext', ['-layout', file, '-']).output.replace(/\s+/g, ' ');
    // 2 × 1990 = 3980 less 10 % (398); 3570 less 300; 5 % of 3582 + 3270 = 6852 is 343.
    expect(text).toContain('Desc. 10 % -$398');
    expect(text).toContain('Leche entera 1 L Desc. -$300 3 1190 $3.270');
    // The 80 mm roll wraps the ticket discount's words beside its value.
    expect(text).toMatch(/Descuento ticket 5% cliente -5 % frecuente \(-\$343\)/);
    expect(text).toContain('Descuento ticket dañado -$100');
    expect(text).toContain('Total $6.409');
  });

  it("prints a factura's additional taxes (ImptoReten) by name and rate in its totals", async () => {
    const credentials = testCredentials();
    const factura = {
      ...sampleDocument(33),
      lines: [
        { name: 'Cerveza lager 1 L', quantity: '2', unitPrice: '1000', additionalTax: 26 as const },
        { name: 'Pisco 35° 700 cc', quantity: '1', unitPrice: '10000', additionalTax: 24 as const },
      ],
      adjustments: [],
    };
    const dte = buildDte(factura, { caf: testCaf(33), credentials });
    const doc = readDocuments(buildEnvelope([dte], { credentials })).documents[0]!;
    const file = join(dir, 'factura-ila.pdf');
    writeFileSync(
      file,
      await renderer.render(doc, { format: 'letter', resolution: { number: 0, date: '2025-03-26' } }),
    );
    const text = run('pdftotext', ['-layout', file, '-']).output.replace(/\s+/g, ' ');
    // Net 12000, IVA 2280; ILA 31,5 % of 10000 and 20,5 % of 2000.
    expect(text).toContain('ILA licores 31,5% $3.150');
    expect(text).toContain('ILA cervezas 20,5% $410');
    expect(text).toContain('Total $17.840');
  });

  it('prints a nota de crédito on letter paper with receiver, references, totals and timbre', async () => {
    const doc = signedDocument(61);
    const file = join(dir, 'nota.pdf');
    writeFileSync(
      file,
      await renderer.render(doc, {
        format: 'letter',
        resolution: { number: 0, date: '2025-03-26' },
        siiOffice: 'ÑUÑOA',
      }),
    );
    expect(decodeTimbre(file).equals(Buffer.from(flattenTed(doc.ted!), 'latin1'))).toBe(true);
    const text = run('pdftotext', [file, '-']).output.replace(/\s+/g, ' ');
    for (const expected of [
      'NOTA DE CRÉDITO ELECTRÓNICA',
      'S.I.I. - ÑUÑOA',
      `Cliente ñ Ñ á É ' " & < > Ltda`,
      'FACTURA ELECTRÓNICA N° 15 del 01-06-2025',
      'Corrige montos',
      'Monto neto',
      'IVA 19 %',
      'Res. 0 de 2025',
    ]) {
      expect(text).toContain(expected);
    }
  });
});

describe('foreign text', () => {
  it('is escaped, and the page runs no script and loads nothing from outside', async () => {
    const doc = signedDocument(33);
    const hostile = `2025-01-01<script>document.body.innerHTML='EJECUTADO'</script><img src="http://127.0.0.1:9/x">`;
    doc.issueDate = hostile;
    const file = join(dir, 'hostil.pdf');
    writeFileSync(
      file,
      await renderer.render(doc, { format: 'letter', resolution: { number: 0, date: '2025-03-26' } }),
    );
    const text = run('pdftotext', [file, '-']).output.replace(/\s+/g, ' ');
    // Printed as text (the cell wraps the date), and the body was not replaced by the script.
    expect(text).toContain("<script>document.body.innerHTML='EJECUTADO'</script>");
    expect(text).toContain('FACTURA ELECTRÓNICA');
  });
});

describe('timbre size', () => {
  it('stays within the SII limits (2 × 5 cm to 4 × 9 cm) for a full-length TED', async () => {
    const png = await timbrePng(signedDocument(33).ted!);
    expect(pngSize(png).width).toBeGreaterThan(pngSize(png).height);
    for (const width of [54, 85]) {
      const size = timbreSizeMm(png, width);
      expect(size.width).toBeGreaterThanOrEqual(TIMBRE_LIMITS_MM.minWidth);
      expect(size.width).toBeLessThanOrEqual(TIMBRE_LIMITS_MM.maxWidth);
      expect(size.height).toBeGreaterThanOrEqual(TIMBRE_LIMITS_MM.minHeight);
      expect(size.height).toBeLessThanOrEqual(TIMBRE_LIMITS_MM.maxHeight);
    }
  });
});

describe('a renderer whose process is killed', () => {
  const alive = (pid: number) => existsSync(`/proc/${pid}`);

  it('takes its Chromium with it (a crashed worker leaves no browser behind)', async () => {
    const launcher = new URL('./pdf.ts', import.meta.url).pathname;
    const owner = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `await (await import(${JSON.stringify(launcher)})).DtePdfRenderer.launch(); console.log('up'); setInterval(() => {}, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let browsers: number[] = [];
    try {
      await new Promise((resolve, reject) => {
        owner.stdout!.once('data', resolve);
        owner.once('exit', reject);
      });
      browsers = execFileSync('ps', ['--ppid', String(owner.pid), '-o', 'pid=,comm='], { encoding: 'utf8' })
        .split('\n')
        .filter((line) => line.includes('chromium'))
        .map((line) => Number.parseInt(line, 10));
      expect(browsers).toHaveLength(1);
      expect(alive(browsers[0]!)).toBe(true);

      owner.kill('SIGKILL');
      await vi.waitFor(() => expect(alive(browsers[0]!)).toBe(false), { timeout: 10_000, interval: 100 });
    } finally {
      // Whatever failed above, neither process outlives the test.
      owner.kill('SIGKILL');
      for (const pid of browsers.filter(alive)) process.kill(pid, 'SIGKILL');
    }
  }, 30_000);
});
