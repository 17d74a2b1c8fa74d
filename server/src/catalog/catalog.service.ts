import { randomUUID } from 'node:crypto';
import type { ProductData, ProductInput, ProductListRequest, ProductView } from '@erp/shared';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { recordAudit } from '../audit/index.ts';
import { AppError } from '../platform/app-error.ts';
import type { HeavyReads } from '../realtime/heavy-reads.ts';
import type { PendingEvents } from '../realtime/pending-events.ts';
import { rooms } from '../realtime/rooms.ts';
import {
  barcodeHolders,
  currentCatalogVersion,
  deleteBarcodes,
  insertBarcodes,
  lockProductPrices,
  nextCatalogVersion,
  productIdByCode,
  productPrice,
  storeExists,
  storePricesOf,
  touchProductForStore,
  upsertProductRows,
  writeStorePrice,
} from './catalog.queries.ts';
import {
  listProducts,
  productsByIds,
  productsSince,
  searchProducts,
  searchWords,
} from './product.queries.ts';

/** A product to write: new ones get their id before the call. */
export type ProductWrite = ProductInput & { id: string };

/** Barcodes in `products` already held by a product outside the set, with their holder. */
export async function barcodeConflicts(em: EntityManager, products: { id: string; barcodes: string[] }[]) {
  const barcodes = products.flatMap((p) => p.barcodes);
  if (barcodes.length === 0) return [];
  return barcodeHolders(
    em,
    barcodes,
    products.map((p) => p.id),
  );
}

/** The same barcode twice in one write. */
function repeatedBarcode(products: ProductWrite[]): string | undefined {
  const seen = new Set<string>();
  for (const barcode of products.flatMap((p) => p.barcodes)) {
    if (seen.has(barcode)) return barcode;
    seen.add(barcode);
  }
  return undefined;
}

/**
 * Creates or updates products with their barcodes in a few statements (one product from the
 * back office, or a chunk of a CSV import), stamps them with one new catalog version and queues
 * `product:changed` (and `price:changed` where the base price moved) for every catalog screen.
 */
export async function upsertProducts(
  em: EntityManager,
  products: ProductWrite[],
  events: PendingEvents,
): Promise<ProductData[]> {
  const repeated = repeatedBarcode(products);
  if (repeated) throw new AppError('CONFLICT', `El código de barras ${repeated} está repetido.`);
  const [conflict] = await barcodeConflicts(em, products);
  if (conflict) {
    throw new AppError(
      'CONFLICT',
      `El código de barras ${conflict.barcode} ya pertenece a ${conflict.name} (${conflict.code}).`,
      conflict,
    );
  }
  const version = await nextCatalogVersion(em);
  const ids = products.map((p) => p.id);
  const before = await lockProductPrices(em, ids);
  const oldPrice = new Map(before.map((r) => [r.id, r.price]));
  const rows = products.map(({ barcodes: _, ...p }) => ({ ...p, version }));
  try {
    await upsertProductRows(em, rows);
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) {
      const plu = /plu/.test(error.message);
      throw new AppError(
        'CONFLICT',
        plu ? 'Ya existe otro producto con ese PLU.' : 'Ya existe otro producto con ese código interno.',
      );
    }
    throw error;
  }
  await deleteBarcodes(em, ids);
  const barcodes = products.flatMap((p) => p.barcodes.map((barcode) => ({ barcode, product_id: p.id })));
  if (barcodes.length) await insertBarcodes(em, barcodes);
  const saved: ProductData[] = products.map((p) => ({ ...p, version }));
  for (const product of saved) {
    events.collect([rooms.catalog()], 'product:changed', product);
    const previous = oldPrice.get(product.id);
    if (previous !== undefined && previous !== product.price) {
      events.collect([rooms.catalog()], 'price:changed', {
        productId: product.id,
        storeId: null,
        price: product.price,
        version,
      });
    }
  }
  return saved;
}

/** Who changes the catalog from the back office, as its audit entries name them. */
export interface CatalogEditor {
  userId: string;
  storeId: string | null;
}

/** A price moved: one audit entry (`storeId` null: the base price; a null price: none or removed). */
function auditPriceChange(
  em: EntityManager,
  editor: CatalogEditor,
  events: PendingEvents,
  change: {
    productId: string;
    code: string;
    name: string;
    storeId: string | null;
    before: number | null;
    after: number | null;
  },
): Promise<void> {
  return recordAudit(em, editor, null, [{ kind: 'price_change', details: change }], events);
}

