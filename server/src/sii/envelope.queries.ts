/**
 * SQL of the pipeline's steps after signing: envelopes (`dte_envelope`) built from signed
 * documents, their upload and status outcome, and the documents they hold. Each function runs in
 * the caller's tenant transaction; the document state changes themselves are `transition` in
 * `dte.queries.ts`.
 */
import type { SignedDte } from '@erp/sii-core';
import type { SqlExecutor } from '../platform/sql-session.ts';

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
  /** Only when asked for: the bytes are up to a few megabytes and only the upload needs them. */
  xml: Buffer | null;
}

export async function envelopeById(
  em: SqlExecutor,
  envelopeId: string,
  withXml: boolean,
): Promise<EnvelopeRow | undefined> {
  const [row] = await em.execute<EnvelopeRow[]>(
    `select kind, state, track_id, ${withXml ? 'xml' : 'null as xml'} from dte_envelope where id = ?`,
    [envelopeId],
  );
  return row;
}

/** Keeps the SII's (or the network's) last answer on an envelope that stays as it is. */
export async function noteEnvelopeResponse(em: SqlExecutor, envelopeId: string, response: string) {
  await em.execute('update dte_envelope set last_response = ? where id = ?', [response, envelopeId]);
}

/** The SII refused the envelope as a whole: it is finished, never to be uploaded again. */
export async function refuseEnvelope(em: SqlExecutor, envelopeId: string, response: string) {
  await em.execute(
    `update dte_envelope set state = 'refused', last_response = ?, finished_at = now() where id = ?`,
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
    `update dte_envelope set state = 'uploaded', track_id = ?, uploaded_at = now(), last_response = ? where id = ? and state = 'built'`,
    [uploaded.trackId, uploaded.raw, envelopeId],
  );
}

/** The SII's final answer on the envelope's documents came in. */
export async function finishEnvelope(em: SqlExecutor, envelopeId: string, response: string) {
  await em.execute(
    `update dte_envelope set state = 'done', finished_at = now(), last_response = ? where id = ?`,
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

/** The documents of an envelope as the status services need them. */
export function documentsOfEnvelope(em: SqlExecutor, envelopeId: string) {
  return em.execute<
    {
      id: string;
      doc_type: number;
      folio: number;
      total: string;
      issued_at: Date;
      signed_meta: SignedMeta;
    }[]
  >('select id, doc_type, folio, total, issued_at, signed_meta from dte_document where envelope_id = ?', [
    envelopeId,
  ]);
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
