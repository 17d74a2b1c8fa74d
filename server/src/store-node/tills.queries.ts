import type { SqlExecutor } from '../platform/sql-session.ts';

/** The store's name, its terminals and the people who may work its tills (names on a close receipt). */
export async function storeTillNames(
  em: SqlExecutor,
  storeId: string,
): Promise<{
  storeName: string;
  terminals: { id: string; name: string }[];
  people: { userId: string; name: string }[];
}> {
  const [store] = await em.execute<{ name: string }[]>('select name from store where id = ?', [storeId]);
  const terminals = await em.execute<{ id: string; name: string }[]>(
    'select id, name from terminal where store_id = ? order by code',
    [storeId],
  );
  const people = await em.execute<{ userId: string; name: string }[]>(
    `select distinct u.id as "userId", u.name from membership m join app_user u on u.id = m.user_id
      where m.active and (m.store_id is null or m.store_id = ?)`,
    [storeId],
  );
  return { storeName: store?.name ?? '', terminals, people };
}
