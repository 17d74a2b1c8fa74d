import type { Role } from '@erp/shared';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit } from '../audit/index.ts';
import { AppError } from '../platform/app-error.ts';
import type { PendingEvents } from '../realtime/pending-events.ts';
import { userIdByEmail } from './auth.queries.ts';
import { hashPassword } from './password.ts';
import { Store } from './store.entity.ts';
import {
  setMembershipActiveRow,
  type UserRow,
  updateMembershipRow,
  userByMembership,
} from './tenancy.queries.ts';
import { Membership, User } from './user.entity.ts';

/**
 * The tenant's people as the back office manages them: one row per membership. Who may change
 * what: only an owner grants, changes or removes the owner role, and nobody changes or
 * deactivates their own membership (so a company cannot lose its last administrator by mistake).
 * Everything runs inside `withTenant`.
 */
export interface Actor {
  userId: string;
  role: Role;
  storeId: string | null;
}

async function userRow(em: EntityManager, membershipId: string): Promise<UserRow> {
  const row = await userByMembership(em, membershipId);
  if (!row) throw AppError.notFound('el usuario');
  return row;
}

function assertOwnerRule(actor: Actor, ...roles: Role[]): void {
  if (actor.role !== 'owner' && roles.includes('owner')) {
    throw AppError.forbidden('Solo un dueño puede dar, cambiar o quitar el rol de dueño.');
  }
}

async function assertStore(em: EntityManager, storeId: string | null): Promise<void> {
  if (storeId && !(await em.count(Store, { id: storeId }))) throw AppError.notFound('la sucursal');
}

export interface NewUser {
  email: string;
  name: string;
  password: string;
  role: Role;
  storeId: string | null;
}

/** Creates a user with a membership in the current tenant. The email must be new. */
export async function createUser(em: EntityManager, input: NewUser, actor: Actor): Promise<UserRow> {
  assertOwnerRule(actor, input.role);
  if (await userIdByEmail(em, input.email))
    throw new AppError('CONFLICT', 'Ya existe un usuario con ese correo.');
  await assertStore(em, input.storeId);
  const user = em.create(User, {
    email: input.email,
    name: input.name,
    passwordHash: await hashPassword(input.password),
  });
  const membership = em.create(Membership, { userId: user.id, role: input.role, storeId: input.storeId });
  await em.flush();
  return userRow(em, membership.id);
}

/** A membership someone else may change (see the rules above). */
async function changeable(em: EntityManager, membershipId: string, actor: Actor): Promise<UserRow> {
  const before = await userRow(em, membershipId);
  if (before.id === actor.userId) {
    throw AppError.forbidden('No puede cambiar su propio acceso. Pídaselo a otro administrador.');
  }
  assertOwnerRule(actor, before.role);
  return before;
}

/** Changes the role and store of a membership; audited. */
export async function updateMembership(
  em: EntityManager,
  input: { membershipId: string; role: Role; storeId: string | null },
  actor: Actor,
  events: PendingEvents,
): Promise<{ before: UserRow; after: UserRow }> {
  const before = await changeable(em, input.membershipId, actor);
  assertOwnerRule(actor, input.role);
  await assertStore(em, input.storeId);
  try {
    await updateMembershipRow(em, input);
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) {
      throw new AppError('CONFLICT', 'El usuario ya tiene otro acceso en esa sucursal.');
    }
    throw error;
  }
  const after = await userRow(em, input.membershipId);
  await auditUserChange(em, actor, before, after, events);
  return { before, after };
}

/** Deactivates (or reactivates) a membership; audited. */
export async function setMembershipActive(
  em: EntityManager,
  input: { membershipId: string; active: boolean },
  actor: Actor,
  events: PendingEvents,
): Promise<UserRow> {
  const before = await changeable(em, input.membershipId, actor);
  await setMembershipActiveRow(em, input);
  const after = { ...before, active: input.active };
  await auditUserChange(em, actor, before, after, events);
  return after;
}

function auditUserChange(
  em: EntityManager,
  actor: Actor,
  before: UserRow,
  after: UserRow,
  events: PendingEvents,
): Promise<void> {
  const state = ({ role, storeId, active }: UserRow) => ({ role, storeId, active });
  return recordAudit(
    em,
    actor,
    null,
    [
      {
        kind: 'user_change',
        details: { userId: after.id, email: after.email, before: state(before), after: state(after) },
      },
    ],
    events,
  );
}
