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
 * What a product is found by: name first (a search ranks names starting with the first word
 * first), then brand, code, category and barcodes, normalized, on one line. Computed where the
 * catalog is loaded (a worker, for a whole catalog) so the page only indexes it.
 */
export function searchTextOf(product: ProductView): string {
  return normalizeText(
    [product.name, product.brand, product.code, product.category, ...product.barcodes].join(' '),
  ).replace(/\s+/g, ' ');
}

/** Products per search block: a block's text is rebuilt (a join of this many lines) after a change in it. */
const BLOCK_SIZE = 512;

interface Entry {
  id: string;
  text: string;
  block: Block;
  removed: boolean;
}

/**
 * A run of products in catalog order and their search texts joined as `\n<text>\n<text>…`:
 * one native `indexOf` over the block finds a word in all of them, and `\n<word>` finds the
 * texts (names) that start with it.
 */
class Block {
  entries: Entry[] = [];
  text = '';
  /** Where each live entry's line starts in `text` (after its `\n`), ascending. */
  starts = new Int32Array(0);
  live: Entry[] = [];
  dirty = true;

  build(): void {
    if (!this.dirty) return;
    this.entries = this.entries.filter((e) => !e.removed);
    this.live = this.entries;
    this.starts = new Int32Array(this.live.length);
    let at = 0;
    for (let i = 0; i < this.live.length; i++) {
      this.starts[i] = at + 1;
      at += this.live[i]!.text.length + 1;
    }
    this.text = this.live.length ? `\n${this.live.map((e) => e.text).join('\n')}` : '';
    this.dirty = false;
  }

