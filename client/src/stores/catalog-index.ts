import type { ProductView } from '@erp/shared/events/index';

/** Lower case without accents: `"Plátano Orgánico"` → `"platano organico"`. */
export function normalizeText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();
}

/** Key for codes and barcodes: scanners and people type internal codes in either case. */
export function codeKey(code: string): string {
  return code.trim().toUpperCase();
}

/**
 * In-memory index of the local catalog: O(1) lookups by barcode, internal code and PLU, and a
 * precomputed normalized text per product so a search over 50,000 products is a plain scan of
 * short strings (no normalization while the cashier types).
 */
export class CatalogIndex {
  readonly products = new Map<string, ProductView>();
  private readonly byCode = new Map<string, string>();
  private readonly byPlu = new Map<number, string>();
  private readonly haystacks = new Map<string, string>();

  get size(): number {
    return this.products.size;
  }

  /** Adds or replaces products; inactive ones leave the index (they can no longer be sold). */
  upsert(products: Iterable<ProductView>): void {
    for (const product of products) {
      this.remove(product.id);
      if (!product.active) continue;
      this.products.set(product.id, product);
      this.byCode.set(codeKey(product.code), product.id);
      for (const barcode of product.barcodes) this.byCode.set(codeKey(barcode), product.id);
      if (product.plu !== null) this.byPlu.set(product.plu, product.id);
      this.haystacks.set(
        product.id,
        normalizeText(
          [product.name, product.brand, product.code, product.category, ...product.barcodes].join(' '),
        ),
      );
    }
  }

  remove(id: string): void {
    const old = this.products.get(id);
    if (!old) return;
    this.products.delete(id);
    this.haystacks.delete(id);
    for (const code of [old.code, ...old.barcodes]) {
      if (this.byCode.get(codeKey(code)) === id) this.byCode.delete(codeKey(code));
    }
    if (old.plu !== null && this.byPlu.get(old.plu) === id) this.byPlu.delete(old.plu);
  }

  clear(): void {
    this.products.clear();
    this.byCode.clear();
    this.byPlu.clear();
    this.haystacks.clear();
  }

  /** By barcode or internal code, case-insensitive. */
  byBarcode(code: string): ProductView | undefined {
    const id = this.byCode.get(codeKey(code));
    return id ? this.products.get(id) : undefined;
  }

  byPluNumber(plu: number): ProductView | undefined {
    const id = this.byPlu.get(plu);
    return id ? this.products.get(id) : undefined;
  }

  /** Products holding every typed word (accent- and case-insensitive), names starting with the query first. */
  search(query: string, limit: number): ProductView[] {
    const words = normalizeText(query).split(/\s+/).filter(Boolean);
    if (words.length === 0) return [];
    const first: ProductView[] = [];
    const rest: ProductView[] = [];
    for (const [id, haystack] of this.haystacks) {
      if (!words.every((w) => haystack.includes(w))) continue;
      const product = this.products.get(id)!;
      (haystack.startsWith(words[0]!) ? first : rest).push(product);
      if (first.length >= limit) break;
    }
    return [...first, ...rest].slice(0, limit);
  }
}
