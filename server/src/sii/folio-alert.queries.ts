/**
 * SQL of the low-folio alert's state (`folio_alert`): the folios left per document type, and the
 * evaluation that writes, per type, the threshold and whether the count is under it. The folio
 * take flips the state in its own statement (`TAKE_FOLIO`).
 */
import type { FolioState } from '@erp/shared';
import type { z } from 'zod';
import type { SqlExecutor } from '../platform/sql-session.ts';

/**
 * Folios left per document type in CAFs in force, and its CAFs in any state (mirrors
 * `TAKE_FOLIO`'s counts).
 */
const FOLIOS_LEFT = `select doc_type,
            coalesce(sum(folio_to - next_folio + 1)
                     filter (where next_folio <= folio_to and (expires_on is null or expires_on >= current_date)), 0)::int
              as remaining,
            count(*)::int as cafs
       from caf group by doc_type`;

export interface FolioAlertChange {
  docType: number;
  remaining: number;
  /** This statement flipped the type under the threshold: the one alert of this crossing. */
  crossed: boolean;
  /** This statement lifted a low type above the threshold (or recorded a new type above it). */
  lifted: boolean;
}

/**
 * Writes, for every document type with CAFs, the threshold (`?`) and whether its folios left
 * are under it; returns the types whose row changed. A row keeps its `changed_at` while its state
 * holds, so `changed_at = now()` names a flip (either way) made by this transaction, checked on
 * the locked latest row: a flip a concurrent folio take made is not announced twice.
 */
export function evaluateFolioAlerts(em: SqlExecutor, threshold: number): Promise<FolioAlertChange[]> {
  return em.execute<FolioAlertChange[]>(
    `with left_now as (${FOLIOS_LEFT})
     insert into folio_alert as a (tenant_id, doc_type, threshold, cafs, below, changed_at)
     select current_tenant_id(), l.doc_type, ?, l.cafs, l.remaining < ?, now() from left_now l
     on conflict (tenant_id, doc_type) do update
       set threshold = excluded.threshold, cafs = excluded.cafs, below = excluded.below,
           changed_at = case when a.below = excluded.below then a.changed_at else now() end
     where a.threshold <> excluded.threshold or a.cafs <> excluded.cafs or a.below <> excluded.below
     returning a.doc_type as "docType",
       (select l.remaining from left_now l where l.doc_type = a.doc_type) as remaining,
       a.below and a.changed_at = now() as crossed, not a.below and a.changed_at = now() as lifted`,
    [threshold, threshold],
  );
}

/**
 * The folios left and the low-folio alert's state per document type, by type. A type without a
 * recorded state (its CAFs predate the check) is not low until checked.
 */
export function folioStates(em: SqlExecutor): Promise<z.infer<typeof FolioState>[]> {
  return em.execute<z.infer<typeof FolioState>[]>(
    `select l.doc_type as "docType", l.remaining, coalesce(a.below, false) as low
       from (${FOLIOS_LEFT}) l left join folio_alert a on a.doc_type = l.doc_type
      order by l.doc_type`,
  );
}

/**
 * Tenants whose low-folio state may be out of date (a type with no state yet, or a CAF expired
 * under a type not below), across tenants: a SECURITY DEFINER lookup, run before any tenant is set.
 */
export async function staleFolioAlertTenants(em: SqlExecutor): Promise<string[]> {
  const rows = await em.execute<{ id: string }[]>('select folio_alert_stale_tenants() as id');
  return rows.map((row) => row.id);
}
