import { randomUUID } from 'node:crypto';
import type { StoreInput, StoreView, TerminalInput } from '@erp/shared';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { AppError } from '../platform/app-error.ts';
import { Store, Terminal, Warehouse } from './store.entity.ts';
import { storeOfRow } from './store-scope.queries.ts';
import type { StoreScopedActor } from './store-scope.ts';
import {
  insertStore,
  insertTerminal,
  type TerminalRow,
  updateStore,
  updateTerminal,
} from './tenancy.queries.ts';

/**
 * Stores of the tenant with their warehouses and terminals: a store-bound actor's store only, as
 * they may work nowhere else. Runs inside `withTenant`.
 */
export async function listStores(
  em: EntityManager,
  actor: StoreScopedActor = { storeId: null },
): Promise<z.output<typeof StoreView>[]> {
  const own = actor.storeId;
  const [stores, warehouses, terminals] = await Promise.all([
    em.find(Store, own ? { id: own } : {}, { orderBy: { name: 'asc' } }),
    em.find(Warehouse, own ? { storeId: own } : {}, { orderBy: { code: 'asc' } }),
    em.find(Terminal, own ? { storeId: own } : {}, { orderBy: { code: 'asc' } }),
  ]);
  return stores.map((s) => ({
    id: s.id,
    name: s.name,
    address: s.address,
    comuna: s.comuna,
    siiBranchCode: s.siiBranchCode ?? null,
    warehouses: warehouses
      .filter((w) => w.storeId === s.id)
      .map(({ id, code, name }) => ({ id, code, name })),
    terminals: terminals.filter((t) => t.storeId === s.id).map(({ id, code, name }) => ({ id, code, name })),
  }));
}

/** Runs a write, turning a unique-key violation into CONFLICT with `message`. */
async function unique<T>(message: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) throw new AppError('CONFLICT', message);
    throw error;
  }
}

/**
 * Creates a store with its selling warehouse (`B<n>`, the next free number, as the seed names
 * them: sales take stock from a store's first warehouse), or edits one.
 */
export async function saveStore(
  em: EntityManager,
  input: z.output<typeof StoreInput>,
): Promise<z.output<typeof StoreView>> {
  const id = input.id ?? randomUUID();
  await unique('Ya existe una sucursal con ese nombre.', async () => {
    if (input.id) {
      if (!(await updateStore(em, { ...input, id }))) throw AppError.notFound('la sucursal');
      return;
    }
    await insertStore(em, { ...input, id }, { id: randomUUID(), name: `Bodega ${input.name}` });
  });
  const stores = await listStores(em);
  return stores.find((s) => s.id === id)!;
}

/** Creates a terminal or renames one; a terminal never moves to another store. */
export async function saveTerminal(
  em: EntityManager,
  input: z.output<typeof TerminalInput>,
): Promise<TerminalRow> {
  if (!(await em.count(Store, { id: input.storeId }))) throw AppError.notFound('la sucursal');
  return unique(`Ya existe una caja con el código ${input.code}.`, async () => {
    if (input.id) {
      const current = await storeOfRow(em, 'terminal', input.id);
      if (!current) throw AppError.notFound('la caja');
      if (current.storeId !== input.storeId) {
        throw AppError.validation(
          undefined,
          'Una caja no cambia de sucursal: sus turnos y ventas quedan donde se hicieron. Cree una caja nueva.',
        );
      }
      return updateTerminal(em, { ...input, id: input.id });
    }
    return insertTerminal(em, { ...input, id: randomUUID() });
  });
}
