import { makeTestCaf, makeTestCertificate } from '@erp/sii-core/test-authority';
import type { MikroORM } from '@mikro-orm/postgresql';
import { withTenant } from '../platform/orm.ts';
import type { SecretBox } from '../platform/secrets.ts';
import { PendingEvents } from '../realtime/pending-events.ts';
import { tenantIdBySlug, tenantRut } from './caf.queries.ts';
import { hasAnyCertificate } from './certificate.queries.ts';
import { storeCertificate } from './certificate.store.ts';
import { storeCaf } from './folios.ts';

const DEMO_CAF_TYPES = [39, 33, 61] as const;

/**
 * Gives a demo tenant what the simulator needs to accept its documents: a throw-away test
 * certificate and test CAFs (39, 33, 61) signed by the local test authority. Idempotent: a tenant
 * that already has a certificate is left alone.
 */
export async function seedDemoSii(
  orm: MikroORM,
  box: SecretBox,
  slugs: readonly string[],
): Promise<string[]> {
  const seeded: string[] = [];
  for (const slug of slugs) {
    const tenantId = await tenantIdBySlug(orm.em.fork(), slug);
    if (tenantId && (await seedTenantSii(orm, box, tenantId)))
      seeded.push(`${slug} (certificado y CAF de prueba)`);
  }
  return seeded;
}

async function seedTenantSii(orm: MikroORM, box: SecretBox, tenantId: string): Promise<boolean> {
  return withTenant(orm, tenantId, async (em) => {
    if (await hasAnyCertificate(em)) return false;
    const rut = await tenantRut(em);
    const pfx = makeTestCertificate({ rut: '11111111-1', name: 'Firmante Demo', password: 'demo' });
    await storeCertificate(em, box, tenantId, pfx, 'demo');
    for (const type of DEMO_CAF_TYPES) {
      // Seeded before any screen connects: an alert would have no one to reach.
      await storeCaf(
        em,
        box,
        { id: tenantId, rut },
        makeTestCaf({ rut, type, from: 1, to: 10_000 }),
        new PendingEvents(),
      );
    }
    return true;
  });
}
