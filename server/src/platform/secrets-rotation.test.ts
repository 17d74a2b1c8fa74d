/**
 * Rotating SECRETS_KEY re-seals every secret at rest of every tenant in one transaction, so CAFs
 * and certificates still sign afterwards; `npm start` uses it once on databases sealed with the
 * old all-zero key. Runs on a database of its own: a rotation covers the whole database.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { buildDte, verifyFile } from '@erp/sii-core';
import { makeTestCaf, makeTestCertificate } from '@erp/sii-core/test-authority';
import { ISSUER_RUT, sampleDocument } from '@erp/sii-core/testing';
import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropDatabase, ensureDatabase } from '../../../scripts/services.ts';
import { createTestTenant, type TestTenant } from '../../test/harness.ts';
import { PendingEvents } from '../realtime/pending-events.ts';
import { activeCredentials, storeCertificate } from '../sii/certificate.store.ts';
import { loadCaf, storeCaf } from '../sii/folios.ts';
import { migrateUp } from './migrate.ts';
import { initOrm, withTenant } from './orm.ts';
import { LEGACY_ZERO_KEY, SecretBox } from './secrets.ts';
import { rotateSecrets, UnknownSecretsKeyError } from './secrets-rotation.ts';

const CLI = fileURLToPath(new URL('../sii/cli.ts', import.meta.url));
const DATABASE = `${new URL(process.env.DATABASE_URL!).pathname.slice(1)}_rotation`;
const newKey = () => randomBytes(32).toString('hex');

let ownerUrl: string;
let orm: MikroORM;
let a: TestTenant;
let b: TestTenant;
/** Each tenant's CAF for boletas. */
const cafIds = new Map<string, string>();

/** Every sealed value of a tenant as stored, to tell what a rotation changed. */
function sealedValues(tenant: TestTenant) {
  return withTenant(orm, tenant.tenantId, (em) =>
    em.execute<{ value: string }[]>(
      `select private_key_sealed as value from caf
       union all select pfx_sealed from sii_certificate
       union all select password_sealed from sii_certificate order by 1`,
    ),
  );
}

/** Builds and verifies a boleta with the tenant's CAF and certificate opened with `box`. */
async function signsWith(box: SecretBox, tenant: TestTenant): Promise<boolean> {
  const { caf, credentials } = await withTenant(orm, tenant.tenantId, async (em) => ({
    caf: await loadCaf(em, box, tenant.tenantId, cafIds.get(tenant.tenantId)!),
    credentials: (await activeCredentials(em, box, tenant.tenantId)).credentials,
  }));
  const dte = buildDte(sampleDocument(39, 1), { caf, credentials });
  const report = await verifyFile(Buffer.from(dte.xml, 'latin1'), { caf });
  return report.documents.length === 1 && report.documents[0]!.failures.length === 0;
}

function rotateWithCli(from: string, to: string) {
  return spawnSync(process.execPath, [CLI, 'secrets', 'rotate', '--from', from, '--to', to], {
    env: { ...process.env, DATABASE_OWNER_URL: ownerUrl },
    encoding: 'utf8',
  });
}

beforeAll(async () => {
  const urls = await ensureDatabase(DATABASE, { fresh: true });
  ownerUrl = urls.ownerUrl;
  await migrateUp(ownerUrl);
  orm = await initOrm(urls.appUrl, 2);
  [a, b] = [await createTestTenant({ orm }, 'rot-a'), await createTestTenant({ orm }, 'rot-b')];
  // Sealed as every database was before the key was required: with the all-zero key.
  const zero = new SecretBox(LEGACY_ZERO_KEY);
  for (const tenant of [a, b]) {
    await withTenant(orm, tenant.tenantId, async (em) => {
      const caf = makeTestCaf({ rut: ISSUER_RUT, type: 39, from: 1, to: 100 });
      const stored = await storeCaf(
        em,
        zero,
        { id: tenant.tenantId, rut: ISSUER_RUT },
        caf,
        new PendingEvents(),
      );
      cafIds.set(tenant.tenantId, stored.id);
      const pfx = makeTestCertificate({ rut: '11111111-1', name: 'Firmante', password: 'clave' });
      await storeCertificate(em, zero, tenant.tenantId, pfx, 'clave');
    });
  }
}, 120_000);
afterAll(async () => {
  await orm?.close(true);
  await dropDatabase(DATABASE);
});

describe('secrets key rotation', () => {
  const zero = new SecretBox(LEGACY_ZERO_KEY);
  const machineKey = newKey();
  const operatorKey = newKey();

  it('re-seals every tenant’s CAF keys and certificates; they sign with the new key only', async () => {
    const machine = new SecretBox(machineKey);
    // What `npm start` does on each start: the old zero key's data → the machine's key.
    expect(await rotateSecrets(ownerUrl, zero, machine)).toEqual({ rotated: 6, current: 0 });
    for (const tenant of [a, b]) {
      expect(await signsWith(machine, tenant)).toBe(true);
      for (const { value } of await sealedValues(tenant)) {
        expect(() => zero.open(value, tenant.tenantId)).toThrow();
      }
    }
    // Starting again finds nothing left to re-seal and changes nothing.
    const before = await sealedValues(a);
    expect(await rotateSecrets(ownerUrl, zero, machine)).toEqual({ rotated: 0, current: 6 });
    expect(await sealedValues(a)).toEqual(before);
  });

  it('rotates from the command line to a key of the operator’s choosing', async () => {
    const run = rotateWithCli(machineKey, operatorKey);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Secretos cifrados de nuevo: 6; ya estaban con la clave nueva: 0.');
    const [machine, operator] = [new SecretBox(machineKey), new SecretBox(operatorKey)];
    for (const tenant of [a, b]) {
      for (const { value } of await sealedValues(tenant)) {
        expect(operator.open(value, tenant.tenantId).length).toBeGreaterThan(0);
        expect(() => machine.open(value, tenant.tenantId)).toThrow();
      }
    }
    expect(rotateWithCli(machineKey, LEGACY_ZERO_KEY)).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('--to no puede ser la clave de ceros'),
    });
  });

  it('changes nothing, in any tenant, when one value opens with neither key', async () => {
    // One CAF of tenant b sealed with a key nobody has any more.
    await withTenant(orm, b.tenantId, (em) =>
      storeCaf(
        em,
        new SecretBox(newKey()),
        { id: b.tenantId, rut: ISSUER_RUT },
        makeTestCaf({ rut: ISSUER_RUT, type: 33, from: 1, to: 10 }),
        new PendingEvents(),
      ),
    );
    const before = [await sealedValues(a), await sealedValues(b)];
    const run = rotateWithCli(operatorKey, newKey());
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /^No se cambió nada: hay secretos que no se abren ni con --from ni con --to \(caf [0-9a-f-]{36}\)\.$/m,
    );
    expect([await sealedValues(a), await sealedValues(b)]).toEqual(before);
    await expect(
      rotateSecrets(ownerUrl, new SecretBox(operatorKey), new SecretBox(newKey())),
    ).rejects.toBeInstanceOf(UnknownSecretsKeyError);
  });
});
