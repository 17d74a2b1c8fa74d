/**
 * Asking the SII what it holds instead of sending blindly
 * (docs/reliability.md#uploads-with-an-unknown-outcome). An upload whose answer never came may
 * have been taken: sending the envelope again would have the copy refused as repeated, and a
 * refusal of a copy must never be recorded as the document's rejection. So before a second upload
 * the documents are looked up one by one, and a rejection "por repetido" in an envío's status is
 * replaced by what the SII holds of the document. Every step is idempotent: the documents' states
 * say what is already settled, and only documents still waiting are asked about again.
 */
import type { DteState, DteStatusChange } from '@erp/shared';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DelayedError, type Job } from 'bullmq';
import { withTenant } from '../platform/orm.ts';
import { detachFromEnvelope, type Transition, transition } from './dte.queries.ts';
import {
  documentsOfEnvelope,
  type EnvelopeDocument,
  type EnvelopeRow,
  envioDocument,
  finishEnvelope,
} from './envelope.queries.ts';
import type { PipelineDeps } from './sii.jobs.ts';
import type { EnvelopeRefJob } from './sii.queues.ts';
import { type DocumentQuery, type DocumentResult, isRepeatedRejection } from './sii-client/status-codes.ts';
import type { SiiSession } from './sii-client/types.ts';

/** The back office's detail for a document whose fate is being asked of the SII. */
export const VERIFYING = 'Verificando con el SII…';

/** Per-document questions in flight at once: an envelope holds up to 500 documents. */
const QUESTIONS_AT_ONCE = 4;

/** Asks the SII about each document, a few at a time; the answers in the documents' order. */
async function askSii(
  deps: PipelineDeps,
  session: SiiSession,
  documents: readonly EnvelopeDocument[],
): Promise<DocumentQuery[]> {
  const answers: DocumentQuery[] = [];
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < documents.length; i = next++) {
      answers[i] = await deps.client.documentStatus(session, envioDocument(documents[i]!));
    }
  };
  await Promise.all(Array.from({ length: Math.min(QUESTIONS_AT_ONCE, documents.length) }, lane));
  return answers;
}

/** The document's outcome when the SII's answer gives its verdict; undefined when it does not. */
function verdictOf(id: string, answer: DocumentQuery): Transition | undefined {
  const { standing } = answer;
  if (standing !== 'accepted' && standing !== 'objected' && standing !== 'rejected') return undefined;
  return { id, state: standing, detail: answer.detail, siiStatus: answer.code, raw: answer.raw };
}

/**
 * Says once, in the document's history and the back office, that its outcome is being verified
 * with the SII (documents already saying so are left alone: no new step per poll).
 */
export function markVerifying(
  em: EntityManager,
  state: DteState,
  documents: readonly Pick<EnvelopeDocument, 'id' | 'sii_detail'>[],
  raw?: string,
): Promise<DteStatusChange[]> {
  return transition(
    em,
    [state],
    documents
      .filter((d) => d.sii_detail !== VERIFYING)
      .map((d) => ({ id: d.id, state, detail: VERIFYING, raw })),
  );
}

/**
 * What the caller does after a reconciliation: send the envelope again; nothing more, as it is
 * finished (`split` when documents went back to be enveloped anew); or ask again later (`why`).
 */
export type Reconciled =
  | { next: 'send' }
  | { next: 'finished'; split: boolean }
  | { next: 'ask-again'; why: string };

/**
 * An envelope whose last upload has no known outcome. Once the SII has had time to process it
 * (SII_RECONCILE_AFTER_MS after the last moment a request may have reached it, which for a
 * request still in flight elsewhere is its deadline; the job waits meanwhile, without using an
 * attempt), each document still in the envelope is looked up:
 * - none held (FAU for every one): the SII never took it; `send` it again;
 * - a verdict for each: recorded as the document's outcome, and the envelope is finished (without
 *   a track id: the upload's answer, which carried it, was lost). Documents the SII does not hold
 *   while it holds others of the envelope (it registers only what it accepts: these were refused
 *   in the lost envío, whose status had the reason) go back to signed, to travel in a new
 *   envelope, whose answer will say why if they are refused again;
 * - any answer that settles nothing (DNK, EMP, an error): the verdicts given are recorded, and
 *   the rest is asked again later (the caller fails the job, to retry with backoff). Nothing is
 *   ever sent again on such an answer.
 *
 * For facturas only QueryEstDte answers this: DOK says the SII received the document and its
 * data match, not how the envío was judged. It counts as accepted because it is asked only after
 * the SII's processing time and the SII registers only the documents it accepts; objections (RPR),
 * which the lost envío status would have told, cannot be told apart then.
 */
