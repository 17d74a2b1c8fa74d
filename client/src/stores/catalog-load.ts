import { type ErrorPayload, fail } from '@erp/shared/errors';
import { CatalogFeed, ProductView } from '@erp/shared/events/catalog.events';
import { z } from 'zod';
import { apiFailure } from '../http/api.ts';
import { t } from '../i18n/es-CL.ts';
import {
  CATALOG_CHUNKS_KEY,
  CATALOG_VERSION_KEY,
  type CatalogChunk,
  catalogChunkKey,
  openPosDb,
} from '../storage/pos-db.ts';
import { searchTextOf } from './catalog-index.ts';

/**
 * Loading a whole catalog (50,000 products) without holding the page: reading the local copy
 * from IndexedDB, or downloading the HTTP snapshot, parsing it as it streams in, checking it
 * against the shared schema, computing each product's search text and storing the copy. Runs
 * in a Web Worker (`catalog.worker.ts`); the page only indexes the slices it is sent.
 */

/** Products per message to the page: indexing one takes the page a few milliseconds. */
export const LOAD_SLICE = 2000;

export interface CatalogSlice {
  products: ProductView[];
  /** `searchTextOf(products[i])`. */
  texts: string[];
}

export type LoadRequest =
  /** The copy kept in the store's POS database. */
  | { kind: 'local'; dbName: string }
  /**
   * `GET url` with the bearer token; the copy in `dbName` (when given) is replaced by it, with
   * its version, in one transaction, after `done`.
   */
  | { kind: 'snapshot'; url: string; token: string | null; dbName: string | null };

export type LoadMessage =
  | { kind: 'slice'; slice: CatalogSlice }
  /** Every slice was sent; `version`: the copy's (null: nothing stored yet). */
  | { kind: 'done'; version: number | null }
  /** The snapshot is stored (or there was nowhere to store it). */
  | { kind: 'stored' }
  | { kind: 'failed'; error: ErrorPayload };

type Emit = (message: LoadMessage) => void | Promise<void>;

const Envelope = z.object({
  ok: z.literal(true),
  data: CatalogFeed.extend({ products: z.array(z.unknown()) }),
});
const Products = z.array(ProductView);
const PRODUCTS_KEY = '"products":[';

function sliceOf(products: ProductView[]): CatalogSlice {
  return { products, texts: products.map(searchTextOf) };
}

/** Runs a load, reporting through `emit`; never throws (a failure is a `failed` message). */
export async function runLoad(request: LoadRequest, emit: Emit): Promise<void> {
  try {
    if (request.kind === 'local') await loadLocal(request.dbName, emit);
    else await loadSnapshot(request, emit);
  } catch (error) {
    console.error('catalog load failed', error);
    await emit({ kind: 'failed', error: fail('INTERNAL', t.connection.unexpectedAnswer).error });
  }
}

/** The stored snapshot's chunks (as stored: not checked again), then the products changed since. */
async function loadLocal(dbName: string, emit: Emit): Promise<void> {
  const db = await openPosDb(dbName);
  try {
    const [chunks, version] = await Promise.all([
      db.get<number>('meta', CATALOG_CHUNKS_KEY),
      db.get<number>('meta', CATALOG_VERSION_KEY),
    ]);
    // Asked all at once: IndexedDB answers them in order while the first ones are parsed.
    const reads = Array.from({ length: chunks ?? 0 }, (_, i) =>
      db.get<CatalogChunk>('meta', catalogChunkKey(i)),
    );
    const changed = db.getAll<ProductView>('products');
    for (const read of reads) {
      const chunk = await read;
      if (!chunk) continue;
      const products = JSON.parse(chunk.json) as ProductView[];
      await emit({ kind: 'slice', slice: { products, texts: chunk.texts.split('\n') } });
    }
    const overlay = await changed;
    for (let i = 0; i < overlay.length; i += LOAD_SLICE)
      await emit({ kind: 'slice', slice: sliceOf(overlay.slice(i, i + LOAD_SLICE)) });
    await emit({ kind: 'done', version: version ?? null });
  } finally {
    db.close();
  }
}

