import bwipjs from 'bwip-js';
import { type Bitmap, createBitmap } from '../../bitmap.ts';

/**
 * PDF417 settings for the SII timbre: error-correction level 5 (docs/sii-rules.md#ted-and-printed-timbre).
 * Columns and module sizes are working values that keep the symbol within 2 × 5 cm … 4 × 9 cm at 203 dpi
 * [re-check against the SII instructivo].
 */
export interface Pdf417Options {
  /** Data columns: 12 on 80 mm paper (≈ 68 mm wide), 7 on 58 mm paper (≈ 47 mm). */
  columns: number;
  /** Dots per module (narrowest bar). */
  moduleWidth: number;
  /** Row height as a multiple of the module width. */
  rowHeight: number;
  ecLevel: number;
}

export function pdf417OptionsFor(paperWidthMm: 58 | 80): Pdf417Options {
  return { columns: paperWidthMm === 80 ? 12 : 7, moduleWidth: 2, rowHeight: 3, ecLevel: 5 };
}

const QUIET_ZONE_MODULES = 2;

/**
 * Renders `data` (the exact bytes to carry, e.g. the TED in ISO-8859-1) as a PDF417 bitmap.
 * bwip-js encodes JS strings as UTF-8 unless `binarytext` is set; with it, each char code below
 * 256 is one byte, so the symbol carries exactly the signed bytes (docs/hardware-protocols.md#pdf417-timbre).
 */
export function renderPdf417(data: Buffer, options: Pdf417Options): Bitmap {
  // PDF417's own options (columns, eclevel) are missing from bwip-js's types, hence the variable.
  const request = {
    bcid: 'pdf417',
    text: data.toString('latin1'),
    binarytext: true,
    columns: options.columns,
    eclevel: options.ecLevel,
  };
  const [symbol] = bwipjs.raw(request) as Array<{ pixs: number[]; pixx: number; pixy: number }>;
  if (!symbol) throw new Error('bwip-js returned no PDF417 symbol');
  const dotW = options.moduleWidth;
  const dotH = options.moduleWidth * options.rowHeight;
  const quiet = QUIET_ZONE_MODULES * dotW;
  // `pixs` holds one entry per module of each symbol row; bwip-js's `pixy` also counts its own
  // row multiplier, which would leave two thirds of the bitmap blank under the code.
  const rows = symbol.pixs.length / symbol.pixx;
  const bitmap = createBitmap(symbol.pixx * dotW + 2 * quiet, rows * dotH + 2 * quiet);
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < symbol.pixx; x++) {
      if (!symbol.pixs[y * symbol.pixx + x]) continue;
      for (let dy = 0; dy < dotH; dy++) {
        const row = (quiet + y * dotH + dy) * bitmap.width;
        bitmap.pixels.fill(1, row + quiet + x * dotW, row + quiet + (x + 1) * dotW);
      }
    }
  }
  return bitmap;
}
