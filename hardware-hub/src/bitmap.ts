/** A 1-bit image: `pixels[y * width + x]` is 1 for a black dot. */
export interface Bitmap {
  width: number;
  height: number;
  pixels: Uint8Array;
}

export function createBitmap(width: number, height: number): Bitmap {
  return { width, height, pixels: new Uint8Array(width * height) };
}

/** Copies `source` into `target` with its top-left corner at (x, y), clipping at the edges. */
export function blit(target: Bitmap, source: Bitmap, x: number, y: number): void {
  for (let sy = 0; sy < source.height; sy++) {
    const ty = y + sy;
    if (ty < 0 || ty >= target.height) continue;
    for (let sx = 0; sx < source.width; sx++) {
      const tx = x + sx;
      if (tx < 0 || tx >= target.width) continue;
      if (source.pixels[sy * source.width + sx]) target.pixels[ty * target.width + tx] = 1;
    }
  }
}

/** Places `source` horizontally centered on a white canvas `width` dots wide. */
export function centerOn(source: Bitmap, width: number): Bitmap {
  const canvas = createBitmap(Math.max(width, source.width), source.height);
  blit(canvas, source, Math.floor((canvas.width - source.width) / 2), 0);
  return canvas;
}
