/**
 * SQL of the CAFs (`caf`) and of the tenant data the SII steps read: statement text, row types
 * and their mapping to the contract's views.
 */
import type { CafView } from '@erp/shared';
import type { z } from 'zod';
import type { SqlExecutor } from '../platform/sql-session.ts';

/**
 * Takes the next folio of a type (`?` = doc type) from the oldest CAF in force that has one:
 * one UPDATE on its counter row, returning the folio, the CAF and the folios left of the type.
 * In the same statement the type's low-folio alert flips to `below` if this folio took the count
 * under the threshold stored with it (`folio_alert`): `crossed` is true for exactly one take per
 * crossing, also with several server processes, since the flip re-checks `not below` on the
 * locked row. The row's `cafs` must match the CAFs this statement sees: a take that began before
 * a CAF upload committed counts without the new folios and must not undo the refill's check.
 * Above the threshold it costs one primary-key lookup.
 * On the sale's hot path: a named prepared statement, so its text stays exactly as it is.
 */
export const TAKE_FOLIO = `with taken as (
        update caf set next_folio = next_folio + 1
         where id = (select id from caf
                      where doc_type = ? and next_folio <= folio_to and (expires_on is null or expires_on >= current_date)
                      order by folio_from limit 1)
           and next_folio <= folio_to
        returning next_folio - 1 as folio, id, doc_type, folio_to - next_folio + 1 as left_here
      ), counted as (
        select t.folio, t.id, t.doc_type, count(c.id) + 1 as cafs,
               t.left_here + coalesce(sum(c.folio_to - c.next_folio + 1)
                 filter (where c.next_folio <= c.folio_to and (c.expires_on is null or c.expires_on >= current_date)), 0)
                 as remaining
          from taken t left join caf c on c.doc_type = t.doc_type and c.id <> t.id
         group by t.folio, t.id, t.doc_type, t.left_here
      ), crossed as (
        update folio_alert a set below = true, changed_at = now()
          from counted t
         where a.tenant_id = current_tenant_id() and a.doc_type = t.doc_type
           and not a.below and t.remaining < a.threshold and a.cafs = t.cafs
        returning a.doc_type
      )
      select t.folio, t.id, t.remaining, exists (select 1 from crossed) as crossed from counted t`;

export interface TakenFolioRow {
  folio: number;
  id: string;
  remaining: string;
  crossed: boolean;
}

/** How many CAFs in force of a type (`?`) still have folios. */
export const CAFS_WITH_FOLIOS = `select count(*)::int as n from caf where doc_type = ? and next_folio <= folio_to
          and (expires_on is null or expires_on >= current_date)`;

/** Whether a stored CAF of the type shares a folio with the range. */
export async function overlapsStoredCaf(
  em: SqlExecutor,
  docType: number,
  from: number,
  to: number,
): Promise<boolean> {
  const [overlap] = await em.execute<{ n: number }[]>(
    `select count(*)::int as n from caf where doc_type = ? and int4range(folio_from, folio_to, '[]') && int4range(?, ?, '[]')`,
    [docType, from, to],
  );
  return Boolean(overlap?.n);
}

export interface NewCaf {
  id: string;
  docType: number;
  from: number;
  to: number;
  idk: number;
  authorizedOn: string;
  expiresOn: string | null;
  cafXml: string;
  privateKeySealed: string;
}

