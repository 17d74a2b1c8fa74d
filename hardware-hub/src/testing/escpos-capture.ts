/**
 * Readers for captured ESC/POS bytes, written from the command tables
 * (docs/hardware-protocols.md#escpos-commands, #pdf417-timbre, #testing-without-hardware) rather than from
 * the hub's encoder, so a wrong encoder can't agree with itself.
 */

/** Every `GS v 0` band, stacked into one binary PGM image (1 = black dot). */
export function rasterToPgm(bytes: Buffer): Buffer {
  const rows: Buffer[] = [];
  let width = 0;
  let i = 0;
  while (true) {
    i = bytes.indexOf(Buffer.from([0x1d, 0x76, 0x30]), i);
    if (i < 0) break;
    const bytesPerRow = bytes[i + 4]! | (bytes[i + 5]! << 8);
    const height = bytes[i + 6]! | (bytes[i + 7]! << 8);
    width = bytesPerRow * 8;
    for (let y = 0; y < height; y++) {
      const row = Buffer.alloc(width, 255);
      for (let x = 0; x < width; x++) {
        if (bytes[i + 8 + y * bytesPerRow + (x >> 3)]! & (0x80 >> (x & 7))) row[x] = 0;
      }
      rows.push(row);
    }
    i += 8 + bytesPerRow * height;
  }
  if (rows.length === 0) throw new Error('no GS v 0 image in the capture');
  // A white margin so the reader finds the quiet zone even at the image edge.
  const margin = Buffer.alloc(width, 255);
  const framed = [margin, margin, margin, margin, ...rows, margin, margin, margin, margin];
  return Buffer.concat([Buffer.from(`P5\n${width} ${framed.length}\n255\n`), ...framed]);
}

/** The data of the PDF417 "store data" function (`GS ( k pL pH 30 50 30 d…`). */
export function nativePdf417Payload(bytes: Buffer): Buffer {
  const i = bytes.indexOf(Buffer.from([0x1d, 0x28, 0x6b]));
  for (let at = i; at >= 0; at = bytes.indexOf(Buffer.from([0x1d, 0x28, 0x6b]), at + 1)) {
    const length = bytes[at + 3]! | (bytes[at + 4]! << 8);
    if (bytes[at + 5] === 0x30 && bytes[at + 6] === 0x50 && bytes[at + 7] === 0x30) {
      return bytes.subarray(at + 8, at + 5 + length);
    }
  }
  throw new Error('no PDF417 store-data command in the capture');
}