/**
 * Back-office save of one product; an `id` that does not exist in this tenant is NOT_FOUND. A
 * change of an existing product's base price is audited.
 */
export async function saveProduct(
  em: EntityManager,
  input: ProductInput,
  events: PendingEvents,
  storeId: string | null,
  editor: CatalogEditor,
): Promise<ProductView> {
  let before: number | undefined;
  if (input.id) {
    before = await productPrice(em, input.id);
    if (before === undefined) throw AppError.notFound('el producto');
  }
  const [saved] = await upsertProducts(em, [{ ...input, id: input.id ?? randomUUID() }], events);
  if (before !== undefined && before !== saved!.price) {
    const { id: productId, code, name, price: after } = saved!;
    await auditPriceChange(em, editor, events, { productId, code, name, storeId: null, before, after });
  }
  return (await productsByIds(em, [saved!.id], storeId))[0]!;
}

/** Sets (or removes, with null) a store's own price; the product gets a new catalog version. Audited. */
export async function setStorePrice(
  em: EntityManager,
  input: { productId: string; storeId: string; price: number | null },
  events: PendingEvents,
  editor: CatalogEditor,
): Promise<ProductView> {
  if (!(await storeExists(em, input.storeId))) throw AppError.notFound('la sucursal');
  const version = await nextCatalogVersion(em);
  const touched = await touchProductForStore(em, input.productId, input.storeId, version);
  if (!touched) throw AppError.notFound('el producto');
  await writeStorePrice(em, input);
  events.collect([rooms.store(input.storeId)], 'price:changed', { ...input, version });
  if (touched.before !== input.price) {
    await auditPriceChange(em, editor, events, {
      ...touched,
      productId: input.productId,
      storeId: input.storeId,
      after: input.price,
    });
  }
  return (await productsByIds(em, [input.productId], input.storeId))[0]!;
}

/** A product with every store's own price, for the back office's editor. */
export async function productDetail(em: EntityManager, id: string) {
  const [product] = await productsByIds(em, [id], null);
  if (!product) throw AppError.notFound('el producto');
  const storePrices = await storePricesOf(em, id);
  const { storePrice: _, ...data } = product;
  return { ...data, storePrices };
}

/** By barcode or internal code. */
export async function lookupProduct(em: EntityManager, code: string, storeId: string | null) {
  const id = await productIdByCode(em, code);
  if (!id) throw AppError.notFound(`un producto con el código ${code}`);
  return (await productsByIds(em, [id], storeId))[0]!;
}

/** The back office's paged, filtered product list. */
export function listCatalog(
  em: EntityManager,
  input: z.output<typeof ProductListRequest>,
): Promise<{ items: ProductData[]; total: number }> {
  return listProducts(em, { ...input, words: searchWords(input.query) });
}

export function search(
  em: EntityManager,
  input: { query: string; limit: number; includeInactive: boolean },
  storeId: string | null,
) {
  return searchProducts(em, { ...input, words: searchWords(input.query), storeId });
}

/**
 * The whole active catalog for a POS to keep locally, or only what changed after `since`
 * (deactivated products included, so the POS drops them). The version is read before the
 * products: a change committed in between is sent now and again next time, never lost.
 */
export async function catalogFeed(em: EntityManager, storeId: string | null, since: number | null) {
  const version = await currentCatalogVersion(em);
  const products = await productsSince(em, since ?? 0, storeId, since === null);
  return { version, storeId, products };
}

/**
 * The feed at catalog version `version` (read by the caller just before) is the same for every
 * till of the store (a store opening, or every till reconnecting after a restart, asks for it at
 * once): read once on the heavy reads' pool in the tenant's turn, serialized once, shared by the
 * socket command and the HTTP snapshot. A change committed after `version` was read lands in this
 * answer and again in the next one, never lost.
 */
export function sharedCatalogFeed(
  heavy: HeavyReads,
  tenantId: string,
  storeId: string | null,
  since: number | null,
  version: number,
) {
  return heavy.shared(tenantId, `catalog:${storeId ?? 'tenant'}:${since ?? 'all'}:${version}`, () =>
    heavy.read(tenantId, (em) => catalogFeed(em, storeId, since)),
  );
}
