import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCaf } from '@erp/sii-core';
import { makeTestCaf, makeTestCertificate } from '@erp/sii-core/test-authority';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestServer, TestTenant } from '../../test/harness.ts';
import { useTestServer } from '../../test/test-server-fixture.ts';
import { withTenant } from '../platform/orm.ts';
import { SecretBox } from '../platform/secrets.ts';
import { PendingEvents } from '../realtime/pending-events.ts';
import { cafAuthoritiesFor } from './caf-authorities.ts';
import { uploadCaf } from './caf-upload.ts';
import { activeCredentials, certificateInfo, storeCertificate } from './certificate.store.ts';
import { loadCaf } from './folios.ts';

let server: TestServer;
let tenant: TestTenant;
const RUT = '76192083-9';

const SAMPLES = new URL('../../../../shared/sii/samples/', import.meta.url);
/** The SII's certification CAF for facturas of 76235291-5, folios 1–20 (IDK 100, authorized 2025-04-11). */
const SII_CAF_33 = readFileSync(new URL('FoliosSII7623529133120254111137.xml', SAMPLES), 'latin1');
const SAMPLE_RUT = '76235291-5';

/**
 * Uploads as a process configured for `target` would: the SII's keys (and SII_CAF_KEYS_DIR), the
 * test authority only for the simulator.
 */
function upload(
  xml: Buffer | string,
  target: 'simulator' | 'certification' | 'production' = 'simulator',
  options: { rut?: string; keysDir?: string; today?: string } = {},
) {
  const authorities = cafAuthoritiesFor({ SII_ENVIRONMENT: target, SII_CAF_KEYS_DIR: options.keysDir });
  return withTenant(server.orm, tenant.tenantId, (em) =>
    uploadCaf(
      em,
      server.secrets,
      { id: tenant.tenantId, rut: options.rut ?? RUT },
      { target, authorities },
      xml,
      new PendingEvents(),
      options.today,
    ),
  );
}

const world = useTestServer(['caf']);
beforeAll(() => {
  ({
    server,
    tenants: [tenant],
  } = world);
});

