import type { Receipt } from '../../receipts/receipt.ts';
import type { ByteLink } from './byte-link.ts';
import { EscPosEncoder, STATUS_QUERY } from './escpos-encoder.ts';
import { type EscPosSettings, encodeReceipt } from './escpos-receipt.ts';
import { decodeStatus, type PrinterCondition } from './escpos-status.ts';
import { type PrinterDriver, type PrinterInfo, PrinterUnreachableError } from './printer.ts';

/** How the hub reaches an ESC/POS printer: a TCP 9100 socket or a serial port. */
export interface PrinterTransport {
  /** Runs `work` on an open link; throws `PrinterUnreachableError` when the printer can't be reached. */
  withLink<T>(work: (link: ByteLink) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * Reply time allowed for `DLE EOT` (docs/hardware-protocols.md#printer-status: no reply within it means
 * unknown).
 */
const STATUS_TIMEOUT_MS = 500;
/** Writes may take as long as a 9600-baud serial line needs, plus slack. */
const writeTimeoutMs = (bytes: number) => 10_000 + Math.ceil(bytes / 0.96);

/** A fault reported right after the job was written: part of it may be on paper. */
export class PrintInterruptedError extends Error {}

/** ESC/POS printer over any transport; one operation at a time, since printers take one conversation. */
export class EscPosPrinter implements PrinterDriver {
  readonly info: PrinterInfo;
  readonly #settings: EscPosSettings;
  readonly #transport: PrinterTransport;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(info: PrinterInfo, settings: EscPosSettings, transport: PrinterTransport) {
    this.info = info;
    this.#settings = settings;
    this.#transport = transport;
  }

  #exclusive<T>(work: (link: ByteLink) => Promise<T>): Promise<T> {
    const run = this.#queue.then(() => this.#transport.withLink(work));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async status(): Promise<PrinterCondition> {
    try {
      return await this.#exclusive(async (link) =>
        decodeStatus(await link.query(STATUS_QUERY, 3, STATUS_TIMEOUT_MS)),
      );
    } catch (error) {
      if (error instanceof PrinterUnreachableError) return { state: 'disconnected', paperNearEnd: false };
      throw error;
    }
  }

  print(receipt: Receipt, beforeSend: () => Promise<void>): Promise<void> {
    const bytes = encodeReceipt(receipt, this.#settings);
    return this.#exclusive(async (link) => {
      await beforeSend();
      await link.write(bytes, writeTimeoutMs(bytes.length));
      // The write only proves the bytes left the hub; a fault reported now may have cut the receipt.
      const after = decodeStatus(await link.query(STATUS_QUERY, 3, STATUS_TIMEOUT_MS));
      if (after.state !== 'ready' && after.state !== 'unknown') {
        throw new PrintInterruptedError(`printer reported ${after.state} after the job`);
      }
    });
  }

  /** `ESC p` without `ESC @`: a reset could drop a receipt still in the printer's buffer. */
  kickDrawer(beforeSend: () => Promise<void>): Promise<void> {
    const bytes = new EscPosEncoder(this.#settings.codePage).drawerKick().bytes();
    return this.#exclusive(async (link) => {
      await beforeSend();
      await link.write(bytes, writeTimeoutMs(bytes.length));
    });
  }

  async close(): Promise<void> {
    await this.#queue;
    await this.#transport.close();
  }
}
