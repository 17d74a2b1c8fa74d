/**
 * SQL of the pipeline's steps after signing: envelopes (`dte_envelope`) built from signed
 * documents, their upload and status outcome, and the documents they hold. Each function runs in
 * the caller's tenant transaction; the document state changes themselves are `transition` in
 * `dte.queries.ts`.
 */

import type { DteState } from '@erp/shared';
import type { SignedDte } from '@erp/sii-core';
import type { SqlExecutor } from '../platform/sql-session.ts';
import type { EnvioDocument } from './sii-client/types.ts';

/** What signing keeps of a DTE besides its XML, for the envelope and the status queries. */
export type SignedMeta = Omit<SignedDte, 'xml'> & { receiverRut: string };

/**
 * Up to `limit` signed documents of the types, oldest first, locked for this transaction;
 * documents another worker holds are skipped.
 */
export function claimSignedDocuments(em: SqlExecutor, types: readonly number[], limit: number) {
  return em.execute<{ id: string; signed_xml: string; signed_meta: SignedMeta }[]>(
    `select id, signed_xml, signed_meta from dte_document
          where state = 'signed' and doc_type = any(?::smallint[])
          order by created_at, id limit ? for update skip locked`,
    [`{${types.join(',')}}`, limit],
  );
}

/** Stores a built envelope and puts the documents in it. */
export async function insertEnvelope(
  em: SqlExecutor,
  envelope: { id: string; kind: string; xml: Buffer; documentIds: readonly string[] },
): Promise<void> {
  await em.execute(
    `insert into dte_envelope (id, tenant_id, kind, xml, document_count) values (?, current_tenant_id(), ?, ?, ?)`,
    [envelope.id, envelope.kind, envelope.xml, envelope.documentIds.length],
  );
  await em.execute('update dte_document set envelope_id = ? where id = any(?::uuid[])', [
    envelope.id,
    `{${envelope.documentIds.join(',')}}`,
  ]);
}

export interface EnvelopeRow {
  kind: 'EnvioDTE' | 'EnvioBOLETA';
  state: string;
  track_id: string | null;
  /** When the SII gave the track id, in milliseconds since the epoch. */
  uploaded_ms: number | null;
  /**
   * Set while an upload may have reached the SII without a definite answer: the last moment a
   * request may still reach it (see `startUploadAttempt`), in milliseconds since the epoch.
   */
  upload_outcome_unknown_ms: number | null;
  /** Upload requests made so far; also the version `startUploadAttempt` checks. */
  upload_attempts: number;
  /** Only when asked for: the bytes are up to a few megabytes and only the upload needs them. */
  xml: Buffer | null;
}

export async function envelopeById(
  em: SqlExecutor,
  envelopeId: string,
  withXml: boolean,
): Promise<EnvelopeRow | undefined> {
  const [row] = await em.execute<EnvelopeRow[]>(
    `select kind, state, track_id, upload_attempts, ${withXml ? 'xml' : 'null as xml'},
            (extract(epoch from uploaded_at) * 1000)::float8 as uploaded_ms,
            (extract(epoch from upload_outcome_unknown_at) * 1000)::float8 as upload_outcome_unknown_ms
       from dte_envelope where id = ?`,
    [envelopeId],
  );
  return row;
}

/**
 * Marks an upload request as about to be made: counted, and its outcome unknown until an answer
 * says otherwise, the request possibly in flight for `inFlightMs` more. Set before the request,
 * so a worker killed mid-upload leaves it set too. Only when no other attempt started since the
 * envelope was read with `seenAttempts` (a job may run twice at once after Redis lost it): false
 * when another did, and this one must not send.
 */
export async function startUploadAttempt(
  em: SqlExecutor,
  envelopeId: string,
  seenAttempts: number,
  inFlightMs: number,
): Promise<boolean> {
  const rows = await em.execute<{ id: string }[]>(
    `update dte_envelope
        set upload_attempts = upload_attempts + 1,
            upload_outcome_unknown_at = now() + ? * interval '1 millisecond'
      where id = ? and state = 'built' and upload_attempts = ?
      returning id`,
    [inFlightMs, envelopeId, seenAttempts],
  );
  return rows.length === 1;
}

