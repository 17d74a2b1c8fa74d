import { centerOn } from '../../bitmap.ts';
import type { Receipt } from '../../receipts/receipt.ts';
import type { CodePage } from './code-pages.ts';
import { EscPosEncoder } from './escpos-encoder.ts';
import { pdf417OptionsFor, renderPdf417 } from './pdf417.ts';

export interface EscPosSettings {
  codePage: CodePage;
  /** `native` uses the printer's `GS ( k`; `raster` sends the symbol as an image for clones without it. */
  pdf417: 'native' | 'raster';
  paperWidthMm: 58 | 80;
}

/** Printable dots per line at 203 dpi. */
const PRINTABLE_DOTS = { 58: 384, 80: 576 } as const;

/** Turns a laid-out receipt into one ESC/POS job: initialize + code page, the blocks, feed and cut. */
export function encodeReceipt(receipt: Receipt, settings: EscPosSettings): Buffer {
  const out = new EscPosEncoder(settings.codePage).initialize();
  const pdf417 = pdf417OptionsFor(settings.paperWidthMm);
  for (const block of receipt.blocks) {
    if (block.kind === 'text') {
      const { style } = block;
      out.align(style.align).bold(style.bold).size(style.width, style.height).line(block.text);
    } else if (block.kind === 'feed') {
      out.feed(block.lines);
    } else if (block.kind === 'cut') {
      out.align('left').bold(false).size(1, 1).cut();
    } else if (settings.pdf417 === 'native') {
      out.align('center').pdf417(block.data, pdf417).line();
    } else {
      // Centered by padding the image to the full width: clones disagree on whether ESC a moves images.
      out.raster(centerOn(renderPdf417(block.data, pdf417), PRINTABLE_DOTS[settings.paperWidthMm]));
    }
  }
  return out.align('left').bold(false).size(1, 1).cut().bytes();
}
