import type { Role } from '@erp/shared';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../platform/app-error.ts';
import { hashPassword } from './password.ts';
import { Store, Terminal, Warehouse } from './store.entity.ts';
import { Membership, User } from './user.entity.ts';

/** Stores of the tenant with their warehouses and terminals. Runs inside `withTenant`. */
export async function listStores(em: EntityManager) {
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

export async function listUsers(em: EntityManager) {
  const memberships = await em.find(Membership, {}, { orderBy: { createdAt: 'asc' } });
  const users = await em.find(User, { id: { $in: memberships.map((m) => m.userId) } });
  const byId = new Map(users.map((u) => [u.id, u]));
  return memberships.flatMap((m) => {
    const u = byId.get(m.userId);
    return u ? [{ id: u.id, email: u.email, name: u.name, role: m.role, storeId: m.storeId ?? null }] : [];
  });
}

export interface NewUser {
  email: string;
  name: string;
  password: string;
  role: Role;
  storeId: string | null;
}

/** Creates a user with a membership in the current tenant. The email must be new. */
export async function createUser(em: EntityManager, input: NewUser) {
  const [existing] = await em.execute<{ id: string }[]>('select id from auth_user_by_email(?)', [
    input.email,
  ]);
  if (existing) throw new AppError('CONFLICT', 'Ya existe un usuario con ese correo.');
  if (input.storeId && !(await em.count(Store, { id: input.storeId })))
    throw AppError.notFound('la sucursal');
  const user = em.create(User, {
    email: input.email,
    name: input.name,
    passwordHash: await hashPassword(input.password),
  });
  em.create(Membership, { userId: user.id, role: input.role, storeId: input.storeId });
  await em.flush();
  return { id: user.id, email: user.email, name: user.name, role: input.role, storeId: input.storeId };
}
