import { SerialPort } from 'serialport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nativePdf417Payload } from '../../testing/escpos-capture.ts';
import { answerLikeAPrinter, fakePrinterState } from '../../testing/fake-escpos-printer.ts';
import { renderSampleBoleta, SAMPLE_TED } from '../../testing/sample-jobs.ts';
import { type PtyPair, startPtyPair } from '../../testing/socat.ts';
import { EscPosPrinter } from './escpos-printer.ts';
import { SerialTransport } from './serial-transport.ts';

let pty: PtyPair;
let device: SerialPort;
let captured = Buffer.alloc(0);
const state = fakePrinterState();

beforeAll(async () => {
  pty = await startPtyPair();
  device = new SerialPort({ path: pty.devicePath, baudRate: 9600, autoOpen: false });
  await new Promise<void>((resolve, reject) => device.open((error) => (error ? reject(error) : resolve())));
  answerLikeAPrinter(device, state, (bytes) => {
    captured = Buffer.concat([captured, bytes]);
  });
});
afterAll(async () => {
  await new Promise((resolve) => device.close(resolve));
  await pty.close();
});

describe('ESC/POS over a serial port (socat pty)', () => {
  it('prints a boleta and reads the status, paper out included', async () => {
    const settings = { codePage: 'cp858', pdf417: 'native', paperWidthMm: 58 } as const;
    const printer = new EscPosPrinter(
      { id: 'caja-1', name: 'Caja 1', connection: 'serial', address: pty.hubPath, ...settings },
      settings,
      new SerialTransport(pty.hubPath, { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 }),
    );
    try {
      expect(await printer.status()).toEqual({ state: 'ready', paperNearEnd: false });
      await printer.print(renderSampleBoleta(printer.info), async () => {});
      await expect.poll(() => captured.includes(Buffer.from([0x1d, 0x56, 0x41]))).toBe(true);
      const job = captured.subarray(captured.indexOf(Buffer.from([0x1b, 0x40])));
      expect(job.subarray(0, 5)).toEqual(Buffer.from([0x1b, 0x40, 0x1b, 0x74, 0x13]));
      expect(job.includes(Buffer.from('BOLETA ELECTR\xe0NICA', 'latin1'))).toBe(true);
      expect(nativePdf417Payload(job)).toEqual(Buffer.from(SAMPLE_TED, 'latin1'));
      state.paperOut = true;
      expect(await printer.status()).toEqual({ state: 'paper_out', paperNearEnd: true });
    } finally {
      await printer.close();
    }
  });
});