/**
 * Keeps the SII's (or the network's) last answer on an envelope that stays built: either a
 * definite "not taken" (the outcome is known again) or one that leaves the outcome unknown (from
 * now: the SII's processing time counts from the last request that may have reached it).
 */
export async function noteUploadAnswer(
  em: SqlExecutor,
  envelopeId: string,
  response: string,
  outcome: 'not-taken' | 'unknown',
) {
  await em.execute(
    `update dte_envelope
        set last_response = ?, upload_outcome_unknown_at = case when ? then now() end
      where id = ?`,
    [response, outcome === 'unknown', envelopeId],
  );
}

/** The SII refused the envelope as a whole: it is finished, never to be uploaded again. */
export async function refuseEnvelope(em: SqlExecutor, envelopeId: string, response: string) {
  await em.execute(
    `update dte_envelope set state = 'refused', last_response = ?, finished_at = now(), upload_outcome_unknown_at = null
      where id = ?`,
    [response, envelopeId],
  );
}

/** The SII took a built envelope under a track id. */
export async function markEnvelopeUploaded(
  em: SqlExecutor,
  envelopeId: string,
  uploaded: { trackId: string; raw: string },
) {
  await em.execute(
    `update dte_envelope set state = 'uploaded', track_id = ?, uploaded_at = now(), last_response = ?,
            upload_outcome_unknown_at = null
      where id = ? and state = 'built'`,
    [uploaded.trackId, uploaded.raw, envelopeId],
  );
}

/**
 * The SII's final answer on the envelope's documents came in: from the envío's status, or from
 * asking for each document when the upload's own answer was lost.
 */
export async function finishEnvelope(em: SqlExecutor, envelopeId: string, response: string) {
  await em.execute(
    // An envelope abandoned meanwhile (the back office's retry) stays refused.
    `update dte_envelope set state = 'done', finished_at = now(), last_response = ?
      where id = ? and state in ('built', 'uploaded')`,
    [response, envelopeId],
  );
}

/** The ids of every document in an envelope. */
export async function envelopeDocumentIds(em: SqlExecutor, envelopeId: string): Promise<string[]> {
  const rows = await em.execute<{ id: string }[]>('select id from dte_document where envelope_id = ?', [
    envelopeId,
  ]);
  return rows.map(({ id }) => id);
}

/** A document of an envelope, with what the status services need of it. */
export interface EnvelopeDocument {
  id: string;
  doc_type: number;
  folio: number;
  total: string;
  state: DteState;
  sii_detail: string | null;
  signed_meta: SignedMeta;
}

/** The documents of an envelope as the status services need them. */
export function documentsOfEnvelope(em: SqlExecutor, envelopeId: string) {
  return em.execute<EnvelopeDocument[]>(
    'select id, doc_type, folio, total, state, sii_detail, signed_meta from dte_document where envelope_id = ?',
    [envelopeId],
  );
}

/** What the SII's status services are asked about a document: its folio and signed data. */
export function envioDocument(d: EnvelopeDocument): EnvioDocument {
  return {
    type: d.doc_type,
    folio: d.folio,
    total: Number(d.total),
    receiverRut: d.signed_meta.receiverRut,
    issueDate: d.signed_meta.issueDate,
  };
}

/** The envelope's valid documents (accepted, or accepted with objections) that have no PDF yet. */
export async function documentsWithoutPdf(em: SqlExecutor, envelopeId: string): Promise<string[]> {
  const rows = await em.execute<{ id: string }[]>(
    `select d.id from dte_document d where d.envelope_id = ? and d.state in ('accepted', 'objected')
          and not exists (select 1 from dte_pdf p where p.document_id = d.id)`,
    [envelopeId],
  );
  return rows.map(({ id }) => id);
}