  /** The entry whose line holds position `at` of `text`. */
  entryAt(at: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

/**
 * In-memory index of the local catalog: O(1) lookups by barcode, internal code and PLU; a
 * search text per product kept in blocks (catalog order) so a search over 50,000 products is a
 * few native substring scans instead of 50,000 checks per keystroke; and each category's tab
 * kept sorted until a product of it changes.
 */
export class CatalogIndex {
  readonly products = new Map<string, ProductView>();
  private readonly byCode = new Map<string, string>();
  private readonly byPlu = new Map<number, string>();
  private readonly entries = new Map<string, Entry>();
  private blocks: Block[] = [];
  private readonly categoryCounts = new Map<string, number>();
  private readonly tabs = new Map<string, ProductView[]>();
  private categoryList: string[] | null = null;

  get size(): number {
    return this.products.size;
  }

  /**
   * Adds or replaces products; inactive ones leave the index (they can no longer be sold).
   * `texts[i]`, when given, is `searchTextOf(products[i])` computed elsewhere.
   */
  upsert(products: readonly ProductView[], texts?: readonly string[]): void {
    for (let i = 0; i < products.length; i++) {
      const product = products[i]!;
      this.remove(product.id);
      if (!product.active) continue;
      this.products.set(product.id, product);
      this.byCode.set(codeKey(product.code), product.id);
      for (const barcode of product.barcodes) this.byCode.set(codeKey(barcode), product.id);
      if (product.plu !== null) this.byPlu.set(product.plu, product.id);
      this.addEntry(product.id, texts?.[i] ?? searchTextOf(product));
      this.countCategory(product.category, 1);
    }
  }

  remove(id: string): void {
    const old = this.products.get(id);
    if (!old) return;
    this.products.delete(id);
    const entry = this.entries.get(id);
    if (entry) {
      entry.removed = true;
      entry.block.dirty = true;
      this.entries.delete(id);
    }
    for (const code of [old.code, ...old.barcodes]) {
      if (this.byCode.get(codeKey(code)) === id) this.byCode.delete(codeKey(code));
    }
    if (old.plu !== null && this.byPlu.get(old.plu) === id) this.byPlu.delete(old.plu);
    this.countCategory(old.category, -1);
  }

  clear(): void {
    this.products.clear();
    this.byCode.clear();
    this.byPlu.clear();
    this.entries.clear();
    this.blocks = [];
    this.categoryCounts.clear();
    this.tabs.clear();
    this.categoryList = null;
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

  /** The categories in use, sorted. */
  categories(): string[] {
    this.categoryList ??= [...this.categoryCounts.keys()].sort((a, b) => a.localeCompare(b, 'es'));
    return this.categoryList;
  }

  /**
   * A category's products sorted by `compare`, kept until one of them changes: switching tabs
   * or a change in another category does not sort 2,000 names again.
   */
  inCategory(category: string, compare: (a: ProductView, b: ProductView) => number): ProductView[] {
    let tab = this.tabs.get(category);
    if (!tab) {
      tab = [];
      for (const p of this.products.values()) if (p.category === category) tab.push(p);
      tab.sort(compare);
      this.tabs.set(category, tab);
    }
    return tab;
  }

  /**
   * Products holding every typed word (accent- and case-insensitive, anywhere in name, brand,
   * code, category or barcodes), in catalog order, those whose name starts with the first word
   * first. The blocks are scanned for `\n<first word>` (names starting with it), then, if the
   * page is not full, for the rarest-looking word; each hit is checked for the other words.
   */
  search(query: string, limit: number): ProductView[] {
    const words = normalizeText(query).split(/\s+/).filter(Boolean);
    if (words.length === 0 || limit <= 0) return [];
    for (const block of this.blocks) block.build();
    const holdsAll = (text: string) => words.every((w) => text.includes(w));
    const found: string[] = [];
    this.scan(`\n${words[0]}`, 1, (text) => holdsAll(text), found, limit);
    if (found.length < limit) {
      const first = words[0]!;
      const driver = this.rarest(words);
      this.scan(driver, 0, (text) => !text.startsWith(first) && holdsAll(text), found, limit);
    }
    return found.map((id) => this.products.get(id)!);
  }

  /** Adds to `found`, in catalog order, the ids whose text holds `needle` and passes `accept`. */
  private scan(
    needle: string,
    skip: number,
    accept: (text: string) => boolean,
    found: string[],
    limit: number,
  ): void {
    for (const block of this.blocks) {
      let from = 0;
      for (;;) {
        const at = block.text.indexOf(needle, from);
        if (at < 0) break;
        const i = block.entryAt(at + skip);
        const entry = block.live[i]!;
        // The next line: a text is taken once however often the needle is in it.
        from = block.starts[i]! + entry.text.length;
        if (!accept(entry.text)) continue;
        found.push(entry.id);
        if (found.length >= limit) return;
      }
    }
  }

  /**
   * The word to scan the whole catalog for: the one least often in the first blocks (a rare
   * word's scan is a few native `indexOf` calls; a common one's checks many hits).
   */
  private rarest(words: string[]): string {
    if (words.length === 1) return words[0]!;
    const sample = this.blocks
      .slice(0, 4)
      .map((b) => b.text)
      .join('');
    let best = words[0]!;
    let bestCount = Number.POSITIVE_INFINITY;
    for (const word of words) {
      let count = 0;
      for (
        let at = sample.indexOf(word);
        at >= 0 && count < 1000;
        at = sample.indexOf(word, at + word.length)
      )
        count++;
      if (count < bestCount || (count === bestCount && word.length > best.length)) {
        best = word;
        bestCount = count;
      }
    }
    return best;
  }

  private addEntry(id: string, text: string): void {
    let block = this.blocks.at(-1);
    if (!block || block.entries.length >= BLOCK_SIZE) {
      block = new Block();
      this.blocks.push(block);
    }
    const entry: Entry = { id, text, block, removed: false };
    block.entries.push(entry);
    block.dirty = true;
    this.entries.set(id, entry);
  }

  private countCategory(category: string, delta: 1 | -1): void {
    this.tabs.delete(category);
    if (!category) return;
    const count = (this.categoryCounts.get(category) ?? 0) + delta;
    if (count > 0 !== this.categoryCounts.has(category)) this.categoryList = null;
    if (count > 0) this.categoryCounts.set(category, count);
    else this.categoryCounts.delete(category);
  }
}
