import { defineConfig, type EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { ENTITIES } from '../entities.ts';
import { runInTenantContext } from './tenant-context.ts';

/** `poolMin`: connections kept open for good (see below); a pool for occasional work keeps none. */
export function ormConfig(clientUrl: string, poolMax = 10, poolMin = Math.min(2, poolMax)) {
  return defineConfig({
    clientUrl,
    entities: ENTITIES,
    // Connections outlive a quiet minute at the till: a new one costs the next sale its set-up and
    // the planning of every prepared statement again (sql-session.ts). A few stay open for good.
    pool: { min: poolMin, max: poolMax, idleTimeoutMillis: 60_000 },
    // Schema changes only through migrations; never let the ORM touch the schema at run time.
    ensureDatabase: false,
    debug: false,
    allowGlobalContext: false,
  });
}

export async function initOrm(clientUrl: string, poolMax?: number, poolMin?: number): Promise<MikroORM> {
  return MikroORM.init(ormConfig(clientUrl, poolMax, poolMin));
}

/**
 * Runs one unit of work for a tenant: a transaction whose first statement sets
 * `app.tenant_id` locally (so RLS sees only this tenant's rows and the setting dies with the
 * transaction, safe with a pool), on a fresh EntityManager fork.
 *
 * @example await withTenant(orm, tenantId, (em) => em.find(Store, {}))
 */
export function withTenant<T>(
  orm: MikroORM,
  tenantId: string,
  work: (em: EntityManager) => Promise<T>,
): Promise<T> {
  return runInTenantContext(tenantId, () =>
    orm.em.fork().transactional(async (em) => {
      await em.execute(`select set_config('app.tenant_id', ?, true)`, [tenantId]);
      return work(em);
    }),
  );
}

/** A unit of work on behalf of a user outside any tenant (own sessions and profile only). */
export function withUser<T>(
  orm: MikroORM,
  userId: string,
  work: (em: EntityManager) => Promise<T>,
): Promise<T> {
  return orm.em.fork().transactional(async (em) => {
    await em.execute(`select set_config('app.user_id', ?, true)`, [userId]);
    return work(em);
  });
}

/** Plain look-ups that need no tenant (the SECURITY DEFINER auth functions). */
export function withoutTenant<T>(orm: MikroORM, work: (em: EntityManager) => Promise<T>): Promise<T> {
  return work(orm.em.fork());
}
