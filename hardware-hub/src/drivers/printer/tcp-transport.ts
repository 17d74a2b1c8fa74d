import { Socket } from 'node:net';
import { ByteLink } from './byte-link.ts';
import type { PrinterTransport } from './escpos-printer.ts';
import { PrinterUnreachableError } from './printer.ts';

/** Library defaults of 30–40 s are a known complaint (docs/hardware-protocols.md#connections-and-timing). */
const CONNECT_TIMEOUT_MS = 3000;
const CLOSE_GRACE_MS = 2000;

/**
 * A network printer on port 9100, one connection per operation: printers drop idle
 * connections (TM-T20II after ≈ 90 s) and an unclosed socket blocks later jobs.
 */
export class TcpTransport implements PrinterTransport {
  readonly #host: string;
  readonly #port: number;

  constructor(host: string, port = 9100) {
    this.#host = host;
    this.#port = port;
  }

  async withLink<T>(work: (link: ByteLink) => Promise<T>): Promise<T> {
    const socket = await this.#connect();
    try {
      return await work(new ByteLink(socket));
    } finally {
      socket.end();
      setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
    }
  }

  #connect(): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = new Socket();
      const fail = (error: Error) => {
        socket.destroy();
        reject(new PrinterUnreachableError(`tcp://${this.#host}:${this.#port}: ${error.message}`));
      };
      socket.setTimeout(CONNECT_TIMEOUT_MS, () => fail(new Error('connect timeout')));
      socket.once('error', fail);
      socket.connect(this.#port, this.#host, () => {
        socket.setTimeout(0);
        socket.off('error', fail);
        socket.setNoDelay(true);
        resolve(socket);
      });
    });
  }

  async close(): Promise<void> {}
}
