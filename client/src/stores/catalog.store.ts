import { type ErrorPayload, fail, ok, type Result } from '@erp/shared/errors';
import type { ProductData, ProductView } from '@erp/shared/events/index';
import {
  DEFAULT_SCALE_LABEL_RULES,
  parseScaleLabel,
  type ScaleLabelRule,
  scaleLabelLine,
} from '@erp/shared/scale-label';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { t } from '../i18n/es-CL.ts';
import { type PosDb, posDbFor, posDbName } from '../storage/pos-db.ts';
import { CatalogIndex } from './catalog-index.ts';
import { LOAD_SLICE, type LoadRequest } from './catalog-load.ts';
import { loadCatalog } from './catalog-loader.ts';
import { STORE_IDS } from './ids.ts';
import { type NotificationPayload, useRealtimeStore } from './realtime.store.ts';
import { useSessionStore } from './session.store.ts';

/** What a scanned or typed code means. */
export type ScanResult =
  | { kind: 'product'; product: ProductView }
  /** A scale label: the weight comes from the label (or from its printed price). */
  | { kind: 'label'; product: ProductView; quantity: string }
  | { kind: 'unknown-plu'; plu: number }
  | { kind: 'bad-label' }
  | { kind: 'unknown' };

const META = { version: 'version', rules: 'labelRules', favourites: 'favourites' } as const;
/** A category tab's tiles: the tab is browsed by scrolling. */
export const TAB_LIMIT = 60;
/**
 * A search's tiles: about two screens of the grid. A name search re-draws them on every key,
 * and a cashier narrows the words rather than scrolling through matches.
 */
export const SEARCH_LIMIT = 24;
/** One collator for every tab sort: far quicker than `localeCompare` per comparison. */
const byName = new Intl.Collator('es');
const byNameThenCode = (a: ProductView, b: ProductView) =>
  byName.compare(a.name, b.name) || byName.compare(a.code, b.code);

/**
 * Products indexed or stored per slice of main-thread work while many products arrive (a whole
 * catalog, or a long `catalog:changes`): each slice takes a few milliseconds, and the page
 * paints and takes the scanner's keys between them instead of freezing for a second.
 */
export { LOAD_SLICE };