describe('CAF upload', () => {
  it('refuses each bad CAF with a clear Spanish reason', async () => {
    await expect(upload(makeTestCaf({ rut: '77123456-9', type: 39, from: 1, to: 10 }))).rejects.toMatchObject(
      {
        code: 'CAF_INVALID',
        message: `El CAF es del RUT 77123456-9, no del RUT de la empresa (${RUT}).`,
      },
    );
    await expect(
      upload(makeTestCaf({ rut: RUT, type: 39, from: 1, to: 10 }), 'certification'),
    ).rejects.toMatchObject({
      code: 'CAF_INVALID',
      message:
        'El CAF fue emitido para otro ambiente (IDK 999); en certificación se esperan CAF con IDK 100.',
    });
    await expect(upload('<AUTORIZACION><CAF>roto')).rejects.toMatchObject({
      code: 'CAF_INVALID',
      message: expect.stringMatching(/^CAF inválido|no contiene/),
    });
    await expect(
      upload(makeTestCaf({ rut: RUT, type: 33, from: 1, to: 10, authorizedOn: '2020-01-02' })),
    ).rejects.toMatchObject({
      code: 'CAF_INVALID',
      message: 'El CAF venció el 2020-06-30: solicite nuevos folios al SII.',
    });
    const forged = makeTestCaf({ rut: RUT, type: 39, from: 1, to: 10 })
      .toString('latin1')
      .replace('<H>10</H>', '<H>99</H>');
    await expect(upload(forged)).rejects.toMatchObject({
      code: 'CAF_INVALID',
      message:
        'El CAF no es válido: la firma del SII (FRMA) no corresponde a los datos del CAF: el CAF fue modificado o no lo emitió el SII.',
    });
  });

  it("verifies the SII's signature (FRMA) of a certification CAF: the genuine one is stored, one with its range widened is refused", async () => {
    const forged = SII_CAF_33.replace('<H>20</H>', '<H>1000</H>');
    await expect(
      upload(forged, 'certification', { rut: SAMPLE_RUT, today: '2025-05-01' }),
    ).rejects.toMatchObject({
      code: 'CAF_INVALID',
      message:
        'El CAF no es válido: la firma del SII (FRMA) no corresponde a los datos del CAF: el CAF fue modificado o no lo emitió el SII.',
    });
    await expect(
      upload(SII_CAF_33, 'certification', { rut: SAMPLE_RUT, today: '2025-05-01' }),
    ).resolves.toMatchObject({ type: 33, from: 1, to: 20 });
  });

  it('refuses a production CAF (IDK 300) until the SII key for that IDK is configured, then verifies it', async () => {
    // No real production CAF may be committed: this one is signed by a key made here and
    // configured as IDK 300, so only the key folder's mechanism is under test.
    const authority = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const text = makeTestCaf({ rut: RUT, type: 39, from: 500, to: 520 })
      .toString('latin1')
      .replace('<IDK>999</IDK>', '<IDK>300</IDK>');
    const frma = sign('RSA-SHA1', Buffer.from(parseCaf(text).daXml, 'latin1'), authority.privateKey);
    const production = text.replace(/(<FRMA[^>]*>)[^<]*/, `$1${frma.toString('base64')}`);

    await expect(upload(production, 'production')).rejects.toMatchObject({
      code: 'CAF_INVALID',
      message:
        'El CAF no es válido: no hay una llave del SII configurada para el IDK 300; la llave pública del SII para ese IDK debe configurarse en el servidor.',
    });
    const keysDir = mkdtempSync(join(tmpdir(), 'sii-caf-keys-'));
    writeFileSync(join(keysDir, '300.pem'), authority.publicKey.export({ type: 'spki', format: 'pem' }));
    await expect(
      upload(production.replace('<H>520</H>', '<H>5200</H>'), 'production', { keysDir }),
    ).rejects.toMatchObject({ message: expect.stringContaining('la firma del SII (FRMA) no corresponde') });
    await expect(upload(production, 'production', { keysDir })).resolves.toMatchObject({
      from: 500,
      to: 520,
    });
  });

  it("refuses at start a key folder that names the test authority's IDK or holds an unreadable key", () => {
    const keysDir = mkdtempSync(join(tmpdir(), 'sii-caf-keys-'));
    writeFileSync(
      join(keysDir, '999.pem'),
      readFileSync(new URL('../../../sii-core/src/sii-caf-keys/100.cer', import.meta.url)),
    );
    expect(() => cafAuthoritiesFor({ SII_ENVIRONMENT: 'production', SII_CAF_KEYS_DIR: keysDir })).toThrow(
      /999\.pem: IDK 999 is the local test authority's/,
    );
    const broken = mkdtempSync(join(tmpdir(), 'sii-caf-keys-'));
    writeFileSync(join(broken, '300.cer'), 'no es una llave');
    expect(() => cafAuthoritiesFor({ SII_ENVIRONMENT: 'production', SII_CAF_KEYS_DIR: broken })).toThrow(
      /300\.cer: La llave del SII no se puede leer/,
    );
  });

  it('stores the CAF key and the .pfx sealed: unreadable without the configured key', async () => {
    const caf = makeTestCaf({ rut: RUT, type: 39, from: 1, to: 10 });
    await upload(caf);
    const pfx = makeTestCertificate({ rut: '11111111-1', name: 'Firmante', password: 'secreta' });
    const info = await withTenant(server.orm, tenant.tenantId, (em) =>
      storeCertificate(em, server.secrets, tenant.tenantId, pfx, 'secreta'),
    );
    expect(info).toMatchObject({ holderName: 'Firmante', holderRut: '11111111-1', expiringSoon: false });
    expect(JSON.stringify(info)).not.toContain('secreta');

    const [row] = await withTenant(server.orm, tenant.tenantId, (em) =>
      em.execute<{ key: string; pfx: string; password: string }[]>(
        `select c.private_key_sealed as key, s.pfx_sealed as pfx, s.password_sealed as password
           from caf c, sii_certificate s where c.doc_type = 39 and c.folio_from = 1 and s.active`,
      ),
    );
    const rsask = /<RSASK>([\s\S]*?)<\/RSASK>/.exec(caf.toString('latin1'))![1]!.trim();
    expect(row!.key).not.toContain('PRIVATE KEY');
    expect(row!.pfx).not.toContain(pfx.toString('base64').slice(0, 40));
    expect(row!.password).not.toContain('secreta');
    const otherKey = new SecretBox('1'.repeat(64));
    expect(() => otherKey.open(row!.key, tenant.tenantId)).toThrow();
    expect(() => otherKey.open(row!.pfx, tenant.tenantId)).toThrow();
    expect(server.secrets.open(row!.key, tenant.tenantId).toString().trim()).toBe(rsask);
  });

  it('warns 30 days before the certificate expires and refuses a wrong password', async () => {
    const pfx = makeTestCertificate({ rut: '11111111-1', name: 'Por vencer', password: 'x', validDays: 20 });
    await withTenant(server.orm, tenant.tenantId, (em) =>
      storeCertificate(em, server.secrets, tenant.tenantId, pfx, 'x'),
    );
    const info = await withTenant(server.orm, tenant.tenantId, (em) => certificateInfo(em));
    expect(info).toMatchObject({ holderName: 'Por vencer', expiringSoon: true });
    await expect(
      withTenant(server.orm, tenant.tenantId, (em) =>
        storeCertificate(em, server.secrets, tenant.tenantId, pfx, 'mala'),
      ),
    ).rejects.toMatchObject({ code: 'CERTIFICATE_INVALID' });
  });

  it('opens the signing keys once per process, not once per document', async () => {
    const { id } = await upload(makeTestCaf({ rut: RUT, type: 61, from: 1, to: 10 }));
    const pfx = makeTestCertificate({ rut: '11111111-1', name: 'Una vez', password: 'x' });
    await withTenant(server.orm, tenant.tenantId, (em) =>
      storeCertificate(em, server.secrets, tenant.tenantId, pfx, 'x'),
    );
    const open = () =>
      withTenant(server.orm, tenant.tenantId, async (em) => ({
        caf: await loadCaf(em, server.secrets, tenant.tenantId, id),
        credentials: (await activeCredentials(em, server.secrets, tenant.tenantId)).credentials,
      }));
    const first = await open();
    const second = await open();
    expect(second.caf).toBe(first.caf);
    expect(second.credentials).toBe(first.credentials);
    expect(second.credentials.privateKey.type).toBe('private');
  });
});
