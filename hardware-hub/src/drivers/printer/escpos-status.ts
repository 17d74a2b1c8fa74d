import type { PrinterState } from '@erp/shared';

export interface PrinterCondition {
  state: PrinterState;
  paperNearEnd: boolean;
}

export const UNKNOWN_CONDITION: PrinterCondition = { state: 'unknown', paperNearEnd: false };

/** Every `DLE EOT` reply has bit 1 and bit 4 set, bit 0 and bit 7 clear ("all OK" = 0x12). */
const isStatusByte = (byte: number) => (byte & 0x93) === 0x12;

/**
 * Decodes the replies to `DLE EOT 1`, `2` and `4` (docs/hardware-protocols.md#printer-status). A missing or
 * malformed reply is `unknown`, never OK: some clones ignore status queries.
 * @example decodeStatus(Buffer.from([0x1a, 0x32, 0x7e])) → { state: 'paper_out', paperNearEnd: true }
 */
export function decodeStatus(reply: Buffer | null): PrinterCondition {
  const bytes = reply ? [...reply] : [];
  if (bytes.length !== 3 || !bytes.every(isStatusByte)) return UNKNOWN_CONDITION;
  const [printer, offlineCause, paper] = bytes as [number, number, number];
  const paperNearEnd = (paper & 0x0c) !== 0;
  const state: PrinterState =
    (offlineCause & 0x20) !== 0 || (paper & 0x60) !== 0
      ? 'paper_out'
      : (offlineCause & 0x04) !== 0
        ? 'cover_open'
        : (offlineCause & 0x40) !== 0
          ? 'error'
          : (printer & 0x08) !== 0
            ? 'offline'
            : 'ready';
  return { state, paperNearEnd };
}
