/**
 * SQL of the CAFs (`caf`) and of the tenant data the SII steps read: statement text, row types
 * and their mapping to the contract's views.
 */
import type { CafView } from '@erp/shared';
import type { z } from 'zod';
import type { SqlExecutor } from '../platform/sql-session.ts';

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

function isoDay(date: Date | string): string {
  return typeof date === 'string' ? date.slice(0, 10) : date.toISOString().slice(0, 10);
}
