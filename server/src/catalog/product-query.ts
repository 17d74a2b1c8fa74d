import type { ProductView } from '@erp/shared';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Reads products as the wire shows them. `storeId` picks whose price override fills
 * `storePrice` (null outside a store). The barcodes come from a correlated sub-select: cheap
 * for the handful of rows a search returns; the full snapshot joins them instead.
 */
const columns = (barcodes: string) => `
  p.id, p.code, p.name, p.brand, p.category, p.unit, p.weighable, p.plu, p.price, p.exempt,
  p.additional_tax as "additionalTax", p.active, p.version::int as version, ${barcodes} as barcodes,
  sp.price as "storePrice"`;

const ONE_BY_ONE_BARCODES = `coalesce((select array_agg(b.barcode order by b.barcode) from product_barcode b where b.product_id = p.id), '{}')`;

const FROM = `from product p left join store_price sp on sp.product_id = p.id and sp.store_id = ?::uuid`;

export function productsByIds(
  em: EntityManager,
  ids: string[],
  storeId: string | null,
): Promise<ProductView[]> {
  return em.execute<ProductView[]>(
    `select ${columns(ONE_BY_ONE_BARCODES)} ${FROM} where p.id = any(?::uuid[]) order by p.code`,
    [storeId, pgArray(ids)],
  );
}

/** Every product changed after `since` (for a snapshot: every active product). */
export function productsSince(
  em: EntityManager,
  since: number,
  storeId: string | null,
  activeOnly: boolean,
): Promise<ProductView[]> {
  return em.execute<ProductView[]>(
    `select ${columns("coalesce(b.barcodes, '{}')")} ${FROM}
       left join (select product_id, array_agg(barcode order by barcode) as barcodes
                    from product_barcode group by product_id) b on b.product_id = p.id
      where p.version > ? ${activeOnly ? 'and p.active' : ''}
      order by p.version, p.code`,
    [storeId, since],
  );
}

/**
 * Search: an exact barcode or internal code first, then names (with code and brand) holding
 * every typed word as a word prefix, names that start with the query before the rest. The
 * words are lower-case ASCII letters and digits (see `searchWords`), so they are safe inside
 * LIKE and regex patterns; the trigram index serves the `like '%word%'` filters.
 */
export function searchProducts(
  em: EntityManager,
  input: { query: string; words: string[]; limit: number; includeInactive: boolean; storeId: string | null },
): Promise<ProductView[]> {
  const { words } = input;
  const byName = words.length
    ? `union all select p.id, case when p.search_text like ? then 1 else 2 end from product p
        where ${words.map(() => 'p.search_text like ? and p.search_text ~ ?').join(' and ')}`
    : '';
  const byNameParams = words.length
    ? [`${words.join(' ')}%`, ...words.flatMap((word) => [`%${word}%`, `(^| )${word}`])]
    : [];
  const params = [input.query, input.query, ...byNameParams, input.storeId, input.limit];
  return em.execute<ProductView[]>(
    `with hits as (
       select p.id, 0 as rank from product p where p.code = ?
       union all select b.product_id, 0 from product_barcode b where b.barcode = ?
       ${byName}
     ), ranked as (select id, min(rank) as rank from hits group by id)
     select ${columns(ONE_BY_ONE_BARCODES)}
       from ranked h join product p on p.id = h.id
       left join store_price sp on sp.product_id = p.id and sp.store_id = ?::uuid
      ${input.includeInactive ? '' : 'where p.active'}
      order by h.rank, p.name, p.code
      limit ?`,
    params,
  );
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

/**
 * A list as one PostgreSQL array literal (elements double-quoted and escaped): the driver would
 * expand a JS array parameter into a list of parameters.
 */
export const pgArray = (values: readonly string[]) =>
  `{${values.map((v) => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`;
