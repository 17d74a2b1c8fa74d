import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../platform/app-error.ts';

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
  em: EntityManager,
  scope: string,
  key: string,
  hash: string,
): Promise<Claim<T>> {
  const inserted = await em.execute<{ key: string }[]>(
    `insert into idempotency_key (key, tenant_id, scope, request_hash) values (?, current_tenant_id(), ?, ?)
     on conflict (key) do nothing returning key`,
    [key, scope, hash],
  );
  if (inserted.length > 0) return { fresh: true };
  const [stored] = await em.execute<{ scope: string; request_hash: string; result: T | null }[]>(
    'select scope, request_hash, result from idempotency_key where key = ?',
    [key],
  );
  // Not visible: the key exists in another tenant (a replayed or forged id). Same refusal.
  if (!stored || stored.scope !== scope || stored.request_hash !== hash || stored.result === null) {
    throw new AppError('IDEMPOTENCY_MISMATCH');
  }
  return { fresh: false, result: stored.result };
}

export async function saveResult(em: EntityManager, key: string, result: unknown): Promise<void> {
  await em.execute('update idempotency_key set result = ? where key = ?', [JSON.stringify(result), key]);
}
