import { randomUUID } from 'node:crypto';
import type { ProductData, ProductInput, ProductListRequest, ProductView } from '@erp/shared';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { recordAudit } from '../audit/index.ts';
import { AppError } from '../platform/app-error.ts';
import { pgArray } from '../platform/pg-array.ts';
import type { PendingEvents } from '../realtime/pending-events.ts';
import { rooms } from '../realtime/rooms.ts';
import { listProducts, productsByIds, productsSince, searchProducts, searchWords } from './product-query.ts';

/** A product to write: new ones get their id before the call. */
export type ProductWrite = ProductInput & { id: string };

/**
 * Takes the tenant's next catalog version. The counter row stays locked until commit, so
 * versions become visible in increasing order and "changes since v" never misses one.
 */
export async function nextCatalogVersion(em: EntityManager): Promise<number> {
  const [row] = await em.execute<{ version: string }[]>(
    `insert into catalog_version (tenant_id, version) values (current_tenant_id(), 1)
     on conflict (tenant_id) do update set version = catalog_version.version + 1
     returning version`,
  );
  return Number(row!.version);
}

async function currentCatalogVersion(em: EntityManager): Promise<number> {
  const [row] = await em.execute<{ version: string }[]>('select version from catalog_version');
  return Number(row?.version ?? 0);
}

/** Barcodes in `products` already held by a product outside the set, with their holder. */
export async function barcodeConflicts(em: EntityManager, products: { id: string; barcodes: string[] }[]) {
  const barcodes = products.flatMap((p) => p.barcodes);
  if (barcodes.length === 0) return [];
  return em.execute<{ barcode: string; productId: string; code: string; name: string }[]>(
    `select b.barcode, p.id as "productId", p.code, p.name from product_barcode b join product p on p.id = b.product_id
      where b.barcode = any(?::text[]) and not (b.product_id = any(?::uuid[]))`,
    [pgArray(barcodes), pgArray(products.map((p) => p.id))],
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
  const before = await em.execute<{ id: string; price: number }[]>(
    'select id, price from product where id = any(?::uuid[]) for update',
    [pgArray(ids)],
  );
  const oldPrice = new Map(before.map((r) => [r.id, r.price]));
  const rows = products.map(({ barcodes: _, ...p }) => ({ ...p, version }));
  try {
    await em.execute(
      `insert into product (id, tenant_id, code, name, brand, category, unit, weighable, plu, price, exempt,
                            additional_tax, active, version)
       select r.id, current_tenant_id(), r.code, r.name, r.brand, r.category, r.unit, r.weighable, r.plu, r.price,
              r.exempt, r."additionalTax", r.active, r.version
         from json_to_recordset(?::json) as r(id uuid, code text, name text, brand text, category text, unit text,
              weighable boolean, plu integer, price integer, exempt boolean, "additionalTax" integer, active boolean,
              version bigint)
       on conflict (id) do update set code = excluded.code, name = excluded.name, brand = excluded.brand,
         category = excluded.category, unit = excluded.unit, weighable = excluded.weighable, plu = excluded.plu,
         price = excluded.price, exempt = excluded.exempt, additional_tax = excluded.additional_tax,
         active = excluded.active, version = excluded.version, updated_at = now()`,
      [JSON.stringify(rows)],
    );
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
  await em.execute('delete from product_barcode where product_id = any(?::uuid[])', [pgArray(ids)]);
  const barcodes = products.flatMap((p) => p.barcodes.map((barcode) => ({ barcode, product_id: p.id })));
  if (barcodes.length) {
    await em.execute(
      `insert into product_barcode (tenant_id, barcode, product_id)
       select current_tenant_id(), b.barcode, b.product_id from json_to_recordset(?::json) as b(barcode text, product_id uuid)`,
      [JSON.stringify(barcodes)],
    );
  }
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
    const [current] = await em.execute<{ price: number }[]>('select price from product where id = ?', [
      input.id,
    ]);
    if (!current) throw AppError.notFound('el producto');
    before = current.price;
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
  const [store] = await em.execute('select 1 from store where id = ?', [input.storeId]);
  if (!store) throw AppError.notFound('la sucursal');
  const version = await nextCatalogVersion(em);
  const [touched] = await em.execute<{ code: string; name: string; before: number | null }[]>(
    `update product set version = ? where id = ?
     returning code, name, (select price from store_price where store_id = ? and product_id = product.id) as before`,
    [version, input.productId, input.storeId],
  );
  if (!touched) throw AppError.notFound('el producto');
  if (input.price === null) {
    await em.execute('delete from store_price where store_id = ? and product_id = ?', [
      input.storeId,
      input.productId,
    ]);
  } else {
    await em.execute(
      `insert into store_price (tenant_id, store_id, product_id, price) values (current_tenant_id(), ?, ?, ?)
       on conflict (tenant_id, store_id, product_id) do update set price = excluded.price`,
      [input.storeId, input.productId, input.price],
    );
  }
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
  const storePrices = await em.execute<{ storeId: string; price: number }[]>(
    'select store_id as "storeId", price from store_price where product_id = ? order by store_id',
    [id],
  );
  const { storePrice: _, ...data } = product;
  return { ...data, storePrices };
}

/** Categories in use, alphabetical (a minimarket has tens, not thousands). */
export async function productCategories(em: EntityManager): Promise<string[]> {
  const rows = await em.execute<{ category: string }[]>(
    `select distinct category from product where category <> '' order by category limit 1000`,
  );
  return rows.map((r) => r.category);
}

/** By barcode or internal code. */
export async function lookupProduct(em: EntityManager, code: string, storeId: string | null) {
  const [hit] = await em.execute<{ id: string }[]>(
    `select product_id as id from product_barcode where barcode = ?
     union all select id from product where code = ? limit 1`,
    [code, code],
  );
  if (!hit) throw AppError.notFound(`un producto con el código ${code}`);
  return (await productsByIds(em, [hit.id], storeId))[0]!;
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
