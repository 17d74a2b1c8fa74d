/**
 * A factura printed at the counter through the REAL hub process driving a fake ESC/POS printer
 * over TCP (raster PDF417, WPC1252 text): the buyer's copy, a cut, and the CEDIBLE copy with the
 * acuse de recibo. Each copy's timbre is read back from the captured raster bytes by ZXingReader
 * (an image decoder independent of the hub's encoder) and must be the sale's TED, whose
 * signature verifies. The nota de crédito of that factura prints once, with neither.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyTed } from '@erp/sii-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rasterToPgm } from '../../../hardware-hub/src/testing/escpos-capture.ts';
import {
  type FakeTcpPrinter,
  startFakeTcpPrinter,
} from '../../../hardware-hub/src/testing/fake-escpos-printer.ts';
import { countJobs } from '../../../hardware-hub/src/testing/printers.ts';
import { readPdf417 } from '../../../hardware-hub/src/testing/tools.ts';
import { TEST_PIN } from '../../test/harness.ts';
import { type HubProcess, issueHubCredential, startHubProcess, waitFor } from '../../test/hubs.ts';
import { useSellingFixture } from '../../test/selling-fixture.ts';

const CUT = Buffer.from([0x1d, 0x56, 0x41]);
let printer: FakeTcpPrinter;
let hub: HubProcess;
let dataDir: string;

const shop = useSellingFixture({
  label: 'fprn',
  stock: '100',
  products: [
    { code: 'LEC-01', name: 'Leche entera 1 L', price: 1190, exempt: false, weighable: false },
    {
      code: 'CER-01',
      name: 'Cerveza lager 1 L',
      price: 1395,
      exempt: false,
      weighable: false,
      additionalTax: 26,
    },
  ],
  cafs: [
    [33, 1, 20],
    [61, 1, 20],
  ],
});

beforeAll(async () => {
  const admin = await shop.signIn(shop.tenant, shop.tenant.emails.admin, { screen: 'backoffice' });
  printer = await startFakeTcpPrinter();
  dataDir = mkdtempSync(join(tmpdir(), 'erp-hub-factura-'));
  hub = startHubProcess(
    shop.server.url,
    shop.tenant.slug,
    await issueHubCredential(admin, shop.tenant.stores[0]!.id),
    dataDir,
    [
      {
        id: 'caja-1',
        connection: { type: 'tcp', host: '127.0.0.1', port: printer.port },
        codePage: 'wpc1252',
        pdf417: 'raster',
      },
    ],
  );
  await waitFor(async () => {
    const listed = await admin.emitWithAck('hub:list', { storeId: shop.tenant.stores[0]!.id });
    return listed.ok && listed.data.devices.some((d) => d.online && d.announce !== null);
  }, 30_000);
}, 60_000);
afterAll(async () => {
  await hub?.stop();
  await printer?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** The bytes of each receipt job (each starts with `ESC @`) since `from`. */
function jobsSince(from: number): Buffer[] {
  const bytes = printer.captured().subarray(from);
  const starts: number[] = [];
  for (
    let i = bytes.indexOf(Buffer.from([0x1b, 0x40]));
    i >= 0;
    i = bytes.indexOf(Buffer.from([0x1b, 0x40]), i + 2)
  )
    starts.push(i);
  return starts.map((start, k) => bytes.subarray(start, starts[k + 1] ?? bytes.length));
}

/** Splits a job at each cut (`GS V A`); the job's own closing cut leaves an empty tail. */
function copiesOf(job: Buffer): Buffer[] {
  const copies: Buffer[] = [];
  let at = 0;
  for (let i = job.indexOf(CUT); i >= 0; i = job.indexOf(CUT, at)) {
    copies.push(job.subarray(at, i));
    at = i + CUT.length + 1;
  }
  return copies;
}

const text = (bytes: Buffer) => new TextDecoder('windows-1252').decode(bytes);

/** The PDF417 in a copy's raster bytes, decoded by ZXingReader. */
async function timbreOf(copy: Buffer, name: string): Promise<string> {
  const file = join(dataDir, `${name}.pgm`);
  writeFileSync(file, rasterToPgm(copy));
  return (await readPdf417(file)).toString('latin1');
}

