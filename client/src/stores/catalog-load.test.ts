import { describe, expect, it } from 'vitest';
import { product } from '../test/products.ts';
import { LOAD_SLICE, ProductSplitter } from './catalog-load.ts';

/** Feeds `text` to a splitter in pieces of `piece` characters; the slices and the envelope. */
async function split(text: string, piece: number, size = LOAD_SLICE) {
  const slices: unknown[][] = [];
  const splitter = new ProductSplitter((json) => {
    slices.push(JSON.parse(json) as unknown[]);
  }, size);
  for (let i = 0; i < text.length; i += piece) await splitter.push(text.slice(i, i + piece));
  return { slices, envelope: JSON.parse(splitter.end()) as unknown };
}

// Names with what a naive cut would trip on: braces, brackets, commas, escaped quotes, backslashes.
const TRICKY = ['Galletas {Mini} [x3], "Oferta"', 'Bolsa \\ 2 kg }]', 'Té "Ceylán" ñandú 🍵'];
function snapshot(count: number) {
  const products = Array.from({ length: count }, (_, i) =>
    product({ code: `P${i}`, name: `${TRICKY[i % 3]} ${i}`, barcodes: [`780${i}`, `781${i}`] }),
  );
  return { products, text: JSON.stringify({ ok: true, data: { version: 42, storeId: null, products } }) };
}

describe('snapshot splitter', () => {
  it.each([1, 2, 7, 50])(
    'cuts a snapshot streamed in pieces of %i characters into whole slices',
    async (piece) => {
      const { products, text } = snapshot(11);
      const { slices, envelope } = await split(text, piece, 4);
      expect(slices.map((s) => s.length)).toEqual([4, 4, 3]);
      expect(slices.flat()).toEqual(products);
      expect(envelope).toEqual({ ok: true, data: { version: 42, storeId: null, products: [] } });
    },
  );

  it('hands over slices of LOAD_SLICE products from network-sized pieces', async () => {
    const { products, text } = snapshot(LOAD_SLICE * 2 + 7);
    for (const piece of [4096, 65_536, text.length]) {
      const { slices } = await split(text, piece);
      expect(slices.map((s) => s.length)).toEqual([LOAD_SLICE, LOAD_SLICE, 7]);
      expect(slices.flat()).toEqual(products);
    }
  });

  it('hands over nothing for an empty catalog, and refuses a snapshot cut short', async () => {
    const empty = await split(
      JSON.stringify({ ok: true, data: { version: 1, storeId: null, products: [] } }),
      5,
    );
    expect(empty.slices).toEqual([]);
    const { text } = snapshot(20);
    await expect(split(text.slice(0, text.length / 2), 64, 4)).rejects.toThrow('cut short');
  });
});
