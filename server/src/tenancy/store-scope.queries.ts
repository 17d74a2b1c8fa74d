import type { SqlExecutor } from '../platform/sql-session.ts';

/**
 * Where the store of each kind of row a payload may name is read from. RLS applies: another
 * tenant's id finds nothing.
 */
const STORE_OF = {
  warehouse: 'select store_id from warehouse where id = ?',
  terminal: 'select store_id from terminal where id = ?',
  sale: 'select store_id from sale where id = ?',
  parkedTicket: 'select store_id from parked_ticket where id = ?',
} as const;

export type StoreResolvedKind = keyof typeof STORE_OF;

/** The row's store (null for a warehouse of no store); undefined when the tenant has no such row. */
export async function storeOfRow(
  em: SqlExecutor,
  kind: StoreResolvedKind,
  id: string,
): Promise<{ storeId: string | null } | undefined> {
  const [row] = await em.execute<{ store_id: string | null }[]>(STORE_OF[kind], [id]);
  return row && { storeId: row.store_id };
}
