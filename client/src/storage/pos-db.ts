/**
 * The POS's IndexedDB: the catalog (so scanning never waits for the server), the open ticket
 * and the sales not yet acknowledged by the server. One database per company and store, so a
 * terminal that switches stores never mixes catalogs or tickets.
 */

export const POS_DB_VERSION = 1;
/** The `meta` key of the stored catalog's version. */
export const CATALOG_VERSION_KEY = 'version';
/** The `meta` key of how many snapshot chunks are stored (`catalogChunk:<i>`). */
export const CATALOG_CHUNKS_KEY = 'catalogChunks';
export const catalogChunkKey = (i: number) => `catalogChunk:${i}`;

/**
 * A slice of the catalog as the snapshot brought it: its JSON text (an array of products) and
 * their search texts joined by `\n`. Strings are written and read by IndexedDB at the speed
 * of a copy, where 50,000 product objects take seconds to clone.
 */
export interface CatalogChunk {
  json: string;
  texts: string;
}

/**
 * Object stores: `products` by id; `meta`, `tickets` and `outbox` keyed by the caller. The
 * catalog is the snapshot's chunks (in `meta`) overlaid by `products`: every product changed
 * since, inactive ones included (they hide the chunk's copy).
 */
export type PosTable = 'products' | 'meta' | 'tickets' | 'outbox';

export interface PosDb {
  get<T>(table: PosTable, key: string): Promise<T | undefined>;
  getAll<T>(table: PosTable): Promise<T[]>;
  /** Writes many values in one transaction (`products` take their key from `id`). */
  putMany(table: PosTable, entries: { key?: string; value: unknown }[]): Promise<void>;
  put(table: PosTable, value: unknown, key?: string): Promise<void>;
  delete(table: PosTable, key: string): Promise<void>;
  clear(table: PosTable): Promise<void>;
  /**
   * Replaces the stored catalog with `products` and its `version` in one transaction: the copy
   * and its version never disagree, whatever moment the page is closed at.
   */
  replaceCatalog(chunks: readonly CatalogChunk[], version: number): Promise<void>;
  close(): void;
}

export function posDbName(tenantSlug: string, storeId: string): string {
  return `erp-market-pos:${tenantSlug}:${storeId}`;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

/** Opens (creating or upgrading) the POS database. */
export async function openPosDb(name: string): Promise<PosDb> {
  const open = indexedDB.open(name, POS_DB_VERSION);
  open.onupgradeneeded = () => {
    const db = open.result;
    if (!db.objectStoreNames.contains('products')) db.createObjectStore('products', { keyPath: 'id' });
    for (const table of ['meta', 'tickets', 'outbox'] as const) {
      if (!db.objectStoreNames.contains(table)) db.createObjectStore(table);
    }
  };
  const db = await request(open);

  async function write(table: PosTable, run: (store: IDBObjectStore) => void): Promise<void> {
    const tx = db.transaction(table, 'readwrite');
    run(tx.objectStore(table));
    await done(tx);
  }

  return {
    get: <T>(table: PosTable, key: string) =>
      request(db.transaction(table).objectStore(table).get(key)) as Promise<T | undefined>,
    getAll: <T>(table: PosTable) =>
      request(db.transaction(table).objectStore(table).getAll()) as Promise<T[]>,
    putMany: (table, entries) =>
      write(table, (store) => {
        for (const { key, value } of entries) {
          if (key === undefined) store.put(value);
          else store.put(value, key);
        }
      }),
    put: (table, value, key) =>
      write(table, (store) => {
        if (key === undefined) store.put(value);
        else store.put(value, key);
      }),
    delete: (table, key) => write(table, (store) => store.delete(key)),
    clear: (table) => write(table, (store) => store.clear()),
    replaceCatalog: async (chunks, version) => {
      const tx = db.transaction(['products', 'meta'], 'readwrite');
      const meta = tx.objectStore('meta');
      meta.delete(
        IDBKeyRange.bound(catalogChunkKey(0).slice(0, -1), `${catalogChunkKey(0).slice(0, -1)}\uffff`),
      );
      tx.objectStore('products').clear();
      for (const [i, chunk] of chunks.entries()) meta.put(chunk, catalogChunkKey(i));
      meta.put(chunks.length, CATALOG_CHUNKS_KEY);
      meta.put(version, CATALOG_VERSION_KEY);
      await done(tx);
    },
    close: () => db.close(),
  };
}

const opened = new Map<string, Promise<PosDb>>();

/** The page's one connection to a store's POS database (stores share it; it stays open). */
export function posDbFor(tenantSlug: string, storeId: string): Promise<PosDb> {
  const name = posDbName(tenantSlug, storeId);
  let db = opened.get(name);
  if (!db) {
    db = openPosDb(name);
    opened.set(name, db);
  }
  return db;
}
