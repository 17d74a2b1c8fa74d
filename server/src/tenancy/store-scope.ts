import { AppError } from '../platform/app-error.ts';
import type { SqlExecutor } from '../platform/sql-session.ts';
import { type StoreResolvedKind, storeOfRow } from './store-scope.queries.ts';

/**
 * Who acts, as far as stores go: the store their connection serves (a store-bound membership's,
 * or the one a tenant-wide person chose at the handshake), or null for a tenant-wide person
 * working across stores.
 */
export interface StoreScopedActor {
  storeId: string | null;
}

/** Kinds of rows that belong to a store and whose ids arrive in payloads. */
export type StoreScopedKind = StoreResolvedKind | 'cashSession' | 'promotion';

const NOUNS: Record<StoreScopedKind, string> = {
  warehouse: 'la bodega',
  terminal: 'la caja',
  cashSession: 'la sesión de caja',
  sale: 'la venta',
  parkedTicket: 'el ticket en espera',
  promotion: 'la promoción',
};

/**
 * Refuses (STORE_SCOPE) a store-bound actor reaching a row of another store, or of no store (a
 * central warehouse is the company's). For a row the caller has already read.
 */
export function assertSameStore(
  actor: StoreScopedActor,
  storeId: string | null,
  kind: StoreScopedKind,
): void {
  if (actor.storeId === null || actor.storeId === storeId) return;
  const noun = NOUNS[kind];
  throw new AppError('STORE_SCOPE', `${noun[0]!.toUpperCase()}${noun.slice(1)} pertenece a otra sucursal.`);
}

/**
 * The store of a row named by a payload, checked against the actor's: NOT_FOUND when the tenant
 * has no such row, STORE_SCOPE when a store-bound actor names another store's. Runs in the
 * caller's tenant transaction, before anything is written.
 */
export async function assertStoreScope<K extends StoreResolvedKind>(
  em: SqlExecutor,
  actor: StoreScopedActor,
  kind: K,
  id: string,
): Promise<K extends 'warehouse' ? string | null : string> {
  const row = await storeOfRow(em, kind, id);
  if (!row) throw AppError.notFound(NOUNS[kind]);
  assertSameStore(actor, row.storeId, kind);
  return row.storeId as K extends 'warehouse' ? string | null : string;
}
