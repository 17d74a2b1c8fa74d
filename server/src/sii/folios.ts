import { randomUUID } from 'node:crypto';
import { type Caf, cafExpiresOn, DteError, parseCaf } from '@erp/sii-core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../platform/app-error.ts';
import type { SecretBox } from '../platform/secrets.ts';
import type { SqlExecutor } from '../platform/sql-session.ts';
import type { PendingEvents } from '../realtime/pending-events.ts';
import {
  CAFS_WITH_FOLIOS,
  cafSecrets,
  carveFolioRange,
  insertCaf,
  overlapsStoredCaf,
  TAKE_FOLIO,
  type TakenFolioRow,
} from './caf.queries.ts';
import { checkFolioAlerts } from './folio-alert.ts';

export interface TakenFolio {
  folio: number;
  cafId: string;
  /** Folios of this type still available after this one, across all CAFs. */
  remaining: number;
  /** This folio took the type under the tenant's low-folio threshold: announce it (once). */
  crossed: boolean;
}

/**
 * Takes the next folio of a document type: one UPDATE on the counter row of the oldest CAF that
 * still has folios, so concurrent sales queue on the row lock and a rollback gives the number
 * back (gap-free, never duplicated). Call it as late as possible in the transaction: the lock is
 * held until commit. The same statement records the type's low-folio crossing (`TAKE_FOLIO`).
 * Throws NO_FOLIOS when no CAF in force has folios left.
 */
export async function takeFolio(em: SqlExecutor, docType: number): Promise<TakenFolio> {
  // A CAF may run out between choosing it and locking it; then the next one is chosen.
  for (let attempt = 0; attempt < 3; attempt++) {
    const [row] = await em.execute<TakenFolioRow[]>(TAKE_FOLIO, [docType]);
    if (row) {
      return { folio: row.folio, cafId: row.id, remaining: Number(row.remaining), crossed: row.crossed };
    }
    const [available] = await em.execute<{ n: number }[]>(CAFS_WITH_FOLIOS, [docType]);
    if (!available?.n) break;
  }
  throw new AppError(
    'NO_FOLIOS',
    `No quedan folios autorizados para documentos tipo ${docType}. Cargue un nuevo CAF.`,
  );
}

/** Parses a CAF file someone handed in: what is wrong with it is a CAF_INVALID with its reason. */
export function parseUploadedCaf(xml: Uint8Array | string): Caf {
  try {
    return parseCaf(xml);
  } catch (error) {
    if (error instanceof DteError) throw new AppError('CAF_INVALID', error.message);
    throw error;
  }
}

/**
 * Stores a CAF for the current tenant after checking it is the tenant's, parses, and does not
 * overlap a stored range. The private key is sealed with the tenant id bound in. New folios may
 * lift a type above the low-folio threshold (or, a first small CAF, start under it): the alert
 * state is checked in the same transaction and a crossing goes into `events`.
 */
export async function storeCaf(
  em: EntityManager,
  box: SecretBox,
  tenant: { id: string; rut: string },
  xml: Uint8Array | string,
  events: PendingEvents,
): Promise<{ id: string; type: number; from: number; to: number }> {
  const caf = parseUploadedCaf(xml);
  if (caf.issuerRut !== tenant.rut) {
    throw new AppError(
      'CAF_INVALID',
      `El CAF es del RUT ${caf.issuerRut}, no del RUT de la empresa (${tenant.rut}).`,
    );
  }
  if (await overlapsStoredCaf(em, caf.type, caf.from, caf.to)) {
    throw new AppError('CAF_INVALID', 'Ese rango de folios ya está cargado.');
  }
  const rsask = caf.privateKey.export({ format: 'pem', type: 'pkcs1' }).toString();
  const id = randomUUID();
  await insertCaf(em, {
    id,
    docType: caf.type,
    from: caf.from,
    to: caf.to,
    idk: caf.idk,
    authorizedOn: caf.authorizedOn,
    expiresOn: cafExpiresOn(caf),
    cafXml: caf.cafXml,
    privateKeySealed: box.seal(rsask, tenant.id),
  });
  await checkFolioAlerts(em, events);
  return { id, type: caf.type, from: caf.from, to: caf.to };
}

/** Parsed CAFs by id: parsing and key import happen once per process, not per sale. */
const parsedCafs = new Map<string, Caf>();

export async function loadCaf(
  em: SqlExecutor,
  box: SecretBox,
  tenantId: string,
  cafId: string,
): Promise<Caf> {
  const cached = parsedCafs.get(cafId);
  if (cached) return cached;
  const row = await cafSecrets(em, cafId);
  if (!row) throw AppError.notFound('el CAF');
  const rsask = box.open(row.private_key_sealed, tenantId).toString();
  const caf = parseCaf(`<AUTORIZACION>${row.caf_xml}<RSASK>${rsask}</RSASK></AUTORIZACION>`);
  parsedCafs.set(cafId, caf);
  return caf;
}

/** A range of folios carved for a store hub's lease, inside one CAF. */
export interface CarvedRange {
  cafId: string;
  from: number;
  to: number;
}

/**
 * Takes up to `size` folios of a type for a lease, in the caller's transaction, from the counter
 * online sales use (so neither ever takes the other's folios); shorter when the CAF ends first,
 * null when no CAF in force has folios left. Fewer folios left may cross the low-folio threshold:
 * checked in the same transaction, a crossing goes into `events`.
 */
export async function carveLeaseRange(
  em: SqlExecutor,
  docType: number,
  size: number,
  events: PendingEvents,
): Promise<CarvedRange | null> {
  const row = await carveFolioRange(em, docType, size);
  if (!row) return null;
  await checkFolioAlerts(em, events);
  return { cafId: row.id, from: row.folio_from, to: row.folio_to };
}

/** A CAF's authorization element and its private key (PKCS#1 PEM), opened for sealing to a hub. */
export async function cafKeyMaterial(
  em: SqlExecutor,
  box: SecretBox,
  tenantId: string,
  cafId: string,
): Promise<{ cafXml: string; privateKeyPem: string }> {
  const row = await cafSecrets(em, cafId);
  if (!row) throw AppError.notFound('el CAF');
  return { cafXml: row.caf_xml, privateKeyPem: box.open(row.private_key_sealed, tenantId).toString() };
}
