/**
 * SQL of the SII documents (`dte_document`, `dte_event`, `dte_envelope`, `dte_pdf`): statement
 * text, row types and their mapping to the contract's views. Handlers, routes and jobs call these
 * functions; none of them writes SQL itself. The pipeline's envelope steps are in
 * `envelope.queries.ts`.
 */
import type { DteEventView, DteListQuery, DteState, DteStatusChange, DteView } from '@erp/shared';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { AppError } from '../platform/app-error.ts';
import { camelView } from '../platform/rows.ts';
import type { SqlExecutor } from '../platform/sql-session.ts';
import type { SignedMeta } from './envelope.queries.ts';

type DteViewData = z.infer<typeof DteView>;

/** The `dte_document` columns of a `DteView`. */
interface DteViewRow {
  id: string;
  sale_id: string;
  doc_type: number;
  folio: number;
  issued_at: Date;
  total: string;
  state: DteState;
  track_id: string | null;
  sii_detail: string | null;
  updated_at: Date;
  offline_synced_at: Date | null;
  sent_at: Date | null;
  mails: DteViewData['mails'];
}

/**
 * With when a store node synchronised it (issued offline), when its envelope reached the SII, and
 * the document's e-mails to its buyer (few: one per address), as the view has them.
 */
const DTE_VIEW_COLUMNS = `id, sale_id, doc_type, folio, issued_at, total, state, track_id, sii_detail, updated_at,
  (select o.synced_at from offline_sale o where o.sale_id = dte_document.sale_id) as offline_synced_at,
  (select e.uploaded_at from dte_envelope e where e.id = dte_document.envelope_id) as sent_at,
  (select coalesce(jsonb_agg(jsonb_build_object('address', m.address, 'state', m.state,
            'attempts', m.attempts, 'lastError', m.last_error,
            'sentAt', to_char(m.sent_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
          order by m.address), '[]'::jsonb)
     from dte_mail m where m.document_id = dte_document.id) as mails`;

function toDteView(r: DteViewRow): DteViewData {
  return camelView(r, {
    numbers: ['total'],
    dates: ['issued_at', 'updated_at', 'offline_synced_at', 'sent_at'],
  });
}

/** A page of documents, newest first, filtered as the back office asks (`dte:list`). */
export async function listDocuments(
  em: SqlExecutor,
  q: z.infer<typeof DteListQuery>,
): Promise<{ total: number; items: DteViewData[] }> {
  const where = `(?::text[] is null or state = any(?::text[])) and (?::int is null or doc_type = ?)
        and (?::int is null or folio = ?) and (?::date is null or issued_at >= ?::date)
        and (?::date is null or issued_at < ?::date + 1)`;
  const filters = [
    ...twice(q.states ? `{${q.states.join(',')}}` : null),
    ...twice(q.docType ?? null),
    ...twice(q.folio ?? null),
    ...twice(q.from ?? null),
    ...twice(q.to ?? null),
  ];
  const rows = await em.execute<DteViewRow[]>(
    `select ${DTE_VIEW_COLUMNS}
           from dte_document where ${where} order by issued_at desc, id offset ? limit ?`,
    [...filters, q.offset, q.limit],
  );
  const [count] = await em.execute<{ n: number }[]>(
    `select count(*)::int as n from dte_document where ${where}`,
    filters,
  );
  return { total: count!.n, items: rows.map(toDteView) };
}

/** The document of a sale, or null while it is still in the outbox or the signing queue. */
export async function documentOfSale(em: SqlExecutor, saleId: string): Promise<DteViewData | null> {
  const [row] = await em.execute<DteViewRow[]>(
    `select ${DTE_VIEW_COLUMNS}
       from dte_document where sale_id = ?`,
    [saleId],
  );
  return row ? toDteView(row) : null;
}

/** Every step a document went through, oldest first, with the SII's raw answers. */
export async function documentHistory(
  em: SqlExecutor,
  documentId: string,
): Promise<z.infer<typeof DteEventView>[]> {
  const rows = await em.execute<
    { state: DteState; detail: string | null; raw_response: string | null; created_at: Date }[]
  >('select state, detail, raw_response, created_at from dte_event where document_id = ? order by id', [
    documentId,
  ]);
  return rows.map((r) => ({
    state: r.state,
    detail: r.detail,
    rawResponse: r.raw_response,
    at: new Date(r.created_at).toISOString(),
  }));
}

/** What `dte:retry` decides on: the document's state and, when enveloped, its envelope's. */
export interface RetryCandidate {
  state: DteState;
  sale_id: string;
  envelope_id: string | null;
  envelope_state: string | null;
  /** Built longer ago than `givenUpAfter`: its upload job has used up its retries. */
  envelope_given_up: boolean;
}

