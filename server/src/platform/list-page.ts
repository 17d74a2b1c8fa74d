import type { EntityManager } from '@mikro-orm/postgresql';
import type { Filters } from './list-filters.ts';

/** One page of a back-office list and the count of everything its filters match. */
export interface Page<T> {
  items: T[];
  total: number;
}

export interface ListQuery {
  /** The listed table and its alias, counted alone (`sale s`). */
  from: string;
  /** The select of the page's rows, joins included, without `where`. */
  select: string;
  /** The order of the rows, a unique key last so pages never overlap. */
  orderBy: string;
}

/** Counts the matching rows and reads one page of them, mapped to the list's view. */
export async function readPage<R, T>(
  em: EntityManager,
  filters: Filters,
  list: ListQuery,
  page: { offset: number; limit: number },
  toView: (row: R) => T,
): Promise<Page<T>> {
  const [counted] = await em.execute<{ n: string }[]>(
    `select count(*) as n from ${list.from} ${filters.where}`,
    filters.params,
  );
  const rows = await em.execute<R[]>(
    `${list.select} ${filters.where} order by ${list.orderBy} limit ? offset ?`,
    [...filters.params, page.limit, page.offset],
  );
  return { items: rows.map(toView), total: Number(counted!.n) };
}
