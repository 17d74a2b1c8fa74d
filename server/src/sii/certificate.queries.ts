/**
 * SQL of the signing certificates (`sii_certificate`): the tenant has at most one active; the
 * file and its password are stored sealed.
 */
import type { SqlExecutor } from '../platform/sql-session.ts';

export interface NewCertificate {
  id: string;
  pfxSealed: string;
  passwordSealed: string;
  holderName: string;
  holderRut: string;
  validTo: string;
}

/** Makes the certificate the tenant's one active certificate. */
export async function replaceActiveCertificate(em: SqlExecutor, certificate: NewCertificate): Promise<void> {
  await em.execute('update sii_certificate set active = false where active', []);
  await em.execute(
    `insert into sii_certificate (id, tenant_id, pfx_sealed, password_sealed, holder_name, holder_rut, valid_to)
     values (?, current_tenant_id(), ?, ?, ?, ?, ?)`,
    [
      certificate.id,
      certificate.pfxSealed,
      certificate.passwordSealed,
      certificate.holderName,
      certificate.holderRut,
      certificate.validTo,
    ],
  );
}

export interface ActiveCertificateRow {
  id: string;
  holder_name: string;
  holder_rut: string | null;
  valid_to: Date;
  uploaded_at: Date;
}

/** What is shown of the active certificate, if any. */
export async function activeCertificate(em: SqlExecutor): Promise<ActiveCertificateRow | undefined> {
  const [row] = await em.execute<ActiveCertificateRow[]>(
    'select id, holder_name, holder_rut, valid_to, uploaded_at from sii_certificate where active',
    [],
  );
  return row;
}

/** The active certificate's sealed file and password, if any. */
export async function activeCertificateSecrets(
  em: SqlExecutor,
): Promise<{ id: string; pfx_sealed: string; password_sealed: string } | undefined> {
  const [row] = await em.execute<{ id: string; pfx_sealed: string; password_sealed: string }[]>(
    'select id, pfx_sealed, password_sealed from sii_certificate where active',
    [],
  );
  return row;
}

/** Whether the tenant ever stored a certificate (active or not). */
export async function hasAnyCertificate(em: SqlExecutor): Promise<boolean> {
  const [has] = await em.execute<{ n: number }[]>('select count(*)::int as n from sii_certificate', []);
  return has!.n > 0;
}
