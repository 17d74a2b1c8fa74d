import { randomUUID } from 'node:crypto';
import { DteError, loadPfx, type SigningCredentials } from '@erp/sii-core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../platform/app-error.ts';
import { isoTime } from '../platform/rows.ts';
import type { SecretBox } from '../platform/secrets.ts';
import {
  activeCertificate,
  activeCertificateSecrets,
  replaceActiveCertificate,
} from './certificate.queries.ts';

/** What the back office sees of a certificate: never the file nor its password. */
export interface CertificateInfo {
  id: string;
  holderName: string;
  holderRut: string | null;
  validTo: string;
  uploadedAt: string;
  /** Days until it expires (negative once expired). */
  daysLeft: number;
  /** Within 30 days of expiry: the back office warns. */
  expiringSoon: boolean;
}

const EXPIRY_WARNING_DAYS = 30;
const DAY_MS = 24 * 3600 * 1000;

/**
 * Checks the `.pfx` opens with the password and is in force, then stores file and password
 * sealed (AES-256-GCM, tenant id bound) as the tenant's one active certificate.
 */
export async function storeCertificate(
  em: EntityManager,
  box: SecretBox,
  tenantId: string,
  pfx: Uint8Array,
  password: string,
): Promise<CertificateInfo> {
  let credentials: SigningCredentials;
  try {
    credentials = loadPfx(pfx, password);
  } catch (error) {
    if (error instanceof DteError) throw new AppError('CERTIFICATE_INVALID', error.message);
    throw error;
  }
  if (!credentials.rut) {
    throw new AppError('CERTIFICATE_INVALID', 'El certificado digital no indica el RUT de su titular.');
  }
  await replaceActiveCertificate(em, {
    id: randomUUID(),
    pfxSealed: box.seal(Buffer.from(pfx), tenantId),
    passwordSealed: box.seal(password, tenantId),
    holderName: credentials.holderName,
    holderRut: credentials.rut,
    validTo: credentials.validTo.toISOString(),
  });
  return (await certificateInfo(em))!;
}

export async function certificateInfo(em: EntityManager, now = new Date()): Promise<CertificateInfo | null> {
  const row = await activeCertificate(em);
  if (!row) return null;
  const daysLeft = Math.floor((new Date(row.valid_to).getTime() - now.getTime()) / DAY_MS);
  return {
    id: row.id,
    holderName: row.holder_name,
    holderRut: row.holder_rut,
    validTo: isoTime(row.valid_to),
    uploadedAt: isoTime(row.uploaded_at),
    daysLeft,
    expiringSoon: daysLeft <= EXPIRY_WARNING_DAYS,
  };
}

/** Opened certificates by certificate id: the PKCS#12 is decrypted and parsed once per process. */
const openedCredentials = new Map<string, SigningCredentials>();

/** The tenant's signing credentials (inside `withTenant`); CERTIFICATE_REQUIRED when none is loaded. */
export async function activeCredentials(
  em: EntityManager,
  box: SecretBox,
  tenantId: string,
): Promise<{ certificateId: string; credentials: SigningCredentials }> {
  const row = await activeCertificateSecrets(em);
  if (!row) throw new AppError('CERTIFICATE_REQUIRED');
  let credentials = openedCredentials.get(row.id);
  if (!credentials) {
    try {
      credentials = loadPfx(
        box.open(row.pfx_sealed, tenantId),
        box.open(row.password_sealed, tenantId).toString(),
      );
    } catch (error) {
      if (error instanceof DteError) throw new AppError('CERTIFICATE_INVALID', error.message);
      throw error;
    }
    openedCredentials.set(row.id, credentials);
  }
  return { certificateId: row.id, credentials };
}
