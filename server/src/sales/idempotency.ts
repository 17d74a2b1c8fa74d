import { createHash } from 'node:crypto';
import { AppError } from '../platform/app-error.ts';
import type { SqlFragment } from '../platform/sql-fragment.ts';
import type { SqlExecutor } from '../platform/sql-session.ts';
import { claimKeyRows, storedKey } from './sale.queries.ts';

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
  const rows = await claimKeyRows<R>(em, scope, key, hash, read);
  if (rows[0]?.claimed__) {
    const found = rows.filter((row) => row.found__);
    return {
      claim: { fresh: true },
      rows: found.map(({ claimed__, found__, ...row }) => row as unknown as R),
    };
  }
  const stored = await storedKey<T>(em, key);
  // Not visible: the key exists in another tenant (a replayed or forged id). Same refusal.
  if (!stored || stored.scope !== scope || stored.request_hash !== hash || stored.result === null) {
    throw new AppError('IDEMPOTENCY_MISMATCH');
  }
  return { claim: { fresh: false, result: stored.result }, rows: [] };
}
