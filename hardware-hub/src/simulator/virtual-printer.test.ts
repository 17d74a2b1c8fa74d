import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { renderSampleBoleta, SAMPLE_TED } from '../testing/sample-jobs.ts';
import { readPdf417 } from '../testing/tools.ts';
import { VirtualPrinter } from './virtual-printer.ts';
import { VirtualScale } from './virtual-scale.ts';

const dir = mkdtempSync(join(tmpdir(), 'hub-sim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('simulator', () => {
  it('writes each receipt as text and as a PNG whose timbre decodes to the TED bytes', async () => {
    const printer = new VirtualPrinter('caja-1', 58, dir, pino({ level: 'silent' }));
    await printer.print(renderSampleBoleta(printer.info), async () => {});
    const files = readdirSync(dir).sort();
    expect(files.map((f) => f.slice(f.lastIndexOf('.')))).toEqual(['.png', '.txt']);
    expect(readFileSync(join(dir, files[1]!), 'utf8')).toContain('BOLETA ELECTRÓNICA');
    const png = join(dir, files[0]!);
    expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
    expect(await readPdf417(png)).toEqual(Buffer.from(SAMPLE_TED, 'latin1'));
  });

  it('produces weights that wobble, then settle, and honours tare', async () => {
    const scale = new VirtualScale('balanza-1');
    const readings: Array<{ weight: string | null; stable: boolean; net: boolean }> = [];
    scale.onReading(({ weight, stable, net }) => readings.push({ weight, stable, net }));
    scale.watch(60_000);
    await expect
      .poll(() => readings.some((r) => r.stable && r.weight !== '0.000'), { timeout: 10_000 })
      .toBe(true);
    expect(readings.some((r) => !r.stable)).toBe(true);
    await scale.tare(() => {});
    await expect.poll(() => readings.at(-1), { timeout: 2000 }).toMatchObject({ weight: '0.000', net: true });
    await scale.close();
  });
});
