import type { ProductData, ProductView } from '@erp/shared';
import type { EntityManager } from '@mikro-orm/postgresql';
import { pgArray } from '../platform/pg-array.ts';

/**
 * Reads products as the wire shows them. `storeId` picks whose price override fills
 * `storePrice` (null outside a store).
 *
 * Products, their barcodes and the store's prices are read by three plain queries and merged
 * here, never through per-row sub-selects or joins the planner must guess: under RLS it cannot
 * estimate `tenant_id = current_tenant_id()`, and a wrong guess turned a 5,000-product snapshot
 * into a quadratic scan under load. Each query below is linear whatever plan it gets.
 */
type ProductRow = Omit<ProductView, 'barcodes' | 'storePrice'>;

const COLUMNS = `p.id, p.code, p.name, p.brand, p.category, p.unit, p.weighable, p.plu, p.price, p.exempt,
  p.additional_tax as "additionalTax", p.active, p.version::int as version`;

/** Past this many products, reading the tenant's whole barcode table beats a long id list. */
const WHOLE_TABLE_FROM = 2000;

async function asViews(
  em: EntityManager,
  rows: ProductRow[],
  storeId: string | null,
): Promise<ProductView[]> {
  if (rows.length === 0) return [];
  const ids = rows.length >= WHOLE_TABLE_FROM ? null : pgArray(rows.map((r) => r.id));
  const barcodes = await em.execute<{ product_id: string; barcode: string }[]>(
    `select product_id, barcode from product_barcode ${ids ? 'where product_id = any(?::uuid[])' : ''} order by barcode`,
    ids ? [ids] : [],
  );
  const prices = storeId
    ? await em.execute<{ product_id: string; price: number }[]>(
        `select product_id, price from store_price where store_id = ? ${ids ? 'and product_id = any(?::uuid[])' : ''}`,
        ids ? [storeId, ids] : [storeId],
      )
    : [];
  const barcodesOf = new Map<string, string[]>();
  for (const { product_id, barcode } of barcodes) {
    const list = barcodesOf.get(product_id);
    if (list) list.push(barcode);
    else barcodesOf.set(product_id, [barcode]);
  }
  const priceOf = new Map(prices.map((p) => [p.product_id, p.price]));
  return rows.map((row) => ({
    ...row,
    barcodes: barcodesOf.get(row.id) ?? [],
    storePrice: priceOf.get(row.id) ?? null,
  }));
}

export async function productsByIds(
  em: EntityManager,
  ids: string[],
  storeId: string | null,
): Promise<ProductView[]> {
  const rows = await em.execute<ProductRow[]>(
    `select ${COLUMNS} from product p where p.id = any(?::uuid[]) order by p.code`,
    [pgArray(ids)],
  );
  return asViews(em, rows, storeId);
}

/** Every product changed after `since` (for a snapshot: every active product). */
export async function productsSince(
  em: EntityManager,
  since: number,
  storeId: string | null,
  activeOnly: boolean,
): Promise<ProductView[]> {
  const rows = await em.execute<ProductRow[]>(
    `select ${COLUMNS} from product p where p.version > ? ${activeOnly ? 'and p.active' : ''}
      order by p.version, p.code`,
    [since],
  );
  return asViews(em, rows, storeId);
}

/**
 * Search: an exact barcode or internal code first, then names (with code and brand) holding
 * every typed word as a word prefix, names that start with the query before the rest (see
 * `catalog_search` in the migrations for why that part is a SQL function). Words are lower-case
 * ASCII letters and digits (`searchWords`).
 */
export async function searchProducts(
  em: EntityManager,
  input: { query: string; words: string[]; limit: number; includeInactive: boolean; storeId: string | null },
): Promise<ProductView[]> {
  const rows = await em.execute<ProductRow[]>(
    `with hits as (
       select p.id, 0 as rank from product p where p.code = ?
       union all select b.product_id, 0 from product_barcode b where b.barcode = ?
       union all select s.id, s.rank from catalog_search(?::text[], ?, ?) s
     ), ranked as (select id, min(rank) as rank from hits group by id)
     select ${COLUMNS} from ranked h join product p on p.id = h.id
      ${input.includeInactive ? '' : 'where p.active'}
      order by h.rank, p.name, p.code
      limit ?`,
    [input.query, input.query, pgArray(input.words), input.includeInactive, input.limit, input.limit],
  );
  return asViews(em, rows, input.storeId);
}

/** Name matches a back-office query may page through (a word as common as "de" stays bounded). */
const MAX_MATCHES = 10_000;

/**
 * The back office's product list: one page and the total. With a query, the same matches as
 * `searchProducts` (exact code or barcode first, then name words through `catalog_search`, which
 * can use the trigram index); without one, every product by name. Filters apply on top.
 */
export async function listProducts(
  em: EntityManager,
  input: {
    words: string[];
    query: string;
    category?: string | undefined;
    status: 'active' | 'inactive' | 'all';
    weighable?: boolean | undefined;
    offset: number;
    limit: number;
  },
): Promise<{ items: ProductData[]; total: number }> {
  const hits = input.query
    ? `with hits as (
         select p.id, 0 as rank from product p where p.code = ?
         union all select b.product_id, 0 from product_barcode b where b.barcode = ?
         union all select s.id, s.rank from catalog_search(?::text[], true, ?) s
       ), ranked as (select id, min(rank) as rank from hits group by id)`
    : '';
  const hitParams = input.query ? [input.query, input.query, pgArray(input.words), MAX_MATCHES] : [];
  const from = input.query ? 'from ranked h join product p on p.id = h.id' : 'from product p';
  const where = `where (?::text is null or p.category = ?)
      and (?::boolean is null or p.weighable = ?)
      and (? = 'all' or p.active = (? = 'active'))`;
  const whereParams = [
    input.category ?? null,
    input.category ?? null,
    input.weighable ?? null,
    input.weighable ?? null,
    input.status,
    input.status,
  ];
  const order = input.query ? 'h.rank, p.name, p.code' : 'p.name, p.code';
  const [rows, [count]] = await Promise.all([
    em.execute<ProductRow[]>(
      `${hits} select ${COLUMNS} ${from} ${where} order by ${order} offset ? limit ?`,
      [...hitParams, ...whereParams, input.offset, input.limit],
    ),
    em.execute<{ total: number }[]>(`${hits} select count(*)::int as total ${from} ${where}`, [
      ...hitParams,
      ...whereParams,
    ]),
  ]);
  const items = (await asViews(em, rows, null)).map(({ storePrice: _, ...product }) => product);
  return { items, total: count?.total ?? 0 };
}

/** Query text → words as `catalog_normalize` writes them: lower case, no accents, letters and digits. */
export function searchWords(query: string): string[] {
  return query
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .slice(0, 6);
}
