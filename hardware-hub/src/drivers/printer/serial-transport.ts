import { SerialPort } from 'serialport';
import { ByteLink } from './byte-link.ts';
import type { PrinterTransport } from './escpos-printer.ts';
import { PrinterUnreachableError } from './printer.ts';

export interface SerialSettings {
  baudRate: number;
  dataBits: 7 | 8;
  parity: 'none' | 'even' | 'odd';
  stopBits: 1 | 2;
}

/** Options for `new SerialPort(...)`; kept apart so tests can check them (a pty ignores them). */
export function serialPortOptions(path: string, settings: SerialSettings) {
  return { path, ...settings, autoOpen: false, rtscts: false };
}

/**
 * A serial printer. The port stays open between jobs (one owner per port) and is reopened on
 * the next operation after it closes or fails, e.g. when the cable is unplugged.
 */
export class SerialTransport implements PrinterTransport {
  readonly #path: string;
  readonly #settings: SerialSettings;
  #open: { port: SerialPort; link: ByteLink } | null = null;

  constructor(path: string, settings: SerialSettings) {
    this.#path = path;
    this.#settings = settings;
  }

  async withLink<T>(work: (link: ByteLink) => Promise<T>): Promise<T> {
    if (!this.#open || this.#open.link.failed) this.#open = await this.#openPort();
    const { port, link } = this.#open;
    const result = await work(link);
    await new Promise<void>((resolve) => port.drain(() => resolve()));
    return result;
  }

  async #openPort(): Promise<{ port: SerialPort; link: ByteLink }> {
    await this.close();
    const port = new SerialPort(serialPortOptions(this.#path, this.#settings));
    const link = new ByteLink(port);
    await new Promise<void>((resolve, reject) =>
      port.open((error) =>
        error ? reject(new PrinterUnreachableError(`${this.#path}: ${error.message}`)) : resolve(),
      ),
    );
    return { port, link };
  }

  async close(): Promise<void> {
    const port = this.#open?.port;
    this.#open = null;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}
