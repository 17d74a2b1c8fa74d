import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CatalogFeed, type ProductData, type ProductView } from '@erp/shared';
import { z } from 'zod';
import type { Logger } from '../logger.ts';

/** What is written to disk: the store's catalog as the POS receives it. */
const StoredReplica = z.object({
  tenantSlug: z.string(),
  storeId: z.string(),
  version: z.number().int(),
  /** The snapshot's ETag, so a refresh at the same catalog version costs a 304. */
  etag: z.string().nullable(),
  products: z.array(z.unknown()),
  labelRules: z.array(z.unknown()).nullable().default(null),
});

/** How long after a change the replica is written (changes arrive in bursts, once per terminal). */
const SAVE_DELAY_MS = 500;

type PriceChange = { productId: string; storeId: string | null; price: number | null; version: number };

/**
 * The store's catalog with its prices, kept on the hub so the POS can load and price products
 * while the central server is unreachable, also after a hub restart. Fed by what passes through
 * the hub while online (snapshots, `catalog:changes` answers, `product:changed` and
 * `price:changed`) and by the hub's own snapshot refreshes; written to disk atomically (temporary
 * file, fsync, rename), so a crash leaves the previous or the new copy, never half of one.
 */
export class CatalogReplica {
  readonly #path: string;
  readonly #tenantSlug: string;
  readonly #storeId: string;
  readonly #logger: Logger;
  readonly #products = new Map<string, ProductView>();
  #version: number | null = null;
  #etag: string | null = null;
  #labelRules: unknown[] | null = null;
  #saveTimer: NodeJS.Timeout | null = null;
  #saving: Promise<void> = Promise.resolve();

  constructor(path: string, scope: { tenantSlug: string; storeId: string }, logger: Logger) {
    this.#path = path;
    this.#tenantSlug = scope.tenantSlug;
    this.#storeId = scope.storeId;
    this.#logger = logger;
  }

  /** Reads the copy on disk, if any and of this store; a damaged file is ignored (refetched online). */
  async load(): Promise<void> {
    const text = await readFile(this.#path, 'utf8').catch(() => null);
    if (!text) return;
    try {
      const stored = StoredReplica.parse(JSON.parse(text));
      if (stored.tenantSlug !== this.#tenantSlug || stored.storeId !== this.#storeId) return;
      const feed = CatalogFeed.parse({
        version: stored.version,
        storeId: stored.storeId,
        products: stored.products,
      });
      for (const product of feed.products) this.#products.set(product.id, product);
      this.#version = feed.version;
      this.#etag = stored.etag;
      this.#labelRules = stored.labelRules;
    } catch (error) {
      this.#logger.warn({ err: (error as Error).message }, 'catalog replica on disk unreadable; ignored');
    }
  }

  /** The catalog version reached, or null while the hub never had a snapshot. */
  get version(): number | null {
    return this.#version;
  }

  get etag(): string | null {
    return this.#etag;
  }

  /** The company's scale-label rules (`label:rules`), as last answered through the hub. */
  get labelRules(): unknown[] | null {
    return this.#labelRules;
  }

  setLabelRules(rules: unknown): void {
    if (!Array.isArray(rules)) return;
    this.#labelRules = rules;
    this.#scheduleSave();
  }

  get size(): number {
    return this.#products.size;
  }

  /** A whole snapshot of this store: replaces the replica unless it is older. */
  applySnapshot(input: unknown, etag: string | null): boolean {
    const parsed = CatalogFeed.safeParse(input);
    if (!parsed.success || parsed.data.storeId !== this.#storeId) return false;
    if (this.#version !== null && parsed.data.version < this.#version) return false;
    this.#products.clear();
    for (const product of parsed.data.products) this.#products.set(product.id, product);
    this.#version = parsed.data.version;
    this.#etag = etag;
    this.#scheduleSave();
    return true;
  }

  /** A `catalog:changes` answer for this store: merged by product version. */
  applyChanges(input: unknown): void {
    const parsed = CatalogFeed.safeParse(input);
    if (!parsed.success || parsed.data.storeId !== this.#storeId || this.#version === null) return;
    for (const product of parsed.data.products) this.#upsert(product);
    this.#bump(parsed.data.version);
  }

  /** `product:changed`: base data changed; the store's own price stays. */
  applyProductChanged(changes: ProductData[]): void {
    if (this.#version === null) return;
    for (const change of changes) {
      this.#upsert({ ...change, storePrice: this.#products.get(change.id)?.storePrice ?? null });
    }
    this.#bump(Math.max(...changes.map((c) => c.version)));
  }

  /** `price:changed`: the base price, or this store's override. */
  applyPriceChanged(changes: PriceChange[]): void {
    if (this.#version === null) return;
    for (const change of changes) {
      const current = this.#products.get(change.productId);
      if (!current || change.version < current.version) continue;
      if (change.storeId === null && change.price !== null)
        this.#products.set(current.id, { ...current, price: change.price });
      else if (change.storeId === this.#storeId)
        this.#products.set(current.id, { ...current, storePrice: change.price });
    }
    this.#bump(Math.max(...changes.map((c) => c.version)));
  }

  /**
   * The feed a POS gets from the hub while offline: every active product for a snapshot
   * (`since` null), or every product changed after `since`.
   */
  feed(since: number | null): z.input<typeof CatalogFeed> | null {
    if (this.#version === null) return null;
    const products = [...this.#products.values()].filter((p) =>
      since === null ? p.active : p.version > since,
    );
    return { version: this.#version, storeId: this.#storeId, products };
  }

  /** A product by barcode or internal code, as `product:lookup` finds it. */
  lookup(code: string): ProductView | null {
    for (const product of this.#products.values()) {
      if (product.active && (product.code === code || product.barcodes.includes(code))) return product;
    }
    return null;
  }

  /** A product by id, active or not (an offline sale prices its lines with it). */
  product(id: string): ProductView | null {
    return this.#products.get(id) ?? null;
  }

  #upsert(product: ProductView): void {
    const current = this.#products.get(product.id);
    if (!current || product.version >= current.version) this.#products.set(product.id, product);
  }

  #bump(version: number): void {
    if (this.#version !== null && version > this.#version) {
      this.#version = version;
      this.#etag = null;
    }
    this.#scheduleSave();
  }

  #scheduleSave(): void {
    if (this.#saveTimer) return;
    this.#saveTimer = setTimeout(() => {
      this.#saveTimer = null;
      this.#saving = this.#saving
        .then(() => this.#write())
        .catch((error: Error) => {
          this.#logger.error({ err: error.message }, 'catalog replica not saved');
        });
    }, SAVE_DELAY_MS);
  }

  /** Writes now (pending changes included) and waits for the disk. */
  async flush(): Promise<void> {
    if (this.#saveTimer) {
      clearTimeout(this.#saveTimer);
      this.#saveTimer = null;
      this.#saving = this.#saving.then(() => this.#write());
    }
    await this.#saving;
  }

  async #write(): Promise<void> {
    if (this.#version === null) return;
    await mkdir(dirname(this.#path), { recursive: true });
    const temporary = `${this.#path}.tmp`;
    const file = await open(temporary, 'w');
    try {
      await file.writeFile(
        JSON.stringify({
          tenantSlug: this.#tenantSlug,
          storeId: this.#storeId,
          version: this.#version,
          etag: this.#etag,
          products: [...this.#products.values()],
          labelRules: this.#labelRules,
        }),
      );
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, this.#path);
  }
}
