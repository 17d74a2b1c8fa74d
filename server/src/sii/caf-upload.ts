import { type CafAuthorities, cafExpiresOn, chileTimestamp, DteError } from '@erp/sii-core';
import { TEST_CAF_IDK } from '@erp/sii-core/test-authority';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../platform/app-error.ts';
import type { SecretBox } from '../platform/secrets.ts';
import type { PendingEvents } from '../realtime/pending-events.ts';
import { assertAcceptedCaf } from './caf-authorities.ts';
import { parseUploadedCaf, storeCaf } from './folios.ts';
import type { SiiTarget } from './sii-target.ts';

/** Key id (IDK) of the authority that signs CAFs in each environment [docs/sii-rules.md#caf]. */
const EXPECTED_IDK: Readonly<Record<SiiTarget, number>> = {
  certification: 100,
  production: 300,
  simulator: TEST_CAF_IDK,
};
const TARGET_NAME: Readonly<Record<SiiTarget, string>> = {
  certification: 'certificación',
  production: 'producción',
  simulator: 'simulador',
};

/**
 * A CAF uploaded in the back office: beyond what `storeCaf` checks (issuer RUT, parse, overlap)
 * it must be for the environment the tenant sends to (IDK), its FRMA must be the signature of
 * that environment's authority (the SII's key, or the local test authority in the simulator:
 * `cafAuthoritiesFor`), and it must not be already expired. Every refusal is a CAF_INVALID with a
 * Spanish reason. A low-folio alert the new folios start goes into `events`.
 */
export async function uploadCaf(
  em: EntityManager,
  box: SecretBox,
  tenant: { id: string; rut: string },
  environment: { target: SiiTarget; authorities: CafAuthorities },
  xml: Uint8Array | string,
  events: PendingEvents,
  today = chileTimestamp(new Date()).slice(0, 10),
): Promise<{ id: string; type: number; from: number; to: number }> {
  const caf = parseUploadedCaf(xml);
  const idk = EXPECTED_IDK[environment.target];
  if (caf.idk !== idk) {
    throw new AppError(
      'CAF_INVALID',
      `El CAF fue emitido para otro ambiente (IDK ${caf.idk}); en ${TARGET_NAME[environment.target]} se esperan CAF con IDK ${idk}.`,
    );
  }
  try {
    assertAcceptedCaf(caf, environment.authorities);
  } catch (error) {
    if (error instanceof DteError) throw new AppError('CAF_INVALID', error.message);
    throw error;
  }
  const expiresOn = cafExpiresOn(caf);
  if (expiresOn && expiresOn < today) {
    throw new AppError('CAF_INVALID', `El CAF venció el ${expiresOn}: solicite nuevos folios al SII.`);
  }
  return storeCaf(em, box, tenant, xml, events);
}
