import { describe, expect, it } from 'vitest';
import { pdf417OptionsFor, renderPdf417 } from './pdf417.ts';

describe('raster PDF417', () => {
  it.each([80, 58] as const)(
    'ends at its quiet zone on %i mm paper, so the legend sits right below it',
    (width) => {
      const options = pdf417OptionsFor(width);
      const image = renderPdf417(Buffer.from('<TED version="1.0">ñ'.padEnd(600, 'x'), 'latin1'), options);
      const quiet = 2 * options.moduleWidth;
      const inked = (y: number) => image.pixels.subarray(y * image.width, (y + 1) * image.width).includes(1);
      let lastInked = image.height - 1;
      while (lastInked > 0 && !inked(lastInked)) lastInked--;
      expect(image.height - 1 - lastInked).toBe(quiet);
      expect(inked(quiet)).toBe(true);
    },
  );
});
