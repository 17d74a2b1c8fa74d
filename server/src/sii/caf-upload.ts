import { cafExpiresOn, chileTimestamp } from '@erp/sii-core';
import { TEST_CAF_IDK, verifyTestCafAuthority } from '@erp/sii-core/test-authority';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../platform/app-error.ts';
import type { SecretBox } from '../platform/secrets.ts';
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
 * it must be signed for the environment the tenant sends to (IDK), in the simulator by the local
 * test authority, and not already expired. Every refusal is a CAF_INVALID with a Spanish reason.
 */
export async function uploadCaf(
  em: EntityManager,
  box: SecretBox,
  tenant: { id: string; rut: string },
  target: SiiTarget,
  xml: Uint8Array | string,
  today = chileTimestamp(new Date()).slice(0, 10),
): Promise<{ id: string; type: number; from: number; to: number }> {
  const caf = parseUploadedCaf(xml);
  const idk = EXPECTED_IDK[target];
  if (caf.idk !== idk) {
    throw new AppError(
      'CAF_INVALID',
      `El CAF fue emitido para otro ambiente (IDK ${caf.idk}); en ${TARGET_NAME[target]} se esperan CAF con IDK ${idk}.`,
    );
  }
  if (target === 'simulator' && !verifyTestCafAuthority(caf)) {
    throw new AppError('CAF_INVALID', 'La firma del CAF no es de la autoridad de prueba del simulador.');
  }
  const expiresOn = cafExpiresOn(caf);
  if (expiresOn && expiresOn < today) {
    throw new AppError('CAF_INVALID', `El CAF venció el ${expiresOn}: solicite nuevos folios al SII.`);
  }
  return storeCaf(em, box, tenant, xml);
}