async function loadSnapshot(request: Extract<LoadRequest, { kind: 'snapshot' }>, emit: Emit): Promise<void> {
  let response: Response;
  try {
    response = await fetch(request.url, {
      headers: request.token ? { authorization: `Bearer ${request.token}` } : {},
    });
  } catch {
    await emit({ kind: 'failed', error: fail('OFFLINE').error });
    return;
  }
  if (!response.ok || !response.body) {
    await emit({ kind: 'failed', error: (await apiFailure(response)).error });
    return;
  }
  const chunks: CatalogChunk[] = [];
  let bad = false;
  const splitter = new ProductSplitter(async (json) => {
    const parsed = Products.safeParse(JSON.parse(json));
    if (!parsed.success) {
      bad = true;
      return;
    }
    const slice = sliceOf(parsed.data);
    // Stored as it came (the snapshot holds active products only): a copy, not a re-encoding.
    chunks.push({ json, texts: slice.texts.join('\n') });
    await emit({ kind: 'slice', slice });
  });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    await splitter.push(value);
    if (bad) break;
  }
  const envelope = bad ? null : Envelope.safeParse(JSON.parse(splitter.end()));
  if (!envelope?.success) {
    await reader.cancel().catch(() => {});
    await emit({ kind: 'failed', error: fail('INTERNAL', t.connection.unexpectedAnswer).error });
    return;
  }
  const { version } = envelope.data.data;
  await emit({ kind: 'done', version });
  if (request.dbName) {
    const db = await openPosDb(request.dbName);
    try {
      await db.replaceCatalog(chunks, version);
    } finally {
      db.close();
    }
  }
  await emit({ kind: 'stored' });
}

/**
 * Cuts the snapshot's text (`{"ok":true,"data":{…,"products":[{…},{…},…]}}`, as it arrives)
 * into JSON arrays of `LOAD_SLICE` products, handed to `onSlice` as soon as they are complete,
 * so parsing and checking run while the rest downloads. `end()` gives the envelope with an
 * empty product list.
 */
export class ProductSplitter {
  /** Text not handed over yet: the head before the list, then from the first unsent product on. */
  private buffer = '';
  /** How much of `buffer` has been scanned. */
  private scanned = 0;
  private state: 'head' | 'list' | 'tail' = 'head';
  private head = '';
  private tail = '';
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Complete products in `buffer`. */
  private count = 0;

  private readonly onSlice: (json: string) => Promise<void> | void;
  private readonly size: number;

  constructor(onSlice: (json: string) => Promise<void> | void, size = LOAD_SLICE) {
    this.onSlice = onSlice;
    this.size = size;
  }

  async push(text: string): Promise<void> {
    if (this.state === 'tail') {
      this.tail += text;
      return;
    }
    this.buffer += text;
    if (this.state === 'head') {
      const at = this.buffer.indexOf(PRODUCTS_KEY);
      if (at < 0) return;
      this.head = this.buffer.slice(0, at + PRODUCTS_KEY.length);
      this.buffer = this.buffer.slice(at + PRODUCTS_KEY.length);
      this.state = 'list';
      this.scanned = 0;
    }
    const b = this.buffer;
    const slices: string[] = [];
    let from = 0;
    let i = this.scanned;
    for (; i < b.length; i++) {
      const c = b.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 92 /* \ */) this.escaped = true;
        else if (c === 34 /* " */) this.inString = false;
      } else if (c === 34) this.inString = true;
      else if (c === 123 /* { */ || c === 91 /* [ */) this.depth++;
      else if (c === 125 /* } */ || c === 93 /* ] */) {
        if (this.depth === 0) {
          // The list's closing bracket: what follows closes the envelope.
          if (this.count > 0) slices.push(b.slice(from, i));
          this.count = 0;
          this.state = 'tail';
          this.tail = b.slice(i);
          break;
        }
        if (--this.depth === 0 && ++this.count === this.size) {
          slices.push(b.slice(from, i + 1));
          from = i + 1;
          this.count = 0;
        }
      }
    }
    this.buffer = this.state === 'tail' ? '' : b.slice(from);
    this.scanned = i - from;
    // Each slice but the first starts at the comma that separated it from the one before.
    for (const slice of slices) await this.onSlice(`[${slice.replace(/^\s*,/, '')}]`);
  }

  /** The envelope without its products; throws if the list never closed. */
  end(): string {
    if (this.state !== 'tail') throw new Error('catalog snapshot cut short');
    return `${this.head}${this.tail}`;
  }
}
