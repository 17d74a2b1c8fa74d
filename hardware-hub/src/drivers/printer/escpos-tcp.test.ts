import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { nativePdf417Payload, rasterToPgm } from '../../testing/escpos-capture.ts';
import { type FakeTcpPrinter, startFakeTcpPrinter } from '../../testing/fake-escpos-printer.ts';
import { tcpPrinter } from '../../testing/printers.ts';
import { renderSampleBoleta, SAMPLE_TED } from '../../testing/sample-jobs.ts';
import { readPdf417 } from '../../testing/tools.ts';
import type { EscPosPrinter } from './escpos-printer.ts';

const tmp = mkdtempSync(join(tmpdir(), 'hub-escpos-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let fake: FakeTcpPrinter;
beforeAll(async () => {
  fake = await startFakeTcpPrinter();
});
afterAll(() => fake.close());
afterEach(() => {
  Object.assign(fake.state, { paperOut: false, coverOpen: false, silent: false });
});

const printerFor = (options: Parameters<typeof tcpPrinter>[1] & { port?: number }) =>
  tcpPrinter(options.port ?? fake.port, options);

async function printSample(printer: EscPosPrinter, paperWidthMm: 58 | 80 = 80): Promise<Buffer> {
  const before = fake.captured().length;
  await printer.print(renderSampleBoleta(printer.info, paperWidthMm), async () => {});
  await fake.waitFor((bytes) => bytes.includes(Buffer.from([0x1d, 0x56, 0x41]), before));
  return fake.captured().subarray(before);
}

const hex = (...bytes: number[]) => Buffer.from(bytes);

describe('ESC/POS over TCP 9100', () => {
  it('starts every job with ESC @ then ESC t 19 and prints ñ and Ó as CP858 bytes', async () => {
    const job = await printSample(printerFor({ codePage: 'cp858' }));
    expect(job.subarray(0, 5)).toEqual(hex(0x1b, 0x40, 0x1b, 0x74, 0x13));
    // "BOLETA ELECTRÓNICA": Ó = E0 in CP858; "Ñuñoa": Ñ = A5, ñ = A4 (docs/hardware-protocols.md#code-pages).
    expect(job.includes(Buffer.from('BOLETA ELECTR\xe0NICA', 'latin1'))).toBe(true);
    expect(job.includes(Buffer.from('\xa5u\xa4oa', 'latin1'))).toBe(true);
    expect(job.includes(Buffer.from('Ñ', 'utf8'))).toBe(false);
    // Feed and cut, then the post-job status check (DLE EOT 1, 2, 4).
    expect(job.subarray(-13)).toEqual(hex(0x1d, 0x56, 0x41, 0x03, 0x10, 4, 1, 0x10, 4, 2, 0x10, 4, 4));
    expect(job.includes(hex(0x1b, 0x70))).toBe(false);
  });

  it('uses ESC t 16 and Windows-1252 bytes when the printer is set to WPC1252', async () => {
    const job = await printSample(printerFor({ codePage: 'wpc1252' }));
    expect(job.subarray(0, 5)).toEqual(hex(0x1b, 0x40, 0x1b, 0x74, 0x10));
    expect(job.includes(Buffer.from('BOLETA ELECTR\xd3NICA', 'latin1'))).toBe(true);
    expect(job.includes(Buffer.from('\xd1u\xf1oa', 'latin1'))).toBe(true);
  });

  it('sends the TED bytes unchanged in the native PDF417 command, error correction level 5', async () => {
    const job = await printSample(printerFor({ pdf417: 'native' }));
    expect(nativePdf417Payload(job)).toEqual(Buffer.from(SAMPLE_TED, 'latin1'));
    expect(job.includes(hex(0x1d, 0x28, 0x6b, 0x04, 0x00, 0x30, 0x45, 0x30, 0x35))).toBe(true);
  });

  it.each([80, 58] as const)(
    'prints a raster PDF417 on %i mm paper that a real reader decodes to the TED bytes',
    async (width) => {
      const job = await printSample(printerFor({ pdf417: 'raster', paperWidthMm: width }), width);
      expect(job.includes(hex(0x1d, 0x28, 0x6b))).toBe(false);
      const pgm = join(tmp, `raster-${width}.pgm`);
      writeFileSync(pgm, rasterToPgm(job));
      expect(await readPdf417(pgm)).toEqual(Buffer.from(SAMPLE_TED, 'latin1'));
    },
  );

  it('kicks the drawer on both pins', async () => {
    const before = fake.captured().length;
    await printerFor({}).kickDrawer(async () => {});
    const bytes = await fake.waitFor((b) => b.length >= before + 10);
    expect(bytes.subarray(before)).toEqual(hex(0x1b, 0x70, 0, 25, 25, 0x1b, 0x70, 1, 25, 25));
  });

  it('decodes paper out, cover open, a silent clone and an unreachable printer', async () => {
    const printer = printerFor({});
    expect(await printer.status()).toEqual({ state: 'ready', paperNearEnd: false });
    fake.state.paperOut = true;
    expect(await printer.status()).toEqual({ state: 'paper_out', paperNearEnd: true });
    fake.state.paperOut = false;
    fake.state.coverOpen = true;
    expect((await printer.status()).state).toBe('cover_open');
    fake.state.silent = true;
    expect((await printer.status()).state).toBe('unknown');
    const closed = await startFakeTcpPrinter();
    await closed.close();
    expect((await printerFor({ port: closed.port }).status()).state).toBe('disconnected');
  });
});
