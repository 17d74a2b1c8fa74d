import { randomUUID } from 'node:crypto';
import type { StoreInput, StoreView, TerminalInput, TerminalView } from '@erp/shared';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { AppError } from '../platform/app-error.ts';
import { Store, Terminal, Warehouse } from './store.entity.ts';

/** Stores of the tenant with their warehouses and terminals. Runs inside `withTenant`. */
export async function listStores(em: EntityManager): Promise<z.output<typeof StoreView>[]> {
  const [stores, warehouses, terminals] = await Promise.all([
    em.find(Store, {}, { orderBy: { name: 'asc' } }),
    em.find(Warehouse, {}, { orderBy: { code: 'asc' } }),
    em.find(Terminal, {}, { orderBy: { code: 'asc' } }),
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
      const [updated] = await em.execute(
        'update store set name = ?, address = ?, comuna = ?, sii_branch_code = ? where id = ? returning id',
        [input.name, input.address, input.comuna, input.siiBranchCode, input.id],
      );
      if (!updated) throw AppError.notFound('la sucursal');
      return;
    }
    await em.execute(
      `insert into store (id, tenant_id, name, address, comuna, sii_branch_code)
       values (?, current_tenant_id(), ?, ?, ?, ?)`,
      [id, input.name, input.address, input.comuna, input.siiBranchCode],
    );
    await em.execute(
      `insert into warehouse (id, tenant_id, store_id, code, name)
       select ?, current_tenant_id(), ?, 'B' || (coalesce(max(substring(code from '^B(\\d+)$')::int), 0) + 1), ?
         from warehouse`,
      [randomUUID(), id, `Bodega ${input.name}`],
    );
  });
  const stores = await listStores(em);
  return stores.find((s) => s.id === id)!;
}

type TerminalRow = z.output<typeof TerminalView>;
const TERMINAL_COLUMNS = 'id, store_id as "storeId", code, name';

export async function listTerminals(
  em: EntityManager,
  request: { storeId?: string | undefined; offset: number; limit: number },
) {
  const where = 'where (?::uuid is null or store_id = ?)';
  const params = [request.storeId ?? null, request.storeId ?? null];
  const [items, [count]] = await Promise.all([
    em.execute<TerminalRow[]>(
      `select ${TERMINAL_COLUMNS} from terminal ${where} order by code offset ? limit ?`,
      [...params, request.offset, request.limit],
    ),
    em.execute<{ total: number }[]>(`select count(*)::int as total from terminal ${where}`, params),
  ]);
  return { items, total: count?.total ?? 0 };
}

/** Creates a terminal or renames one; a terminal never moves to another store. */
export async function saveTerminal(
  em: EntityManager,
  input: z.output<typeof TerminalInput>,
): Promise<TerminalRow> {
  if (!(await em.count(Store, { id: input.storeId }))) throw AppError.notFound('la sucursal');
  return unique(`Ya existe una caja con el código ${input.code}.`, async () => {
    if (input.id) {
      const [current] = await em.execute<{ storeId: string }[]>(
        'select store_id as "storeId" from terminal where id = ?',
        [input.id],
      );
      if (!current) throw AppError.notFound('la caja');
      if (current.storeId !== input.storeId) {
        throw AppError.validation(
          undefined,
          'Una caja no cambia de sucursal: sus turnos y ventas quedan donde se hicieron. Cree una caja nueva.',
        );
      }
      const [row] = await em.execute<TerminalRow[]>(
        `update terminal set code = ?, name = ? where id = ? returning ${TERMINAL_COLUMNS}`,
        [input.code, input.name, input.id],
      );
      return row!;
    }
    const [row] = await em.execute<TerminalRow[]>(
      `insert into terminal (id, tenant_id, store_id, code, name) values (?, current_tenant_id(), ?, ?, ?)
       returning ${TERMINAL_COLUMNS}`,
      [randomUUID(), input.storeId, input.code, input.name],
    );
    return row!;
  });
}
