import type { Alignment } from '../drivers/printer/escpos-encoder.ts';

export interface TextStyle {
  align: Alignment;
  bold: boolean;
  /** Character width and height multipliers (`GS !`). A double-width line holds half the columns. */
  width: 1 | 2;
  height: 1 | 2;
}

/**
 * A laid-out receipt, independent of the printer's byte language: text lines already fit the
 * paper's columns. The ESC/POS encoder, the text dump and the simulator's image all read this.
 */
export type ReceiptBlock =
  | { kind: 'text'; text: string; style: TextStyle }
  | { kind: 'pdf417'; data: Buffer }
  | { kind: 'feed'; lines: number }
  /** Feed and cut between two copies of one job (a factura and its cedible copy). */
  | { kind: 'cut' };

export interface Receipt {
  /** Characters per line in the normal font: 48 on 80 mm paper, 32 on 58 mm. */
  columns: number;
  blocks: ReceiptBlock[];
}

export function columnsFor(paperWidthMm: 58 | 80): number {
  return paperWidthMm === 80 ? 48 : 32;
}
