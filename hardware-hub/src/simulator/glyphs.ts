import bwipjs from 'bwip-js';
import { type Bitmap, blit, createBitmap } from '../bitmap.ts';

/** Cell of one character in the normal font, as ESC/POS Font A on a 203 dpi head (12 × 24 dots). */
export const CELL_WIDTH = 12;
export const LINE_HEIGHT = 30;
const BASELINE = 22;
/** bwip-js's OCR-B at this size advances exactly one 12-dot cell. */
const FONT_SIZE = 20;

type FontLib = {
  lookup(name: string): number;
  getglyph(
    font: number,
    code: number,
    width: number,
    height: number,
  ): { width: number; height: number; left: number; top: number; bytes: Uint8Array; offset: number };
};
const fontLib = (bwipjs as unknown as { FontLib: FontLib }).FontLib;
const OCR_B = fontLib.lookup('OCR-B');

/** Combining marks drawn over a base letter; bwip-js's fonts only cover ASCII. */
const MARKS: Readonly<Record<string, string[]>> = {
  '\u0301': ['...##', '..##.', '.##..'],
  '\u0303': ['.##..#', '#..##.'],
  '\u0308': ['##..##', '##..##'],
};
const DEGREE = ['.##.', '#..#', '#..#', '.##.'];

function pattern(rows: string[]): Bitmap {
  const bitmap = createBitmap(rows[0]!.length, rows.length);
  rows.forEach((row, y) => {
    for (let x = 0; x < row.length; x++) if (row[x] === '#') bitmap.pixels[y * bitmap.width + x] = 1;
  });
  return bitmap;
}

function rotate180(bitmap: Bitmap): Bitmap {
  return { ...bitmap, pixels: bitmap.pixels.slice().reverse() };
}

/** Draws an ASCII glyph with its baseline at `BASELINE`; returns the ink's top row (or BASELINE when blank). */
function drawAscii(cell: Bitmap, code: number): number {
  const glyph = fontLib.getglyph(OCR_B, code, FONT_SIZE, FONT_SIZE);
  const top = BASELINE - glyph.top;
  for (let y = 0; y < glyph.height; y++) {
    for (let x = 0; x < glyph.width; x++) {
      if (glyph.bytes[glyph.offset + y * glyph.width + x]! >= 128) {
        const cx = glyph.left + x;
        const cy = top + y;
        if (cx >= 0 && cx < cell.width && cy >= 0 && cy < cell.height) cell.pixels[cy * cell.width + cx] = 1;
      }
    }
  }
  return glyph.height > 0 ? top : BASELINE;
}

const cache = new Map<string, Bitmap>();

/**
 * One character cell (12 × 30 dots). Spanish letters are the base letter plus its accent mark,
 * ¿ and ¡ are ? and ! turned upside down; anything else unknown prints as ?.
 */
export function glyph(ch: string): Bitmap {
  const cached = cache.get(ch);
  if (cached) return cached;
  let cell = createBitmap(CELL_WIDTH, LINE_HEIGHT);
  const [base = '?', ...marks] = ch.normalize('NFD');
  if (ch === '¿' || ch === '¡') {
    drawAscii(cell, ch === '¿' ? 0x3f : 0x21);
    cell = rotate180(cell);
  } else if (ch === '°') {
    blit(cell, pattern(DEGREE), 4, 6);
  } else {
    const code = base.charCodeAt(0);
    const known = code >= 0x20 && code < 0x7f && marks.every((mark) => MARKS[mark]);
    const top = drawAscii(cell, known ? code : 0x3f);
    for (const mark of known ? marks : []) {
      const shape = pattern(MARKS[mark]!);
      blit(cell, shape, Math.floor((CELL_WIDTH - shape.width) / 2), Math.max(0, top - shape.height - 1));
    }
  }
  cache.set(ch, cell);
  return cell;
}
