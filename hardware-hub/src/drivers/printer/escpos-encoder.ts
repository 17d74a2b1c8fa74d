import type { Bitmap } from '../../bitmap.ts';
import { CODE_PAGE_NUMBERS, type CodePage, encodeText } from './code-pages.ts';
import type { Pdf417Options } from './pdf417.ts';

const ESC = 0x1b;
const GS = 0x1d;
const DLE = 0x10;
const EOT = 0x04;

/** Real-time status queries for printer, offline cause and roll paper (`DLE EOT 1, 2, 4`). */
export const STATUS_QUERY = Buffer.from([DLE, EOT, 1, DLE, EOT, 2, DLE, EOT, 4]);

/** `GS v 0` bands stay at most this many rows, as Odoo sends them; long images print in pieces. */
const RASTER_BAND_ROWS = 255;

export type Alignment = 'left' | 'center' | 'right';

/**
 * Builds an ESC/POS byte stream (Epson numbering, docs/hardware-protocols.md#escpos-commands). Every method
 * appends and returns `this`; `bytes()` returns the whole job.
 * @example new EscPosEncoder('cp858').initialize().align('center').line('¡Gracias!').cut().bytes()
 */
export class EscPosEncoder {
  readonly #codePage: CodePage;
  readonly #chunks: Buffer[] = [];

  constructor(codePage: CodePage) {
    this.#codePage = codePage;
  }

  #push(...bytes: number[]): this {
    this.#chunks.push(Buffer.from(bytes));
    return this;
  }

  /** `ESC @` resets the code page to the power-on default, so `ESC t` always follows it. */
  initialize(): this {
    return this.#push(ESC, 0x40, ESC, 0x74, CODE_PAGE_NUMBERS[this.#codePage]);
  }

  align(alignment: Alignment): this {
    return this.#push(ESC, 0x61, { left: 0, center: 1, right: 2 }[alignment]);
  }

  bold(on: boolean): this {
    return this.#push(ESC, 0x45, on ? 1 : 0);
  }

  /** `GS ! n`: high nibble = width − 1, low nibble = height − 1. */
  size(width: 1 | 2, height: 1 | 2): this {
    return this.#push(GS, 0x21, ((width - 1) << 4) | (height - 1));
  }

  text(text: string): this {
    this.#chunks.push(encodeText(text, this.#codePage));
    return this;
  }

  line(text = ''): this {
    return this.text(text).#push(0x0a);
  }

  feed(lines: number): this {
    return this.#push(ESC, 0x64, lines);
  }

  /** `GS V 65 n`: feed n lines, then a full cut. */
  cut(feedLines = 3): this {
    return this.#push(GS, 0x56, 0x41, feedLines);
  }

  /** `ESC p` on both connector pins (2 and 5), 50 ms on / 50 ms off, as Odoo does: drawers are wired to either. */
  drawerKick(): this {
    return this.#push(ESC, 0x70, 0, 25, 25, ESC, 0x70, 1, 25, 25);
  }

  /** Native PDF417 with `GS ( k` (cn = 48, functions 165–181), printed at the current alignment. */
  pdf417(data: Buffer, options: Pdf417Options): this {
    const fn = (code: number, ...params: number[]) => {
      const length = params.length + 2;
      return this.#push(GS, 0x28, 0x6b, length & 0xff, length >> 8, 0x30, code, ...params);
    };
    fn(0x41, options.columns);
    fn(0x42, 0); // rows: automatic
    fn(0x43, options.moduleWidth);
    fn(0x44, options.rowHeight);
    fn(0x45, 0x30, 0x30 + options.ecLevel);
    fn(0x46, 0); // standard, not truncated
    const storeLength = data.length + 3;
    this.#push(GS, 0x28, 0x6b, storeLength & 0xff, storeLength >> 8, 0x30, 0x50, 0x30);
    this.#chunks.push(Buffer.from(data));
    return fn(0x51, 0x30);
  }

  /** `GS v 0` raster image, MSB = leftmost dot, in bands of at most 255 rows. */
  raster(image: Bitmap): this {
    const bytesPerRow = Math.ceil(image.width / 8);
    for (let top = 0; top < image.height; top += RASTER_BAND_ROWS) {
      const rows = Math.min(RASTER_BAND_ROWS, image.height - top);
      const band = Buffer.alloc(8 + bytesPerRow * rows);
      band.set([GS, 0x76, 0x30, 0, bytesPerRow & 0xff, bytesPerRow >> 8, rows & 0xff, rows >> 8]);
      for (let y = 0; y < rows; y++) {
        for (let x = 0; x < image.width; x++) {
          if (image.pixels[(top + y) * image.width + x])
            band[8 + y * bytesPerRow + (x >> 3)]! |= 0x80 >> (x & 7);
        }
      }
      this.#chunks.push(band);
    }
    return this;
  }

  bytes(): Buffer {
    return Buffer.concat(this.#chunks);
  }
}
