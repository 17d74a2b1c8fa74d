import type { ProductData } from '@erp/shared';
import type { ScaleLabelRule } from '@erp/shared/scale-label';
import { pgArray } from '../platform/pg-array.ts';
import type { SqlExecutor } from '../platform/sql-session.ts';

/**
 * The catalog's writes and small look-ups (the product reads the screens page through are in
 * `product.queries.ts`). Every function runs in the caller's tenant transaction.
 */

/**
 * Takes the tenant's next catalog version. The counter row stays locked until commit, so
 * versions become visible in increasing order and "changes since v" never misses one.
 */
export async function nextCatalogVersion(em: SqlExecutor): Promise<number> {
  const [row] = await em.execute<{ version: string }[]>(
    `insert into catalog_version (tenant_id, version) values (current_tenant_id(), 1)
     on conflict (tenant_id) do update set version = catalog_version.version + 1
     returning version`,
  );
  return Number(row!.version);
}

export async function currentCatalogVersion(em: SqlExecutor): Promise<number> {
  const [row] = await em.execute<{ version: string }[]>('select version from catalog_version');
  return Number(row?.version ?? 0);
}

/** Barcodes in `barcodes` held by a product outside `productIds`, with their holder. */
export function barcodeHolders(em: SqlExecutor, barcodes: string[], productIds: string[]) {
  return em.execute<{ barcode: string; productId: string; code: string; name: string }[]>(
    `select b.barcode, p.id as "productId", p.code, p.name from product_barcode b join product p on p.id = b.product_id
      where b.barcode = any(?::text[]) and not (b.product_id = any(?::uuid[]))`,
    [pgArray(barcodes), pgArray(productIds)],
  );
}

/** Base prices of the products, locked until commit. */
export function lockProductPrices(em: SqlExecutor, ids: string[]) {
  return em.execute<{ id: string; price: number }[]>(
    'select id, price from product where id = any(?::uuid[]) for update',
    [pgArray(ids)],
  );
}

/** Inserts or updates the products (barcodes apart), all with one catalog version. */
export async function upsertProductRows(
  em: SqlExecutor,
  rows: Omit<ProductData, 'barcodes'>[],
): Promise<void> {
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
}

export async function deleteBarcodes(em: SqlExecutor, productIds: string[]): Promise<void> {
  await em.execute('delete from product_barcode where product_id = any(?::uuid[])', [pgArray(productIds)]);
}

export async function insertBarcodes(
  em: SqlExecutor,
  barcodes: { barcode: string; product_id: string }[],
): Promise<void> {
  await em.execute(
    `insert into product_barcode (tenant_id, barcode, product_id)
     select current_tenant_id(), b.barcode, b.product_id from json_to_recordset(?::json) as b(barcode text, product_id uuid)`,
    [JSON.stringify(barcodes)],
  );
}

/** A product's base price; undefined when the tenant has no such product. */
export async function productPrice(em: SqlExecutor, id: string): Promise<number | undefined> {
  const [row] = await em.execute<{ price: number }[]>('select price from product where id = ?', [id]);
  return row?.price;
}

export async function storeExists(em: SqlExecutor, storeId: string): Promise<boolean> {
  const [store] = await em.execute('select 1 from store where id = ?', [storeId]);
  return Boolean(store);
}

/** Stamps a product with a new version; returns it with the store's price before the change. */
export async function touchProductForStore(
  em: SqlExecutor,
  productId: string,
  storeId: string,
  version: number,
): Promise<{ code: string; name: string; before: number | null } | undefined> {
  const [touched] = await em.execute<{ code: string; name: string; before: number | null }[]>(
    `update product set version = ? where id = ?
     returning code, name, (select price from store_price where store_id = ? and product_id = product.id) as before`,
    [version, productId, storeId],
  );
  return touched;
}

/** Sets a store's own price, or removes it with null. */
export async function writeStorePrice(
  em: SqlExecutor,
  input: { productId: string; storeId: string; price: number | null },
): Promise<void> {
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
}

export function storePricesOf(em: SqlExecutor, productId: string) {
  return em.execute<{ storeId: string; price: number }[]>(
    'select store_id as "storeId", price from store_price where product_id = ? order by store_id',
    [productId],
  );
}

export async function productCount(em: SqlExecutor): Promise<number> {
  const [row] = await em.execute<{ n: number }[]>('select count(*)::int as n from product');
  return row!.n;
}

/** Categories in use, alphabetical (a minimarket has tens, not thousands). */
export async function productCategories(em: SqlExecutor): Promise<string[]> {
  const rows = await em.execute<{ category: string }[]>(
    `select distinct category from product where category <> '' order by category limit 1000`,
  );
  return rows.map((r) => r.category);
}

/** The product with this barcode, else with this internal code. */
export async function productIdByCode(em: SqlExecutor, code: string): Promise<string | undefined> {
  const [hit] = await em.execute<{ id: string }[]>(
    `select product_id as id from product_barcode where barcode = ?
     union all select id from product where code = ? limit 1`,
    [code, code],
  );
  return hit?.id;
}

export async function productIdByPlu(em: SqlExecutor, plu: number): Promise<string | undefined> {
  const [hit] = await em.execute<{ id: string }[]>('select id from product where plu = ?', [plu]);
  return hit?.id;
}

/** Products with these internal codes as a write would send them back, barcodes sorted. */
export function productsByCodes(em: SqlExecutor, codes: string[]) {
  return em.execute<Omit<ProductData, 'version'>[]>(
    `select p.id, p.code, p.name, p.brand, p.category, p.unit, p.weighable, p.plu, p.price, p.exempt,
            p.additional_tax as "additionalTax", p.active,
            coalesce((select array_agg(b.barcode order by b.barcode) from product_barcode b where b.product_id = p.id), '{}') as barcodes
       from product p where p.code = any(?::text[])`,
    [pgArray(codes)],
  );
}

/** The tenant's own scale-label rules in the order they are tried (none until it sets them). */
export function scaleLabelRules(em: SqlExecutor) {
  return em.execute<ScaleLabelRule[]>(
    `select prefix, plu_length as "pluLength", value_kind as "valueKind", value_length as "valueLength"
       from scale_label_rule order by position`,
  );
}

export async function replaceScaleLabelRules(em: SqlExecutor, rules: ScaleLabelRule[]): Promise<void> {
  await em.execute('delete from scale_label_rule');
  if (rules.length) {
    await em.execute(
      `insert into scale_label_rule (tenant_id, position, prefix, plu_length, value_kind, value_length)
       select current_tenant_id(), r.position, r.prefix, r."pluLength", r."valueKind", r."valueLength"
         from json_to_recordset(?::json)
           as r(position int, prefix text, "pluLength" int, "valueKind" text, "valueLength" int)`,
      [JSON.stringify(rules.map((rule, position) => ({ position, ...rule })))],
    );
  }
}
