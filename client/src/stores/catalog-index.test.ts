import type { ProductView } from '@erp/shared/events/index';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { product } from '../test/products.ts';
import { CatalogIndex, normalizeText } from './catalog-index.ts';

/** The search as it was before the index: every product checked, in catalog order. */
function reference(products: Iterable<ProductView>, query: string, limit: number): string[] {
  const words = normalizeText(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const first: string[] = [];
  const rest: string[] = [];
  for (const p of products) {
    const text = normalizeText([p.name, p.brand, p.code, p.category, ...p.barcodes].join(' '));
    if (!words.every((w) => text.includes(w))) continue;
    (text.startsWith(words[0]!) ? first : rest).push(p.id);
  }
  return [...first, ...rest].slice(0, limit);
}

const NAMES = ['Leche', 'Lechuga', 'Café', 'Cola', 'Coca Cola', 'Agua', 'Azúcar', 'Arroz', 'Té', 'Pan'];
const SIZES = ['1 L', '500 ml', '1 kg', 'x6', 'Pack'];

describe('catalog index search', () => {
  it('finds what a check of every product finds, in the same order, through changes', () => {
    const arbitraryProduct = fc
      .record({ name: fc.constantFrom(...NAMES), size: fc.constantFrom(...SIZES), n: fc.nat(99) })
      .map(({ name, size, n }) =>
        product({ code: `C${n}`, name: `${name} ${size} ${n}`, barcodes: [`78${n}`] }),
      );
    fc.assert(
      fc.property(
        fc.array(arbitraryProduct, { minLength: 1, maxLength: 1500, size: 'max' }),
        fc.array(fc.nat(), { maxLength: 40, size: 'max' }),
        fc.array(
          fc.constantFrom(
            'le',
            'leche',
            'cola',
            'c',
            'co 1',
            'cafe',
            'x6 a',
            '78',
            'pack 5',
            'zz',
            'ml leche',
          ),
          {
            minLength: 1,
            maxLength: 5,
          },
        ),
        fc.integer({ min: 1, max: 80 }),
        (products, changed, queries, limit) => {
          const index = new CatalogIndex();
          index.upsert(products);
          // Changes: a renamed product moves to the end (as a Map re-insertion), one deactivated leaves.
          for (const [k, at] of changed.entries()) {
            const p = products[at % products.length]!;
            index.upsert([
              k % 5 === 0 ? { ...p, active: false } : { ...p, name: `${NAMES[k % NAMES.length]} ${k}` },
            ]);
          }
          for (const query of queries)
            expect(index.search(query, limit).map((p) => p.id)).toEqual(
              reference(index.products.values(), query, limit),
            );
        },
      ),
      { numRuns: 30 },
    );
  });

  it('keeps categories and sorted tabs up to date', () => {
    const index = new CatalogIndex();
    const a = product({ code: 'A', name: 'Zapallo', category: 'Verduras' });
    const b = product({ code: 'B', name: 'Acelga', category: 'Verduras' });
    index.upsert([a, b, product({ code: 'C', name: 'Leche', category: 'Lácteos' })]);
    const byName = (x: ProductView, y: ProductView) => x.name.localeCompare(y.name);
    expect(index.categories()).toEqual(['Lácteos', 'Verduras']);
    expect(index.inCategory('Verduras', byName).map((p) => p.code)).toEqual(['B', 'A']);
    index.upsert([
      { ...a, name: 'Apio' },
      { ...b, category: 'Hojas' },
    ]);
    expect(index.inCategory('Verduras', byName).map((p) => p.name)).toEqual(['Apio']);
    expect(index.categories()).toEqual(['Hojas', 'Lácteos', 'Verduras']);
    index.upsert([{ ...a, active: false }]);
    expect(index.categories()).toEqual(['Hojas', 'Lácteos']);
  });
});
