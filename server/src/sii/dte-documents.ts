import type { DteState, DteStatusChange } from '@erp/shared';
import type { EntityManager } from '@mikro-orm/postgresql';

export interface Transition {
  id: string;
  state: DteState;
  detail?: string | null;
  raw?: string | null;
  trackId?: string | null;
  siiStatus?: string | null;
}

/**
 * Moves documents to new states in one statement and appends each step to `dte_event` with the
 * SII's raw answer; only documents still in `from` move (a re-run finds nothing to do). Returns
 * the changes to announce after commit.
 */
export async function transition(
  em: EntityManager,
  from: readonly DteState[],
  changes: readonly Transition[],
): Promise<DteStatusChange[]> {
  if (changes.length === 0) return [];
  const rows = await em.execute<
    {
      id: string;
      sale_id: string;
      doc_type: number;
      folio: number;
      state: DteState;
      sii_detail: string | null;
      track_id: string | null;
      updated_at: Date;
    }[]
  >(
    `with input as (
       select * from jsonb_to_recordset(?::jsonb)
         as x(id uuid, state text, detail text, raw text, "trackId" text, "siiStatus" text)),
     moved as (
       update dte_document d
          set state = i.state, updated_at = clock_timestamp(),
              sii_detail = coalesce(i.detail, d.sii_detail),
              track_id = coalesce(i."trackId", d.track_id),
              sii_status = coalesce(i."siiStatus", d.sii_status)
         from input i
        where d.id = i.id and d.state = any(?::text[])
        returning d.id, d.sale_id, d.doc_type, d.folio, d.state, d.sii_detail, d.track_id, d.updated_at),
     logged as (
       insert into dte_event (tenant_id, document_id, state, detail, raw_response)
       select current_tenant_id(), m.id, m.state, i.detail, i.raw from moved m join input i on i.id = m.id)
     select * from moved`,
    [JSON.stringify(changes), `{${from.join(',')}}`],
  );
  return rows.map((r) => ({
    documentId: r.id,
    saleId: r.sale_id,
    docType: r.doc_type,
    folio: r.folio,
    state: r.state,
    detail: r.sii_detail,
    trackId: r.track_id,
    at: new Date(r.updated_at).toISOString(),
  }));
}
