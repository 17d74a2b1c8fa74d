import { createHash } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { runInTenantContext } from './tenant-context.ts';

/**
 * What the SQL-only services need from a unit of work: `execute` with `?` placeholders and
 * positional parameters, returning the rows. An EntityManager inside `withTenant` is one, and so
 * is the lean session of `withTenantSql`.
 */
export interface SqlExecutor {
  execute<T = Record<string, unknown>[]>(sql: string, params?: readonly unknown[]): Promise<T>;
}

/** The session of `withTenantSql`: an executor that can also run a piece of work in a savepoint. */
export interface SqlSession extends SqlExecutor {
  /**
   * Runs `work` in a savepoint of the transaction: if it throws, what it wrote is rolled back and
   * the error rethrown, and the transaction goes on (a batch whose items must not undo one
   * another). Savepoints do not nest. A savepoint that ended well is released in the next one's
   * round trip (or by the commit): one round trip per item, not two.
   */
  savepoint<T>(work: () => Promise<T>): Promise<T>;
}

type NativePool = Awaited<ReturnType<ReturnType<MikroORM['em']['getConnection']>['getNativeClient']>>;

/** A tenant id as it may be written into a statement's text: a UUID and nothing else. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `cached plan must not change result type` and `prepared statement … does not exist`. */
const STALE_PLAN = '0A000';
const UNKNOWN_STATEMENT = '26000';

interface PreparedText {
  name: string;
  text: string;
}

/**
 * `?` → `$n` outside quoted strings, identifiers and comments, once per distinct statement text.
 * The texts are the services' constants, so the map stays small; the bound guards against a
 * caller that builds values into its text.
 */
const prepared = new Map<string, PreparedText>();
const MAX_PREPARED = 500;

function numbered(sql: string): PreparedText {
  let hit = prepared.get(sql);
  if (hit) return hit;
  let text = '';
  let n = 0;
  let quote: string | null = null;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === '-' && sql[i + 1] === '-') {
      quote = '\n';
    } else if (c === '?') {
      if (sql[i + 1] === '?' || sql[i + 1] === '|' || sql[i + 1] === '&') {
        throw new Error('SqlSession: jsonb `?` operators and `??` identifiers are not supported');
      }
      text += `$${++n}`;
      continue;
    }
    text += c;
  }
  hit = { name: `s_${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`, text };
  if (prepared.size >= MAX_PREPARED) prepared.clear();
  prepared.set(sql, hit);
  return hit;
}

/** Parameters as the `?` placeholders of an EntityManager take them: scalars only (no list expansion here). */
function parameter(value: unknown): unknown {
  if (Array.isArray(value) || (typeof value === 'object' && value !== null && !(value instanceof Date))) {
    throw new Error('SqlSession: pass lists and objects as JSON or array literals, not as values');
  }
  return value instanceof Date ? value.toISOString() : (value ?? null);
}

/**
 * Runs one unit of work for a tenant like `withTenant` (a transaction whose first statement
 * sets `app.tenant_id`, so RLS applies), but on a connection of the ORM's own pool without an
 * EntityManager: no unit of work, identity map or query builder, and every statement is a
 * named prepared statement, so PostgreSQL parses and plans each statement text once per
 * connection instead of on every call. For the hot paths written in SQL only (the sale
 * commit), where the ORM's per-statement work and the planning of a large statement cost more
 * than the statement itself. Database errors come out as the ORM's exceptions, as with `em`.
 */
export async function withTenantSql<T>(
  orm: MikroORM,
  tenantId: string,
  work: (sql: SqlSession) => Promise<T>,
): Promise<T> {
  if (!UUID.test(tenantId)) throw new Error('withTenantSql: the tenant id must be a UUID');
  const pool: NativePool = await orm.em.getConnection().getNativeClient();
  const client = await pool.connect();
  const driver = orm.em.getDriver();
  /** Set when the connection must not go back to the pool. */
  let broken: Error | undefined;
  /**
   * Set when a savepoint could not be rolled back: the transaction must not commit even if the
   * work went on (PostgreSQL would answer the COMMIT of an aborted transaction with a rollback).
   */
  let aborted: Error | undefined;
  /** `ended`: the last savepoint is still there, to be released before the next one. */
  let savepoint: 'none' | 'open' | 'ended' = 'none';
  const session: SqlSession = {
    async execute<R>(sql: string, params: readonly unknown[] = []): Promise<R> {
      const { name, text } = numbered(sql);
      try {
        const result = await client.query({ name, text, values: params.map(parameter) });
        return result.rows as R;
      } catch (error) {
        // A statement prepared before a migration changed its result columns, or one dropped
        // under the client's cache: the connection's statements are stale, so it is closed and
        // the caller's retry prepares them afresh on another.
        const code = (error as { code?: string }).code;
        if (code === STALE_PLAN || code === UNKNOWN_STATEMENT) broken = error as Error;
        throw driver.convertException(error as Error);
      }
    },
    async savepoint<R>(work: () => Promise<R>): Promise<R> {
      if (savepoint === 'open') throw new Error('SqlSession: savepoints do not nest');
      await client.query(savepoint === 'ended' ? 'release savepoint item; savepoint item' : 'savepoint item');
      savepoint = 'open';
      try {
        return await work();
      } catch (error) {
        // Back to where the item began (the savepoint stays, released with the next one). A
        // connection that cannot do that fails the whole transaction.
        await client.query('rollback to savepoint item').catch((rollbackError: Error) => {
          broken ??= rollbackError;
          aborted ??= rollbackError;
          throw rollbackError;
        });
        throw error;
      } finally {
        savepoint = 'ended';
      }
    },
  };
  try {
    // One round trip instead of two: the simple protocol takes both statements at once, and a
    // checked UUID is safe to write into the text (it cannot carry a quote).
    await client.query(`begin; select set_config('app.tenant_id', '${tenantId}', true)`);
    const result = await runInTenantContext(tenantId, () => work(session));
    if (aborted) throw aborted;
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch((rollbackError: Error) => {
      // A connection that cannot even roll back is not given back to the pool.
      broken ??= rollbackError;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}