/** Stores a CAF for the current tenant, its first folio next. */
export async function insertCaf(em: SqlExecutor, caf: NewCaf): Promise<void> {
  await em.execute(
    `insert into caf (id, tenant_id, doc_type, folio_from, folio_to, next_folio, idk, authorized_on, expires_on, caf_xml, private_key_sealed)
     values (?, current_tenant_id(), ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      caf.id,
      caf.docType,
      caf.from,
      caf.to,
      caf.from,
      caf.idk,
      caf.authorizedOn,
      caf.expiresOn,
      caf.cafXml,
      caf.privateKeySealed,
    ],
  );
}

/** A stored CAF's authorization XML and its sealed private key. */
export async function cafSecrets(
  em: SqlExecutor,
  cafId: string,
): Promise<{ caf_xml: string; private_key_sealed: string } | undefined> {
  const [row] = await em.execute<{ caf_xml: string; private_key_sealed: string }[]>(
    'select caf_xml, private_key_sealed from caf where id = ?',
    [cafId],
  );
  return row;
}

/** The stored CAFs with the folios each has left, by type and range (`caf:list`). */
export async function listCafs(em: SqlExecutor): Promise<z.infer<typeof CafView>[]> {
  const rows = await em.execute<
    {
      id: string;
      doc_type: number;
      folio_from: number;
      folio_to: number;
      next_folio: number;
      authorized_on: Date;
      expires_on: Date | null;
    }[]
  >(
    'select id, doc_type, folio_from, folio_to, next_folio, authorized_on, expires_on from caf order by doc_type, folio_from',
    [],
  );
  return rows.map((r) => ({
    id: r.id,
    docType: r.doc_type,
    from: r.folio_from,
    to: r.folio_to,
    nextFolio: r.next_folio,
    remaining: r.folio_to - r.next_folio + 1,
    authorizedOn: isoDay(r.authorized_on),
    expiresOn: r.expires_on ? isoDay(r.expires_on) : null,
  }));
}

/** The current tenant's RUT and the SII environment it sends to. */
export async function tenantSiiIdentity(
  em: SqlExecutor,
): Promise<{ rut: string; siiEnvironment: 'certification' | 'production' }> {
  const [tenant] = await em.execute<{ rut: string; sii_environment: 'certification' | 'production' }[]>(
    'select rut, sii_environment from tenant',
    [],
  );
  return { rut: tenant!.rut, siiEnvironment: tenant!.sii_environment };
}

/** The current tenant's RUT. */
export async function tenantRut(em: SqlExecutor): Promise<string> {
  const [tenant] = await em.execute<{ rut: string }[]>('select rut from tenant', []);
  return tenant!.rut;
}

/** The current tenant's slug (its Socket.IO namespace). */
export async function tenantSlug(em: SqlExecutor): Promise<string> {
  const [row] = await em.execute<{ slug: string }[]>('select slug from tenant', []);
  return row!.slug;
}

/** The id of the tenant with a slug, if any (a SECURITY DEFINER lookup: no tenant is set yet). */
export async function tenantIdBySlug(em: SqlExecutor, slug: string): Promise<string | undefined> {
  const [row] = await em.execute<{ id: string | null }[]>('select tenant_id_by_slug(?) as id', [slug]);
  return row?.id ?? undefined;
}

function isoDay(date: Date | string): string {
  return typeof date === 'string' ? date.slice(0, 10) : date.toISOString().slice(0, 10);
}

export interface CarvedRangeRow {
  id: string;
  folio_from: number;
  folio_to: number;
}

/**
 * Carves up to `?` folios of a type (`?`) for a lease out of the oldest CAF in force that has
 * some: the same counter row online sales take folios from moves past the range in one UPDATE,
 * so no online sale ever takes a leased folio, and a lease never crosses a CAF's end (it may be
 * shorter than asked). The old counter is read under the row lock the UPDATE takes.
 */
export async function carveFolioRange(
  em: SqlExecutor,
  docType: number,
  size: number,
): Promise<CarvedRangeRow | undefined> {
  const [row] = await em.execute<CarvedRangeRow[]>(
    `with chosen as (
       select id, next_folio as old from caf
        where id = (select id from caf
                     where doc_type = ? and next_folio <= folio_to and (expires_on is null or expires_on >= current_date)
                     order by folio_from limit 1)
          and next_folio <= folio_to
        for update)
     update caf c set next_folio = least(c.next_folio + ?, c.folio_to + 1)
       from chosen where c.id = chosen.id
     returning c.id, chosen.old as folio_from, c.next_folio - 1 as folio_to`,
    [docType, size],
  );
  return row;
}
