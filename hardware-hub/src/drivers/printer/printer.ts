import type { Receipt } from '../../receipts/receipt.ts';
import type { PrinterCondition } from './escpos-status.ts';

export interface PrinterInfo {
  id: string;
  name: string;
  connection: 'serial' | 'tcp' | 'virtual';
  /** Human description of where the printer is (`tcp://10.0.0.5:9100`, a serial path). */
  address: string;
  paperWidthMm: 58 | 80;
  codePage: string;
  pdf417: 'native' | 'raster';
}

/**
 * A receipt printer. `beforeSend` runs once the printer is reachable and before the first byte
 * of the job leaves the hub: the spool makes "sending" durable there, so a failure before it
 * means nothing was printed and a failure after it means the job may have printed.
 */
export interface PrinterDriver {
  readonly info: PrinterInfo;
  /** Queries the printer; `disconnected` when it can't be reached, `unknown` when it doesn't answer. */
  status(): Promise<PrinterCondition>;
  print(receipt: Receipt, beforeSend: () => Promise<void>): Promise<void>;
  kickDrawer(beforeSend: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

/** The printer could not be reached; no byte of the job was sent. */
export class PrinterUnreachableError extends Error {
  readonly unreachable = true;
}
