import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** What the fake printer reports; change it while a test runs. */
export interface FakePrinterState {
  paperOut: boolean;
  coverOpen: boolean;
  /** A clone that ignores `DLE EOT`. */
  silent: boolean;
  /** Stops answering status queries that arrive after the first receipt bytes (to catch the hub mid-job). */
  stallAfterJob: boolean;
  /** Resets the connection as soon as receipt bytes arrive: the job may or may not be on paper. */
  resetOnJob: boolean;
}

/** A healthy printer's state, with `initial` changed. */
export function fakePrinterState(initial: Partial<FakePrinterState> = {}): FakePrinterState {
  return {
    paperOut: false,
    coverOpen: false,
    silent: false,
    stallAfterJob: false,
    resetOnJob: false,
    ...initial,
  };
}

/**
 * A printer written from the ESC/POS text (docs/hardware-protocols.md#printer-status,
 * docs/hardware-protocols.md#testing-without-hardware), independent of the hub's code: it records every byte
 * and answers `DLE EOT n` in real time.
 */
export function answerLikeAPrinter(
  stream: Duplex,
  state: FakePrinterState,
  capture: (bytes: Buffer) => void,
): void {
  let tail: number[] = [];
  let sawJob = false;
  stream.on('data', (chunk: Buffer) => {
    capture(chunk);
    const bytes = [...tail, ...chunk];
    if (bytes.some((b, i) => b === 0x1b && bytes[i + 1] === 0x40)) sawJob = true;
    if (sawJob && state.resetOnJob && 'resetAndDestroy' in stream) {
      (stream as Socket).resetAndDestroy();
      return;
    }
    for (let i = 0; i + 2 < bytes.length; i++) {
      if (bytes[i] !== 0x10 || bytes[i + 1] !== 0x04) continue;
      if (state.silent || (state.stallAfterJob && sawJob)) continue;
      stream.write(Buffer.from([statusByte(bytes[i + 2]!, state)]));
    }
    tail = bytes.slice(-2);
  });
  stream.on('error', () => {});
}

function statusByte(n: number, state: FakePrinterState): number {
  let byte = 0x12;
  if (n === 1 && (state.paperOut || state.coverOpen)) byte |= 0x08;
  if (n === 2) {
    if (state.coverOpen) byte |= 0x04;
    if (state.paperOut) byte |= 0x20;
  }
  if (n === 4 && state.paperOut) byte |= 0x6c;
  return byte;
}

export interface FakeTcpPrinter {
  port: number;
  state: FakePrinterState;
  /** Every byte received, over all connections. */
  captured(): Buffer;
  /** Resolves when a received chunk makes `predicate(captured())` true. */
  waitFor(predicate: (bytes: Buffer) => boolean, timeoutMs?: number): Promise<Buffer>;
  close(): Promise<void>;
}

export async function startFakeTcpPrinter(initial: Partial<FakePrinterState> = {}): Promise<FakeTcpPrinter> {
  const state = fakePrinterState(initial);
  let captured = Buffer.alloc(0);
  const listeners = new Set<() => void>();
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    answerLikeAPrinter(socket, state, (bytes) => {
      captured = Buffer.concat([captured, bytes]);
      for (const listener of listeners) listener();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    state,
    captured: () => captured,
    waitFor(predicate, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate(captured)) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(captured);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error('fake printer: expected bytes did not arrive'));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