export async function retryCandidate(
  em: SqlExecutor,
  documentId: string,
  givenUpAfter: string,
): Promise<RetryCandidate | undefined> {
  const [doc] = await em.execute<RetryCandidate[]>(
    `select d.state, d.sale_id, d.envelope_id, e.state as envelope_state,
                coalesce(e.created_at < now() - ?::interval, false) as envelope_given_up
           from dte_document d left join dte_envelope e on e.id = d.envelope_id where d.id = ?`,
    [givenUpAfter, documentId],
  );
  return doc;
}

/**
 * Copies a sale's `sii.document` outbox row under a new key, so the relay queues a new sign job
 * (the first one stays in its queue as failed, and its job id would be ignored).
 */
export async function requeueSigning(em: SqlExecutor, saleId: string, key: string): Promise<void> {
  await em.execute(
    `insert into outbox (tenant_id, topic, key, payload)
           select tenant_id, topic, ?, payload from outbox where topic = 'sii.document' and key = ?`,
    [key, `sale-${saleId}`],
  );
}

/** Marks a built envelope as never to be uploaded again. */
export async function abandonEnvelope(em: SqlExecutor, envelopeId: string, reason: string): Promise<void> {
  await em.execute(
    `update dte_envelope set state = 'refused', last_response = ?, finished_at = now() where id = ? and state = 'built'`,
    [reason, envelopeId],
  );
}

/** The ids of the documents still waiting in an envelope. */
export async function envelopeMembers(em: SqlExecutor, envelopeId: string): Promise<string[]> {
  const rows = await em.execute<{ id: string }[]>(
    `select id from dte_document where envelope_id = ? and state = 'in_envelope'`,
    [envelopeId],
  );
  return rows.map((r) => r.id);
}

/**
 * Takes documents out of their envelope, dated an hour back so the worker's sweep (which only
 * picks up work left unfinished for a while) envelopes them anew on its next pass.
 */
export async function detachFromEnvelope(em: SqlExecutor, documentIds: readonly string[]): Promise<void> {
  await em.execute(
    `update dte_document set envelope_id = null, updated_at = now() - interval '1 hour' where id = any(?::uuid[])`,
    [`{${documentIds.join(',')}}`],
  );
}

/** A sale to sign, as the signing job finds it: its CAF, and its document when one exists. */
export interface SaleToSign {
  sale_id: string;
  caf_id: string;
  /** The document already created for the sale (a previous run, or a retry), if any. */
  id: string | null;
  state: DteState | null;
}

/** The sales (that exist) with their CAF and document, in one round trip. */
export function salesToSign(em: SqlExecutor, saleIds: readonly string[]): Promise<SaleToSign[]> {
  return em.execute<SaleToSign[]>(
    `select s.id as sale_id, s.caf_id, d.id, d.state
       from sale s left join dte_document d on d.sale_id = s.id
      where s.id = any(?::uuid[])`,
    [`{${saleIds.join(',')}}`],
  );
}

/** A signing outcome: the signed XML with its metadata, or the reason it failed for good. */
export type SigningOutcome = {
  id: string;
  saleId: string;
  type: number;
  folio: number;
  issuedAt: string;
  /** True when the document row does not exist yet. */
  fresh: boolean;
} & (
  | { state: 'signed'; xml: string; meta: SignedMeta; detail?: undefined }
  | { state: 'failed'; detail: string; xml?: undefined; meta?: undefined }
);

/**
 * Stores signing outcomes in one statement: a fresh document is created directly in its final
 * state with its XML (its history: `stamped` at the sale's time, then `signed` or `failed`), one
 * that exists in `stamped` (a retry) is moved there; others are left alone (a concurrent run did
 * it). One row version per document where creating it `stamped` and then updating it twice wrote
 * three. Returns the changes to announce after commit.
 */
