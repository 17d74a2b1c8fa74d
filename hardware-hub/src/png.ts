import { crc32, deflateSync } from 'node:zlib';
import type { Bitmap } from './bitmap.ts';

function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** Encodes a 1-bit bitmap as a black-and-white PNG (grayscale, bit depth 1, where 0 is black). */
export function encodePng(image: Bitmap): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(image.width, 0);
  header.writeUInt32BE(image.height, 4);
  header.set([1, 0, 0, 0, 0], 8); // bit depth 1, grayscale, deflate, no filter method, no interlace
  const stride = Math.ceil(image.width / 8);
  const raw = Buffer.alloc((stride + 1) * image.height, 0xff);
  for (let y = 0; y < image.height; y++) {
    const row = y * (stride + 1);
    raw[row] = 0; // filter type: none
    for (let x = 0; x < image.width; x++) {
      if (image.pixels[y * image.width + x]) raw[row + 1 + (x >> 3)]! &= ~(0x80 >> (x & 7));
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
