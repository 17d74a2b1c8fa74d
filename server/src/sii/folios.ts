import { randomUUID } from 'node:crypto';
import { type Caf, cafExpiresOn, DteError, parseCaf } from '@erp/sii-core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../platform/app-error.ts';
import type { SecretBox } from '../platform/secrets.ts';
import type { SqlExecutor } from '../platform/sql-session.ts';

export interface TakenFolio {
  folio: number;
  cafId: string;
  /** Folios of this type still available after this one, across all CAFs. */
  remaining: number;
}

/**
 * Takes the next folio of a document type: one UPDATE on the counter row of the oldest CAF that
 * still has folios, so concurrent sales queue on the row lock and a rollback gives the number
 * back (gap-free, never duplicated). Call it as late as possible in the transaction: the lock is
 * held until commit. Throws NO_FOLIOS when no CAF in force has folios left.
 */
export async function takeFolio(em: SqlExecutor, docType: number): Promise<TakenFolio> {
  // A CAF may run out between choosing it and locking it; then the next one is chosen.
  for (let attempt = 0; attempt < 3; attempt++) {
    const [row] = await em.execute<{ folio: number; id: string; remaining: string }[]>(
      `update caf set next_folio = next_folio + 1
        where id = (select id from caf
                     where doc_type = ? and next_folio <= folio_to and (expires_on is null or expires_on >= current_date)
                     order by folio_from limit 1)
          and next_folio <= folio_to
        returning next_folio - 1 as folio, id,
          (select coalesce(sum(c.folio_to - c.next_folio + 1), 0) from caf c
            where c.doc_type = caf.doc_type and c.id <> caf.id and c.next_folio <= c.folio_to
              and (c.expires_on is null or c.expires_on >= current_date)) + (folio_to - next_folio + 1) as remaining`,
      [docType],
    );
    if (row) return { folio: row.folio, cafId: row.id, remaining: Number(row.remaining) };
    const [available] = await em.execute<{ n: number }[]>(
      `select count(*)::int as n from caf where doc_type = ? and next_folio <= folio_to
          and (expires_on is null or expires_on >= current_date)`,
      [docType],
    );
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
 * overlap a stored range. The private key is sealed with the tenant id bound in.
 */
export async function storeCaf(
  em: EntityManager,
  box: SecretBox,
  tenant: { id: string; rut: string },
  xml: Uint8Array | string,
): Promise<{ id: string; type: number; from: number; to: number }> {
  const caf = parseUploadedCaf(xml);
  if (caf.issuerRut !== tenant.rut) {
    throw new AppError(
      'CAF_INVALID',
      `El CAF es del RUT ${caf.issuerRut}, no del RUT de la empresa (${tenant.rut}).`,
    );
  }
  const [overlap] = await em.execute<{ n: number }[]>(
    `select count(*)::int as n from caf where doc_type = ? and int4range(folio_from, folio_to, '[]') && int4range(?, ?, '[]')`,
    [caf.type, caf.from, caf.to],
  );
  if (overlap?.n) throw new AppError('CAF_INVALID', 'Ese rango de folios ya está cargado.');
  const rsask = caf.privateKey.export({ format: 'pem', type: 'pkcs1' }).toString();
  const id = randomUUID();
  await em.execute(
    `insert into caf (id, tenant_id, doc_type, folio_from, folio_to, next_folio, idk, authorized_on, expires_on, caf_xml, private_key_sealed)
     values (?, current_tenant_id(), ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      id,
      caf.type,
      caf.from,
      caf.to,
      caf.from,
      caf.idk,
      caf.authorizedOn,
      cafExpiresOn(caf),
      caf.cafXml,
      box.seal(rsask, tenant.id),
    ],
  );
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
  const [row] = await em.execute<{ caf_xml: string; private_key_sealed: string }[]>(
    'select caf_xml, private_key_sealed from caf where id = ?',
    [cafId],
  );
  if (!row) throw AppError.notFound('el CAF');
  const rsask = box.open(row.private_key_sealed, tenantId).toString();
  const caf = parseCaf(`<AUTORIZACION>${row.caf_xml}<RSASK>${rsask}</RSASK></AUTORIZACION>`);
  parsedCafs.set(cafId, caf);
  return caf;
}
