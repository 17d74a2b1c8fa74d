import { makeTestCaf, makeTestCertificate } from '@erp/sii-core/test-authority';
import type { MikroORM } from '@mikro-orm/postgresql';
import { loadConfig } from '../platform/config.ts';
import { withTenant } from '../platform/orm.ts';
import { SecretBox } from '../platform/secrets.ts';
import { storeCertificate } from './certificate.store.ts';
import { storeCaf } from './folios.ts';

const DEMO_CAF_TYPES = [39, 33, 61] as const;

/**
 * Gives a demo tenant what the simulator needs to accept its documents: a throw-away test
 * certificate and test CAFs (39, 33, 61) signed by the local test authority. Idempotent: a tenant
 * that already has a certificate is left alone.
 */
export async function seedDemoSii(orm: MikroORM, slugs: readonly string[]): Promise<string[]> {
  const seeded: string[] = [];
  for (const slug of slugs) {
    const [row] = await orm.em.fork().execute<{ id: string }[]>('select tenant_id_by_slug(?) as id', [slug]);
    if (row?.id && (await seedTenantSii(orm, row.id))) seeded.push(`${slug} (certificado y CAF de prueba)`);
  }
  return seeded;
}

async function seedTenantSii(orm: MikroORM, tenantId: string): Promise<boolean> {
  const box = new SecretBox(loadConfig().SECRETS_KEY);
  return withTenant(orm, tenantId, async (em) => {
    const [has] = await em.execute<{ n: number }[]>('select count(*)::int as n from sii_certificate', []);
    if (has!.n > 0) return false;
    const [tenant] = await em.execute<{ rut: string }[]>('select rut from tenant', []);
    const pfx = makeTestCertificate({ rut: '11111111-1', name: 'Firmante Demo', password: 'demo' });
    await storeCertificate(em, box, tenantId, pfx, 'demo');
    for (const type of DEMO_CAF_TYPES) {
      await storeCaf(
        em,
        box,
        { id: tenantId, rut: tenant!.rut },
        makeTestCaf({ rut: tenant!.rut, type, from: 1, to: 10_000 }),
      );
    }
    return true;
  });
}
