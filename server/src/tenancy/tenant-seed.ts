import { randomUUID } from 'node:crypto';
import type { Role, TenantProfile } from '@erp/shared';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { withoutTenant, withTenant } from '../platform/orm.ts';
import { saveOwnPin } from './approvals.queries.ts';
import { tenantIdBySlug, userIdByEmail } from './auth.queries.ts';
import { hashPassword } from './password.ts';
import { Store, Terminal, Warehouse } from './store.entity.ts';
import { Tenant } from './tenant.entity.ts';
import { Membership, User } from './user.entity.ts';

type Profile = z.output<typeof TenantProfile>;

/** A company to create, with its data as the back office's profile names it. */
export interface TenantSpec
  extends Pick<Profile, 'slug' | 'rut' | 'razonSocial' | 'giro' | 'address' | 'comuna' | 'acteco'> {
  stores: { name: string; address: string; comuna: string; siiBranchCode?: number }[];
  /** A central warehouse that belongs to no store. */
  centralWarehouse?: boolean;
  /** `approvalPin`: the PIN an approver authorizes with (demo and test logins). */
  users: { email: string; name: string; role: Role; store?: number; approvalPin?: string }[];
}

export interface SeededTenant {
  tenantId: string;
  slug: string;
  stores: { id: string; warehouseId: string; terminalIds: string[] }[];
  centralWarehouseId: string | null;
  users: Record<string, string>;
}

/**
 * Creates a tenant with its stores (a warehouse and two terminals each), an optional central
 * warehouse and users with memberships (and approval PINs), all in one tenant transaction through
 * the serving role.
 * Does nothing and returns null when the slug already exists, so seeding is idempotent.
 */
export async function seedTenant(
  orm: MikroORM,
  spec: TenantSpec,
  passwordHash: string,
): Promise<SeededTenant | null> {
  if (await withoutTenant(orm, (em) => tenantIdBySlug(em, spec.slug))) return null;
  const tenantId = randomUUID();
  return withTenant(orm, tenantId, async (em) => {
    em.create(Tenant, {
      id: tenantId,
      slug: spec.slug,
      rut: spec.rut,
      razonSocial: spec.razonSocial,
      giro: spec.giro,
      address: spec.address,
      comuna: spec.comuna,
      acteco: spec.acteco,
      siiResolutionNumber: 0,
      siiResolutionDate: '2026-01-01',
      siiEnvironment: 'certification',
    });
    await em.flush();
    const stores = spec.stores.map((s, i) => {
      const store = em.create(Store, { ...s, siiBranchCode: s.siiBranchCode ?? null });
      const warehouse = em.create(Warehouse, {
        storeId: store.id,
        code: `B${i + 1}`,
        name: `Bodega ${s.name}`,
      });
      const terminals = [1, 2].map((n) =>
        em.create(Terminal, { storeId: store.id, code: `S${i + 1}-C${n}`, name: `Caja ${n}` }),
      );
      return { id: store.id, warehouseId: warehouse.id, terminalIds: terminals.map((t) => t.id) };
    });
    const central = spec.centralWarehouse
      ? em.create(Warehouse, { storeId: null, code: 'CENTRAL', name: 'Bodega central' })
      : null;
    const users: Record<string, string> = {};
    for (const u of spec.users) {
      const userId =
        (await userIdByEmail(em, u.email)) ??
        em.create(User, { email: u.email, name: u.name, passwordHash }).id;
      em.create(Membership, {
        userId,
        role: u.role,
        storeId: u.store === undefined ? null : stores[u.store]!.id,
      });
      users[u.email] = userId;
    }
    await em.flush();
    const pinHashes = new Map<string, Promise<string>>();
    for (const u of spec.users) {
      if (!u.approvalPin) continue;
      if (!pinHashes.has(u.approvalPin)) pinHashes.set(u.approvalPin, hashPassword(u.approvalPin));
      await saveOwnPin(em, users[u.email]!, await pinHashes.get(u.approvalPin)!);
    }
    return { tenantId, slug: spec.slug, stores, centralWarehouseId: central?.id ?? null, users };
  });
}
