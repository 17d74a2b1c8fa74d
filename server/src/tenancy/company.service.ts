import { readTenantSettings, type TenantProfile, type TenantProfileInput } from '@erp/shared';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { recordAudit } from '../audit/index.ts';
import { AppError } from '../platform/app-error.ts';
import type { PendingEvents } from '../realtime/pending-events.ts';
import type { Actor } from './users.service.ts';

type Profile = z.output<typeof TenantProfile>;
type ProfileInput = z.output<typeof TenantProfileInput>;

/** The company's data as its documents show it, its SII resolution and its settings. */
export async function getTenantProfile(em: EntityManager): Promise<Profile> {
  const [row] = await em.execute<(Omit<Profile, 'settings'> & { settings: unknown })[]>(
    `select slug, rut, razon_social as "razonSocial", giro, address, comuna, acteco,
            sii_resolution_number as "siiResolutionNumber",
            to_char(sii_resolution_date, 'YYYY-MM-DD') as "siiResolutionDate",
            sii_environment as "siiEnvironment", settings
       from tenant`,
  );
  if (!row) throw AppError.notFound('la empresa');
  return { ...row, settings: readTenantSettings(row.settings) };
}

/**
 * Saves the company's data and settings; audited with the names of the fields that changed.
 * The RUT is fixed once CAFs are loaded or documents issued: both belong to the RUT they name.
 */
export async function saveTenantProfile(
  em: EntityManager,
  input: ProfileInput,
  actor: Actor,
  events: PendingEvents,
): Promise<Profile> {
  const before = await getTenantProfile(em);
  if (input.rut !== before.rut) {
    const [used] = await em.execute<{ used: boolean }[]>(
      'select exists (select 1 from caf) or exists (select 1 from sale) as used',
    );
    if (used?.used) {
      throw AppError.validation(
        undefined,
        'No se puede cambiar el RUT: la empresa ya tiene CAF cargados o documentos emitidos con el actual.',
      );
    }
  }
  await em.execute(
    `update tenant set rut = ?, razon_social = ?, giro = ?, address = ?, comuna = ?, acteco = ?,
            sii_resolution_number = ?, sii_resolution_date = ?, sii_environment = ?, settings = ?::jsonb
      where id = current_tenant_id()`,
    [
      input.rut,
      input.razonSocial,
      input.giro,
      input.address,
      input.comuna,
      input.acteco,
      input.siiResolutionNumber,
      input.siiResolutionDate,
      input.siiEnvironment,
      JSON.stringify(input.settings),
    ],
  );
  const after = await getTenantProfile(em);
  const changed = (Object.keys(after) as (keyof Profile)[]).filter(
    (key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]),
  );
  if (changed.length) {
    await recordAudit(em, actor, null, [{ kind: 'settings_change', details: { changed } }], events);
  }
  return after;
}
