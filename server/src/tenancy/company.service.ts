import { readTenantSettings, type TenantProfile, type TenantProfileInput } from '@erp/shared';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { recordAudit } from '../audit/index.ts';
import { AppError } from '../platform/app-error.ts';
import type { PendingEvents } from '../realtime/pending-events.ts';
import { checkFolioAlerts } from '../sii/index.ts';
import { hasCafsOrDocuments, tenantProfileRow, updateTenantProfile } from './tenancy.queries.ts';
import type { Actor } from './users.service.ts';

type Profile = z.output<typeof TenantProfile>;
type ProfileInput = z.output<typeof TenantProfileInput>;

/** The company's data as its documents show it, its SII resolution and its settings. */
export async function getTenantProfile(em: EntityManager): Promise<Profile> {
  const row = await tenantProfileRow(em);
  if (!row) throw AppError.notFound('la empresa');
  return { ...row, settings: readTenantSettings(row.settings) };
}

/**
 * Saves the company's data and settings; audited with the names of the fields that changed.
 * The RUT is fixed once CAFs are loaded or documents issued: both belong to the RUT they name.
 * A new low-folio threshold is compared with the folios left in the same transaction: raised
 * above a type's count, it alerts now; lowered under it, the type may alert again later.
 */
export async function saveTenantProfile(
  em: EntityManager,
  input: ProfileInput,
  actor: Actor,
  events: PendingEvents,
): Promise<Profile> {
  const before = await getTenantProfile(em);
  if (input.rut !== before.rut) {
    if (await hasCafsOrDocuments(em)) {
      throw AppError.validation(
        undefined,
        'No se puede cambiar el RUT: la empresa ya tiene CAF cargados o documentos emitidos con el actual.',
      );
    }
  }
  await updateTenantProfile(em, input);
  const after = await getTenantProfile(em);
  const changed = (Object.keys(after) as (keyof Profile)[]).filter(
    (key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]),
  );
  if (after.settings.lowFolioThreshold !== before.settings.lowFolioThreshold) {
    await checkFolioAlerts(em, events);
  }
  if (changed.length) {
    await recordAudit(em, actor, null, [{ kind: 'settings_change', details: { changed } }], events);
  }
  return after;
}
