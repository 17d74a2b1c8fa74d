import { makeTestCaf, makeTestCertificate } from '@erp/sii-core/test-authority';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestServer, TestTenant } from '../../test/harness.ts';
import { useTestServer } from '../../test/test-server-fixture.ts';
import { withTenant } from '../platform/orm.ts';
import { SecretBox } from '../platform/secrets.ts';
import { uploadCaf } from './caf-upload.ts';
import { activeCredentials, certificateInfo, storeCertificate } from './certificate.store.ts';
import { loadCaf } from './folios.ts';

let server: TestServer;
let tenant: TestTenant;
const RUT = '76192083-9';

function upload(xml: Buffer | string, target: 'simulator' | 'certification' = 'simulator') {
  return withTenant(server.orm, tenant.tenantId, (em) =>
    uploadCaf(em, server.secrets, { id: tenant.tenantId, rut: RUT }, target, xml),
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
      message: 'La firma del CAF no es de la autoridad de prueba del simulador.',
    });
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
           from caf c, sii_certificate s where c.doc_type = 39 and s.active`,
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