describe('a factura at the counter', () => {
  let factura: { saleId: string; folio: number; ted: string; total: number };

  it("prints the buyer's copy and the CEDIBLE copy with the acuse de recibo, each timbre the sale's TED", async () => {
    const from = printer.captured().length;
    const answer = await shop.till.socket.emitWithAck('sale:commit', {
      saleId: randomUUID(),
      terminalId: shop.till.terminalId,
      cashSessionId: shop.till.cashSessionId,
      docType: 33,
      customer: {
        rut: '77123456-9',
        razonSocial: 'Botillería Ñuñoa Ltda.',
        giro: 'Botillería',
        address: 'Irarrázaval 100',
        comuna: 'Ñuñoa',
      },
      lines: [
        { productId: shop.products[0]!.id, quantity: '1', unitPrice: 1190 },
        { productId: shop.products[1]!.id, quantity: '2', unitPrice: 1395 },
      ],
      payments: [{ method: 'cash', tendered: 5000 }],
    });
    if (!answer.ok) throw new Error(JSON.stringify(answer.error));
    factura = answer.data;
    // Net 1000 + 2000, IVA 570, ILA cervezas 20,5 % of 2000.
    expect(factura.total).toBe(3980);
    await printer.waitFor(() => copiesOf(jobsSince(from)[0] ?? Buffer.alloc(0)).length === 2, 20_000);
    await new Promise((r) => setTimeout(r, 300));
    const jobs = jobsSince(from);
    expect(jobs).toHaveLength(1);
    const [buyer, cedible] = copiesOf(jobs[0]!) as [Buffer, Buffer];
    for (const copy of [buyer, cedible]) {
      const printed = text(copy);
      for (const expected of [
        'Giro: Comercio',
        'R.U.T.: 76.192.083-9',
        'FACTURA ELECTRÓNICA',
        `N° ${factura.folio}`,
        'S.I.I. - ',
        'Señor(es): Botillería Ñuñoa Ltda.',
        'R.U.T.: 77.123.456-9',
        'Giro: Botillería',
        'Dirección: Irarrázaval 100',
        'Comuna: Ñuñoa',
        'Cerveza lager 1 L',
        'Neto',
        '$3.000',
        'IVA (19%)',
        '$570',
        'ILA cervezas 20,5%',
        '$410',
        '$3.980',
        'Timbre Electrónico SII',
        'Verifique documento: www.sii.cl',
      ]) {
        expect(printed).toContain(expected);
      }
      expect(printed).toMatch(/Res\. \d+ de \d{4}/);
      const ted = await timbreOf(copy, `factura-${copy === buyer ? 'buyer' : 'cedible'}`);
      expect(ted).toBe(factura.ted);
      expect(verifyTed(ted)).toEqual({ ok: true });
    }
    expect(text(buyer)).not.toContain('CEDIBLE');
    expect(text(buyer)).not.toContain('ACUSE DE RECIBO');
    const second = text(cedible);
    for (const expected of [
      'ACUSE DE RECIBO',
      'Nombre: ___',
      'R.U.T.: ___',
      'Fecha: ___',
      'Recinto: ___',
      'Firma: ___',
      'Ley',
      '19.983',
      'CEDIBLE',
    ]) {
      expect(second).toContain(expected);
    }
    // CEDIBLE comes after the timbre's legend, at the bottom of the copy.
    expect(second.lastIndexOf('CEDIBLE')).toBeGreaterThan(second.indexOf('Verifique documento'));
  });

  it('prints its nota de crédito once, without a cedible copy or an acuse de recibo', async () => {
    const from = printer.captured().length;
    const answer = await shop.till.socket.emitWithAck('sale:return', {
      returnId: randomUUID(),
      terminalId: shop.till.terminalId,
      cashSessionId: shop.till.cashSessionId,
      original: { saleId: factura.saleId },
      refundMethod: 'cash',
      reason: 'Producto vencido',
      approval: { email: shop.tenant.emails.supervisor, pin: TEST_PIN },
    });
    if (!answer.ok) throw new Error(JSON.stringify(answer.error));
    await printer.waitFor(
      (bytes) => countJobs(bytes.subarray(from)) === 1 && bytes.subarray(from).includes(CUT),
      20_000,
    );
    await new Promise((r) => setTimeout(r, 300));
    const [note] = jobsSince(from) as [Buffer];
    expect(copiesOf(note)).toHaveLength(1);
    const printed = text(note);
    expect(printed).toContain('NOTA DE CRÉDITO ELECTRÓNICA');
    expect(printed).toContain(`FACTURA ELECTRÓNICA N° ${factura.folio}`);
    expect(printed).not.toContain('CEDIBLE');
    expect(printed).not.toContain('ACUSE DE RECIBO');
    const ted = await timbreOf(note, 'nota');
    expect(ted).toBe(answer.data.ted);
    expect(verifyTed(ted)).toEqual({ ok: true });
  });
});