/** Gives the page a turn (a paint, a key typed) between two slices of a long load. */
function yieldToPage(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * The catalog the POS sells from, kept in IndexedDB and indexed in memory so a scan never
 * waits for the server: loaded from disk at start, then brought up to date with the HTTP
 * snapshot (first time: gzipped, shared by every till, revalidated by catalog version) or
 * `catalog:changes` on the socket since the stored version after every connection that did not
 * recover the missed events, and kept live by `product:changed` and `price:changed`. Prices
 * shown are the store's (override first).
 *
 * A whole catalog (the local copy at start, the snapshot the first time) is read, parsed as it
 * downloads, checked, given its search texts and stored by a Web Worker (`catalog-load.ts`);
 * the page indexes the slices it sends (`LOAD_SLICE` products each), so no task of the load
 * holds the page. Live changes that arrive meanwhile are applied after it, in order.
 *
 * Stale prices: the local copy shown at once on a reload is the catalog at its stored version.
 * The changes since then arrive as soon as the socket connects and are applied before anything
 * else (a line already on the ticket takes the new price with a notice, `cart.store`); a sale
 * paid before that, or offline, is checked by the server at `sale:commit`, which answers
 * PRICE_CHANGED with the current prices for the cashier to confirm.
 */
export const useCatalogStore = defineStore(STORE_IDS.CATALOG, () => {
  const version = ref<number | null>(null);
  const labelRules = ref<ScaleLabelRule[]>([...DEFAULT_SCALE_LABEL_RULES]);
  const favouriteIds = ref<string[]>([]);
  /** Bumped on every change of the in-memory index: getters read it to stay reactive. */
  const revision = ref(0);
  const loaded = ref(false);
  const syncing = ref(false);
  const syncError = ref<ErrorPayload | null>(null);

  const index = new CatalogIndex();
  let db: PosDb | null = null;
  /** Live changes received while a whole catalog loads: applied after it, in order. */
  let queued: (() => void)[] | null = null;
  let markLoaded: () => void = () => {};
  const loadedOnce = new Promise<void>((resolve) => {
    markLoaded = resolve;
  });
  let markReady: () => void = () => {};
  const readyOnce = new Promise<void>((resolve) => {
    markReady = resolve;
  });

  /**
   * A catalog to sell from: the local copy is in memory and it came from the server at least
   * once. On a first load the local copy is empty until the snapshot arrives, and a scan
   * answered from it would be a false "unknown code".
   */
  const ready = computed(() => loaded.value && version.value !== null);

  /** Resolves once the local copy is in memory: a scan typed during page load waits for it. */
  function whenLoaded(): Promise<void> {
    return loadedOnce;
  }

  /** Resolves once `ready`: waiters run in the order they started waiting, as scans were typed. */
  function whenReady(): Promise<void> {
    return readyOnce;
  }
  let stopFns: (() => void)[] = [];

  const productCount = computed(() => {
    void revision.value;
    return index.size;
  });

  const categories = computed(() => {
    void revision.value;
    return [...index.categories()];
  });

  const favourites = computed(() => {
    void revision.value;
    return favouriteIds.value.map((id) => index.products.get(id)).filter((p) => p !== undefined);
  });

  function product(id: string): ProductView | undefined {
    void revision.value;
    return index.products.get(id);
  }

  /** The price at this store (IVA included): the store's override, else the base price. */
  function priceOf(p: ProductView): number {
    return p.storePrice ?? p.price;
  }

  function search(query: string, limit = SEARCH_LIMIT): ProductView[] {
    void revision.value;
    return index.search(query, limit);
  }

  /**
   * A category tab: its first products by name (then code). The whole category is sorted before
   * cutting: the index keeps insertion order and a changed product is re-inserted last, so
   * cutting first would drop it out of the tab on a price change.
   */
  function inCategory(category: string, limit = TAB_LIMIT): ProductView[] {
    void revision.value;
    return index.inCategory(category, byNameThenCode).slice(0, limit);
  }

  /** A barcode or internal code first, then a scale label decoded with the tenant's rules. */
  function resolveScan(code: string): ScanResult {
    const text = code.trim();
    const direct = index.byBarcode(text);
    if (direct) return { kind: 'product', product: direct };
    const label = parseScaleLabel(text, labelRules.value);
    if (label.ok) {
      const weighed = index.byPluNumber(label.plu);
      if (!weighed) return { kind: 'unknown-plu', plu: label.plu };
      return { kind: 'label', product: weighed, quantity: scaleLabelLine(label, priceOf(weighed)).quantity };
    }
    // A 13-digit code in the scale range whose check digit fails is a misread label, not a product.
    if (label.reason === 'bad_check_digit' && text.startsWith('2')) return { kind: 'bad-label' };
    return { kind: 'unknown' };
  }

  async function persistProducts(products: ProductView[]): Promise<void> {
    if (!db || products.length === 0) return;
    if (products.length > LOAD_SLICE) {
      for (let i = 0; i < products.length; i += LOAD_SLICE) {
        await persistProducts(products.slice(i, i + LOAD_SLICE));
        await yieldToPage();
      }
      return;
    }
    // Inactive ones too: over the stored snapshot, they hide its copy of the product.
    await db.putMany(
      'products',
      products.map((value) => ({ value })),
    );
  }

  async function saveVersion(next: number): Promise<void> {
    version.value = next;
    await db?.put('meta', next, META.version);
  }

  /**
   * A whole catalog from the worker: the local copy, or the HTTP snapshot (which replaces what
   * is in memory once its first slice arrives; the worker stores it with its version after
   * `done`). Resolves at `done` with the catalog's version (null: no local copy yet).
   */
  function loadWhole(request: LoadRequest): Promise<Result<number | null>> {
    queued ??= [];
    let replacing = request.kind === 'snapshot';
    return new Promise((resolve) => {
      const finish = (outcome: Result<number | null>) => {
        const waiting = queued ?? [];
        queued = null;
        for (const apply of waiting) apply();
        resolve(outcome);
      };
      void loadCatalog(request, (message) => {
        if (message.kind === 'slice' || (message.kind === 'done' && replacing)) {
          if (replacing) index.clear();
          replacing = false;
        }
        if (message.kind === 'slice') index.upsert(message.slice.products, message.slice.texts);
        else if (message.kind === 'done') finish(ok(message.version));
        else if (message.kind === 'failed') finish({ ok: false, error: message.error });
      });
    });
  }

  /** The whole catalog over HTTP, gzipped, parsed and checked in the worker as it streams in. */
  function loadSnapshot(): Promise<Result<number | null>> {
    const session = useSessionStore();
    const store = session.storeId ? `?store=${encodeURIComponent(session.storeId)}` : '';
    const path = `/api/t/${encodeURIComponent(session.tenantSlug!)}/catalog/snapshot${store}`;
    return loadWhole({
      kind: 'snapshot',
      url: new URL(path, location.href).href,
      token: session.token,
      dbName: db ? posDbName(session.tenantSlug!, session.storeId!) : null,
    });
  }

  /** Adds products to the in-memory index a slice at a time. */
  async function indexInSlices(products: ProductView[]): Promise<void> {
    for (let i = 0; i < products.length; i += LOAD_SLICE) {
      if (i > 0) await yieldToPage();
      index.upsert(products.slice(i, i + LOAD_SLICE));
    }
  }

  /** What changed since `since`, over the socket. */
  async function loadChanges(since: number): Promise<Result<number>> {
    const feed = await useRealtimeStore().command('catalog:changes', { since }, { timeoutMs: 60_000 });
    if (!feed.ok) return feed;
    await indexInSlices(feed.data.products);
    await persistProducts(feed.data.products);
    return ok(Math.max(feed.data.version, since));
  }

  /** Brings the local catalog up to date: the whole snapshot the first time, then the changes. */
  async function sync(): Promise<void> {
    const realtime = useRealtimeStore();
    syncing.value = true;
    try {
      const since = version.value;
      const loading = since === null ? loadSnapshot() : loadChanges(since);
      // The scale-label rules meanwhile: one round trip less before the catalog is ready.
      const asked = realtime.command('label:rules', {});
      const loaded = await loading;
      const rules = await asked;
      if (!loaded.ok || loaded.data === null) {
        syncError.value = loaded.ok ? fail('INTERNAL', t.connection.unexpectedAnswer).error : loaded.error;
        return;
      }
      // The index is whole: screens re-read it before the catalog turns ready (a watcher of
      // `ready` runs during the awaits below, and must see the categories).
      revision.value++;
      // A snapshot's version is stored with it, by the worker, in one transaction.
      if (since === null) version.value = Math.max(loaded.data, version.value ?? 0);
      else await saveVersion(loaded.data);
      if (rules.ok) {
        labelRules.value = rules.data;
        await db?.put('meta', rules.data, META.rules);
      }
      syncError.value = null;
      markReady();
    } finally {
      syncing.value = false;
    }
  }

  function onProductChanged(payload: NotificationPayload<'product:changed'>): void {
    if (queued) {
      queued.push(() => onProductChanged(payload));
      return;
    }
    const { changes } = payload;
    const merged = changes.map(
      (p: ProductData): ProductView => ({ ...p, storePrice: index.products.get(p.id)?.storePrice ?? null }),
    );
    index.upsert(merged);
    revision.value++;
    void persistProducts(merged);
    void bumpVersion(changes.map((c) => c.version));
  }

  function onPriceChanged(payload: NotificationPayload<'price:changed'>): void {
    if (queued) {
      queued.push(() => onPriceChanged(payload));
      return;
    }
    const { changes } = payload;
    const storeId = useSessionStore().storeId;
    const touched: ProductView[] = [];
    for (const change of changes) {
      const current = index.products.get(change.productId);
      if (!current) continue;
      if (change.storeId === null && change.price !== null) touched.push({ ...current, price: change.price });
      else if (change.storeId === storeId) touched.push({ ...current, storePrice: change.price });
    }
    index.upsert(touched);
    revision.value++;
    void persistProducts(touched);
    void bumpVersion(changes.map((c) => c.version));
  }

  /** Live changes arrive in version order; a gap is caught by the next `catalog:changes`. */
  async function bumpVersion(versions: number[]): Promise<void> {
    const highest = Math.max(...versions);
    if (version.value !== null && highest > version.value) await saveVersion(highest);
  }

  async function toggleFavourite(id: string): Promise<void> {
    favouriteIds.value = favouriteIds.value.includes(id)
      ? favouriteIds.value.filter((f) => f !== id)
      : [...favouriteIds.value, id];
    await db?.put('meta', [...favouriteIds.value], META.favourites);
  }

  /** Opens the local catalog of the session's store, then follows the server. Idempotent. */
  async function start(): Promise<void> {
    if (db) return;
    const session = useSessionStore();
    db = await posDbFor(session.tenantSlug!, session.storeId!);
    const [local, rules, favs] = await Promise.all([
      loadWhole({ kind: 'local', dbName: posDbName(session.tenantSlug!, session.storeId!) }),
      db.get<ScaleLabelRule[]>('meta', META.rules),
      db.get<string[]>('meta', META.favourites),
    ]);
    version.value = local.ok ? local.data : null;
    if (rules) labelRules.value = rules;
    favouriteIds.value = favs ?? [];
    loaded.value = true;
    revision.value++;
    markLoaded();
    if (ready.value) markReady();
    const realtime = useRealtimeStore();
    stopFns = [
      realtime.addEventListener('product:changed', onProductChanged),
      realtime.addEventListener('price:changed', onPriceChanged),
      realtime.onResync(sync),
    ];
  }

  function stop(): void {
    for (const off of stopFns) off();
    stopFns = [];
    db = null;
  }

  return {
    version,
    labelRules,
    favouriteIds,
    revision,
    loaded,
    ready,
    syncing,
    syncError,
    productCount,
    categories,
    favourites,
    product,
    priceOf,
    search,
    inCategory,
    resolveScan,
    whenLoaded,
    whenReady,
    sync,
    toggleFavourite,
    start,
    stop,
  };
});
