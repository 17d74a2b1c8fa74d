import { createHash } from 'node:crypto';
import { AppError } from '../platform/app-error.ts';
import type { SqlFragment } from '../platform/sql-fragment.ts';
import type { SqlExecutor } from '../platform/sql-session.ts';

/** Stable hash of a request body: the same key with another body is refused, not replayed. */
export function requestHash(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('base64url');
}

export type Claim<T> = { fresh: true } | { fresh: false; result: T };

/**
 * Claims an operation key inside the caller's transaction. The first caller inserts the key and
 * does the work; a concurrent duplicate blocks on the unique index until the first commits, then
 * gets the stored result (or, if the first rolled back, claims the key itself). A key reused with
 * a different body is IDEMPOTENCY_MISMATCH.
 */
export async function claimKey<T>(
  em: SqlExecutor,
  scope: string,
  key: string,
  hash: string,
): Promise<Claim<T>> {
  return (await claimKeyWith<T, never>(em, scope, key, hash)).claim;
}

/**
 * `claimKey` that also runs a read the work needs first (the sale's prices) in the same
 * statement, saving a round trip on every fresh claim. The read's rows come back as they are.
 */
export async function claimKeyWith<T, R extends object>(
  em: SqlExecutor,
  scope: string,
  key: string,
  hash: string,
  read?: SqlFragment,
): Promise<{ claim: Claim<T>; rows: R[] }> {
  // One row per row read (or one row with `found__` null when the read finds none), each
  // telling whether this call claimed the key.
  const rows = await em.execute<(R & { claimed__: boolean; found__: true | null })[]>(
    `with claim as (
       insert into idempotency_key (key, tenant_id, scope, request_hash) values (?, current_tenant_id(), ?, ?)
       on conflict (key) do nothing returning key)
     select exists (select 1 from claim) as claimed__, r.*
       from (select 1) as one
       left join (select true as found__, x.* from (${read?.sql ?? 'select'}) as x) as r on true`,
    [key, scope, hash, ...(read?.params ?? [])],
  );
  if (rows[0]?.claimed__) {
    const found = rows.filter((row) => row.found__);
    return {
      claim: { fresh: true },
      rows: found.map(({ claimed__, found__, ...row }) => row as unknown as R),
    };
  }
  const [stored] = await em.execute<{ scope: string; request_hash: string; result: T | null }[]>(
    'select scope, request_hash, result from idempotency_key where key = ?',
    [key],
  );
  // Not visible: the key exists in another tenant (a replayed or forged id). Same refusal.
  if (!stored || stored.scope !== scope || stored.request_hash !== hash || stored.result === null) {
    throw new AppError('IDEMPOTENCY_MISMATCH');
  }
  return { claim: { fresh: false, result: stored.result }, rows: [] };
}

export async function saveResult(em: SqlExecutor, key: string, result: unknown): Promise<void> {
  await em.execute('update idempotency_key set result = ? where key = ?', [JSON.stringify(result), key]);
}