export async function reconcileUpload(
  deps: PipelineDeps,
  job: Job<EnvelopeRefJob>,
  token: string | undefined,
  envelope: EnvelopeRow,
  session: SiiSession,
): Promise<Reconciled> {
  const { tenantId, envelopeId } = job.data;
  const settledAt = envelope.upload_outcome_unknown_ms! + deps.config.SII_RECONCILE_AFTER_MS;
  if (Date.now() < settledAt) {
    await job.moveToDelayed(settledAt, token);
    throw new DelayedError();
  }
  const documents = await withTenant(deps.orm, tenantId, (em) => documentsOfEnvelope(em, envelopeId));
  const waiting = documents.filter((d) => d.state === 'in_envelope');
  const answers = await askSii(deps, session, waiting);
  const verdicts = waiting.flatMap((d, i) => verdictOf(d.id, answers[i]!) ?? []);
  const missing = waiting.filter((_, i) => answers[i]!.standing === 'not-received');
  const open = answers.filter((a) => a.standing === 'held' || a.standing === 'unknown');
  // Sent again whole only while no document of it has an outcome yet.
  if (waiting.length > 0 && missing.length === documents.length) return { next: 'send' };

  const changes = await withTenant(deps.orm, tenantId, async (em) => {
    const settled = await transition(em, ['in_envelope'], verdicts);
    if (open.length > 0) return settled;
    const resent = await transition(
      em,
      ['in_envelope'],
      missing.map((d) => ({
        id: d.id,
        state: 'signed' as const,
        detail: 'El SII no lo recibió: va en otro sobre.',
      })),
    );
    await detachFromEnvelope(
      em,
      missing.map((d) => d.id),
    );
    await finishEnvelope(
      em,
      envelopeId,
      `Respuesta del envío perdida; documento por documento: ${answers.map((a) => `${a.folio} ${a.code}`).join(', ')}`,
    );
    return [...settled, ...resent];
  });
  deps.announce(tenantId, changes);
  if (open.length > 0) {
    return {
      next: 'ask-again',
      why: `El SII aún no confirma ${open.length} documento(s): ${open[0]!.detail}`,
    };
  }
  return { next: 'finished', split: missing.length > 0 };
}

/**
 * The outcome of each document an envío's status rejected as repeated, from what the SII holds
 * of it: its verdict when the SII gives one; the envío's rejection when, after the SII's
 * processing time, it still holds no such document (so nothing confirms an earlier copy); none
 * yet (undefined: ask again later) otherwise. The SII holding the document with other data
 * (DNK) is never taken as a rejection.
 */
export async function outcomeOfRepeated(
  deps: PipelineDeps,
  session: SiiSession,
  documents: readonly EnvelopeDocument[],
  envio: { results: ReadonlyMap<string, DocumentResult>; raw: string; uploadedMs: number },
): Promise<Map<string, Transition | undefined>> {
  const repeated = documents.filter((d) => {
    const result = envio.results.get(`${d.doc_type}-${d.folio}`);
    return result !== undefined && isRepeatedRejection(result);
  });
  const answers = await askSii(deps, session, repeated);
  const settled = Date.now() >= envio.uploadedMs + deps.config.SII_RECONCILE_AFTER_MS;
  return new Map(
    repeated.map((d, i) => {
      const answer = answers[i]!;
      const result = envio.results.get(`${d.doc_type}-${d.folio}`)!;
      const unconfirmed: Transition | undefined =
        answer.standing === 'not-received' && settled
          ? {
              id: d.id,
              state: 'rejected',
              detail: `${result.detail} (${answer.detail})`,
              siiStatus: result.status,
              raw: envio.raw,
            }
          : undefined;
      return [d.id, verdictOf(d.id, answer) ?? unconfirmed];
    }),
  );
}
