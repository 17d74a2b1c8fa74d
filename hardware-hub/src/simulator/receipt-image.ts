import { type Bitmap, blit, centerOn, createBitmap } from '../bitmap.ts';
import { pdf417OptionsFor, renderPdf417 } from '../drivers/printer/pdf417.ts';
import type { Receipt, TextStyle } from '../receipts/receipt.ts';
import { CELL_WIDTH, glyph, LINE_HEIGHT } from './glyphs.ts';

const MARGIN = 16;

function scaled(source: Bitmap, width: number, height: number): Bitmap {
  if (width === 1 && height === 1) return source;
  const out = createBitmap(source.width * width, source.height * height);
  for (let y = 0; y < out.height; y++) {
    for (let x = 0; x < out.width; x++) {
      out.pixels[y * out.width + x] =
        source.pixels[Math.floor(y / height) * source.width + Math.floor(x / width)]!;
    }
  }
  return out;
}

function textLine(text: string, style: TextStyle, dots: number): Bitmap {
  const chars = [...text];
  const line = createBitmap(dots, LINE_HEIGHT * style.height);
  const cellWidth = CELL_WIDTH * style.width;
  const room = dots - chars.length * cellWidth;
  const left = style.align === 'left' ? 0 : style.align === 'center' ? Math.floor(room / 2) : room;
  chars.forEach((ch, i) => {
    const cell = scaled(glyph(ch), style.width, style.height);
    blit(line, cell, left + i * cellWidth, 0);
    if (style.bold) blit(line, cell, left + i * cellWidth + 1, 0);
  });
  return line;
}

/**
 * What the receipt would look like on paper: 12 × 30-dot character cells on a 576-dot (80 mm)
 * or 384-dot (58 mm) line, and the timbre drawn exactly as the raster mode sends it.
 */
export function renderReceiptImage(receipt: Receipt, paperWidthMm: 58 | 80): Bitmap {
  const dots = receipt.columns * CELL_WIDTH;
  const pieces: Bitmap[] = [];
  for (const block of receipt.blocks) {
    if (block.kind === 'text') pieces.push(textLine(block.text, block.style, dots));
    else if (block.kind === 'feed') pieces.push(createBitmap(dots, LINE_HEIGHT * block.lines));
    else if (block.kind === 'cut') pieces.push(createBitmap(dots, LINE_HEIGHT * 3));
    else pieces.push(centerOn(renderPdf417(block.data, pdf417OptionsFor(paperWidthMm)), dots));
  }
  const width = Math.max(...pieces.map((piece) => piece.width)) + 2 * MARGIN;
  const height = pieces.reduce((sum, piece) => sum + piece.height, 0) + 2 * MARGIN;
  const page = createBitmap(width, height);
  let y = MARGIN;
  for (const piece of pieces) {
    blit(page, piece, MARGIN, y);
    y += piece.height;
  }
  return page;
}
