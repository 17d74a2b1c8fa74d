import type { ScaleReading } from '@erp/shared';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeScale, fakeCasType6, fakeDialog06, fakeToledo } from '../../testing/fake-scales.ts';
import { type PtyPair, startPtyPair } from '../../testing/socat.ts';
import { serialPortOptions } from '../printer/serial-transport.ts';
import { casEcrType6 } from './cas-ecr-type6.ts';
import { casStream } from './cas-stream.ts';
import { dialog06 } from './dialog06.ts';
import type { ScaleProtocol } from './scale.ts';
import { SerialScale } from './serial-scale.ts';
import { toledo8217 } from './toledo-8217.ts';

const logger = pino({ level: 'silent' });
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function scaleOnPty(protocol: ScaleProtocol, options: { silenceMs?: number } = {}) {
  const pty: PtyPair = await startPtyPair();
  cleanups.push(() => pty.close());
  const scale = new SerialScale('balanza-1', 'Balanza', protocol, {
    path: pty.hubPath,
    pollMs: 50,
    logger,
    ...options,
  });
  cleanups.push(() => scale.close());
  const readings: ScaleReading[] = [];
  scale.onReading((reading) => readings.push(reading));
  scale.start();
  return { pty, scale, readings };
}

function track(device: FakeScale): FakeScale {
  cleanups.push(() => device.close());
  return device;
}

/** Waits until `count` readings arrived and returns their essential fields. */
async function firstReadings(readings: ScaleReading[], count: number) {
  const deadline = Date.now() + 5000;
  while (readings.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return readings.slice(0, count).map(({ weight, stable, net, overload, underZero, unit }) => ({
    weight,
    stable,
    ...(net ? { net } : {}),
    ...(overload ? { overload } : {}),
    ...(underZero ? { underZero } : {}),
    ...(unit !== 'kg' ? { unit } : {}),
  }));
}

describe('scales over a socat pty pair', () => {
  it('uses each protocol’s line settings (a pty would not notice a wrong one)', () => {
    expect(serialPortOptions('/dev/x', toledo8217.serial)).toMatchObject({
      baudRate: 9600,
      dataBits: 7,
      parity: 'even',
      stopBits: 1,
    });
    expect(serialPortOptions('/dev/x', dialog06.serial)).toMatchObject({ dataBits: 8, parity: 'none' });
  });

  it('Toledo 8217: moving + net status, then a stable weight, overload, under zero, net; tare and zero', async () => {
    const { pty, scale, readings } = await scaleOnPty(toledo8217);
    const device = track(
      await fakeToledo(pty.devicePath, [
        'garbage\r\x02?\x21\r',
        '\x02  1.234\r',
        '\x02?\x02\r',
        '\x02?\x04\r',
        '\x02 01.500N\r',
      ]),
    );
    scale.watch(10_000);
    expect(await firstReadings(readings, 5)).toEqual([
      { weight: null, stable: false, net: true },
      { weight: '1.234', stable: true },
      { weight: null, stable: true, overload: true },
      { weight: null, stable: true, underZero: true },
      { weight: '1.500', stable: true, net: true },
    ]);
    await scale.tare(() => {});
    await scale.zero(() => {});
    await expect.poll(() => device.received.filter((c) => c === 'T' || c === 'Z')).toEqual(['T', 'Z']);
  });

  it('CAS stream: resyncs after a frame tail, reads split frames, both frame sizes, negative, overload, silence', async () => {
    const { pty, scale, readings } = await scaleOnPty(casStream, { silenceMs: 400 });
    const device = track(await fakeToledo(pty.devicePath, ['']));
    scale.watch(10_000);
    const send = (text: string) =>
      new Promise((resolve) => device.port.write(Buffer.from(text, 'latin1'), resolve));
    await send(',+  25340kg\r\nUS,GS,+  0.120kg\r\n');
    await send('ST,GS,+0001.234kg\r\nST,NT,-  0.050kg\r\nxx\r\nOL,GS,        kg\r\n');
    await send('ST,GS,1\xc4,  00013.5 kg\r\nST,GS,+00');
    await send('02.000kg\r\nST,GS,   0.325  g\r\n');
    expect(await firstReadings(readings, 7)).toEqual([
      { weight: '0.120', stable: false },
      { weight: '1.234', stable: true },
      { weight: '-0.050', stable: true, net: true, underZero: true },
      { weight: null, stable: false, overload: true },
      { weight: '13.5', stable: true },
      { weight: '2.000', stable: true },
      { weight: '0.325', stable: true, unit: 'g' },
    ]);
    await expect.poll(() => readings.at(-1)?.connected, { timeout: 3000 }).toBe(false);
    await expect(scale.tare(() => {})).rejects.toMatchObject({ code: 'DEVICE_UNAVAILABLE' });
  });

  it('CAS PD-II type 6: ENQ/ACK then DC1; unstable, stable, negative, overload and NAK', async () => {
    const { pty, scale, readings } = await scaleOnPty(casEcrType6);
    track(
      await fakeCasType6(pty.devicePath, [
        { status: 'U', sign: ' ', weight: ' 0.120' },
        { status: 'S', sign: ' ', weight: ' 1.234' },
        { status: 'S', sign: '-', weight: ' 0.050' },
        { status: 'S', sign: 'F', weight: 'FFFFFF' },
        'NAK',
      ]),
    );
    scale.watch(10_000);
    expect(await firstReadings(readings, 5)).toEqual([
      { weight: '0.120', stable: false },
      { weight: '1.234', stable: true },
      { weight: '-0.050', stable: true, underZero: true },
      { weight: null, stable: true, overload: true },
      { weight: null, stable: false },
    ]);
  });

  // Dialog 06 has no overload frame: over capacity (like no load or motion) is answered NAK.
  it('Dialog 06: price record, EOT ENQ; blanks while unstable, grams, negative, NAK (overload)', async () => {
    const { pty, scale, readings } = await scaleOnPty(dialog06);
    const device = track(await fakeDialog06(pty.devicePath, ['     ', '01234', '-0050', 'NAK']));
    scale.watch(10_000);
    expect(await firstReadings(readings, 4)).toEqual([
      { weight: null, stable: false },
      { weight: '1.234', stable: true },
      { weight: '-0.050', stable: true, underZero: true },
      { weight: null, stable: false },
    ]);
    expect(device.received.slice(0, 2)).toEqual(['\x04\x0201\x1b000000\x1b\x03', 'EOT ENQ']);
  });
});