export async function storeSigningOutcomes(
  em: SqlExecutor,
  outcomes: readonly SigningOutcome[],
): Promise<DteStatusChange[]> {
  if (outcomes.length === 0) return [];
  const rows = await em.execute<DteChangeRow[]>(
    `with input as (
       select * from jsonb_to_recordset(?::jsonb)
         as x(id uuid, "saleId" uuid, type smallint, folio integer, "issuedAt" timestamptz, fresh boolean,
              state text, detail text, xml text, meta jsonb)),
     created as (
       insert into dte_document
         (id, tenant_id, sale_id, doc_type, folio, issued_at, total, state, signed_xml, signed_meta, sii_detail)
       select i.id, current_tenant_id(), i."saleId", i.type, i.folio, i."issuedAt", s.total, i.state, i.xml,
              i.meta, i.detail
         from input i join sale s on s.id = i."saleId" where i.fresh
       on conflict do nothing
       returning id, sale_id, doc_type, folio, state, sii_detail, track_id, updated_at, issued_at),
     moved as (
       update dte_document d
          set state = i.state, updated_at = clock_timestamp(), signed_xml = coalesce(i.xml, d.signed_xml),
              signed_meta = coalesce(i.meta, d.signed_meta), sii_detail = coalesce(i.detail, d.sii_detail)
         from input i
        where not i.fresh and d.id = i.id and d.state = 'stamped'
        returning d.id, d.sale_id, d.doc_type, d.folio, d.state, d.sii_detail, d.track_id, d.updated_at),
     changed as (
       select id, sale_id, doc_type, folio, state, sii_detail, track_id, updated_at from created
       union all select * from moved),
     logged as (
       insert into dte_event (tenant_id, document_id, state, detail, created_at)
       select current_tenant_id(), e.id, e.state, e.detail, e.at from (
         select c.id, 'stamped' as state, null as detail, c.issued_at as at, 0 as step from created c
         union all
         select c.id, c.state, i.detail, now(), 1 from changed c join input i on i.id = c.id
       ) e order by e.id, e.step)
     select * from changed`,
    [JSON.stringify(outcomes)],
  );
  return rows.map(toStatusChange);
}

/** The PDF the worker stored for a document in a format, if any. */
export async function storedPdf(
  em: SqlExecutor,
  documentId: string,
  format: string,
): Promise<Buffer | undefined> {
  const [stored] = await em.execute<{ pdf: Buffer }[]>(
    'select pdf from dte_pdf where document_id = ? and format = ?',
    [documentId, format],
  );
  return stored?.pdf;
}

export interface StoredDocument {
  docType: number;
  folio: number;
  signedXml: string;
  /** The issuer's SII resolution (printed under the timbre) and SII office (the tenant's comuna). */
  resolution: { number: number; date: string };
  siiOffice: string;
}

/** The signed XML of a document of the current tenant (RLS), or NOT_FOUND. */
export async function signedDocument(em: SqlExecutor, documentId: string): Promise<StoredDocument> {
  const [row] = await em.execute<
    {
      doc_type: number;
      folio: number;
      signed_xml: string | null;
      resolution: StoredDocument['resolution'] | null;
      comuna: string;
    }[]
  >(
    `select d.doc_type, d.folio, d.signed_xml, d.signed_meta -> 'resolution' as resolution, t.comuna
       from dte_document d join tenant t on t.id = d.tenant_id where d.id = ?`,
    [documentId],
  );
  if (!row?.signed_xml || !row.resolution) throw AppError.notFound('el documento firmado');
  return {
    docType: row.doc_type,
    folio: row.folio,
    signedXml: row.signed_xml,
    resolution: row.resolution,
    siiOffice: row.comuna.toUpperCase(),
  };
}

/** Whether a PDF of the document is stored already, in any format. */
export async function hasStoredPdf(em: SqlExecutor, documentId: string): Promise<boolean> {
  const [done] = await em.execute('select 1 from dte_pdf where document_id = ?', [documentId]);
  return done !== undefined;
}

/** Stores a document's PDF once; a PDF stored meanwhile by another job stays. */
export async function savePdf(
  em: SqlExecutor,
  documentId: string,
  format: string,
  pdf: Buffer,
): Promise<void> {
  await em.execute(
    `insert into dte_pdf (document_id, tenant_id, format, pdf) values (?, current_tenant_id(), ?, ?)
       on conflict (document_id) do nothing`,
    [documentId, format, pdf],
  );
}

function twice<T>(value: T): [T, T] {
  return [value, value];
}

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
  const rows = await em.execute<DteChangeRow[]>(
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
  return rows.map(toStatusChange);
}

/** A document row as a state change announces it. */
interface DteChangeRow {
  id: string;
  sale_id: string;
  doc_type: number;
  folio: number;
  state: DteState;
  sii_detail: string | null;
  track_id: string | null;
  updated_at: Date;
}

function toStatusChange(r: DteChangeRow): DteStatusChange {
  return {
    documentId: r.id,
    saleId: r.sale_id,
    docType: r.doc_type,
    folio: r.folio,
    state: r.state,
    detail: r.sii_detail,
    trackId: r.track_id,
    at: new Date(r.updated_at).toISOString(),
  };
}
