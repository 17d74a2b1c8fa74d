/**
 * The pipeline's job processors. Each runs inside `withTenant(job.data.tenantId)` and is
 * idempotent: the document's state in PostgreSQL is the step marker, so a job that runs twice
 * (BullMQ is at-least-once; a killed worker's jobs re-run) finds the work done and only makes
 * sure the next step is queued. The signed XML is stored before any sending, the track id before
 * a send counts as done. Transient SII failures throw (retried with backoff); permanent ones
 * mark the documents and throw UnrecoverableError.
 */
import { randomUUID } from 'node:crypto';
import { type DteStatusChange, isBoletaType } from '@erp/shared';
import {
  buildDte,
  buildEnvelope,
  DteError,
  envelopeFit,
  envelopeKindFor,
  MAX_DOCUMENTS,
  type SigningCredentials,
} from '@erp/sii-core';
import type { MikroORM } from '@mikro-orm/postgresql';
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import { AppError } from '../platform/app-error.ts';
import type { Config } from '../platform/config.ts';
import type { Logger } from '../platform/logger.ts';
import { withTenant } from '../platform/orm.ts';
import type { SecretBox } from '../platform/secrets.ts';
import { tenantSiiIdentity } from './caf.queries.ts';
import { activeCredentials } from './certificate.store.ts';
import {
  type SigningOutcome,
  salesToSign,
  storeSigningOutcomes,
  type Transition,
  transition,
} from './dte.queries.ts';
import { type documentMails, queueDocumentMails } from './dte-mail.queries.ts';
import {
  claimSignedDocuments,
  documentsOfEnvelope,
  documentsWithoutPdf,
  envelopeById,
  envelopeDocumentIds,
  envioDocument,
  finishEnvelope,
  insertEnvelope,
  markEnvelopeUploaded,
  noteUploadAnswer,
  refuseEnvelope,
  startUploadAttempt,
} from './envelope.queries.ts';
import { loadCaf } from './folios.ts';
import { markVerifying, outcomeOfRepeated, reconcileUpload } from './reconcile.ts';
import {
  type EnvelopeJob,
  type EnvelopeRefJob,
  jobDefaults,
  jobIds,
  type PdfJob,
  type SignJob,
  type SiiQueues,
} from './sii.queues.ts';
import { SiiRefusedError, SiiTransientError, SiiUncertainError } from './sii-client/http.ts';
import type { SiiClient } from './sii-client/sii-client.ts';
import type { SiiSession } from './sii-client/types.ts';
import { siiHosts, targetFor } from './sii-target.ts';

const ENVELOPE_TYPES = { EnvioBOLETA: [39, 41], EnvioDTE: [33, 34, 52, 56, 61] } as const;
/** Status polls before giving up on an envío (then an operator retries). */
const MAX_POLLS = 500;

export interface PipelineDeps {
  orm: MikroORM;
  box: SecretBox;
  queues: SiiQueues;
  client: SiiClient;
  config: Config;
  logger: Logger;
  announce: (tenantId: string, changes: DteStatusChange[]) => void;
  /** A document's e-mails changed (dte-mail.ts); absent where nobody listens. */
  announceMail?: (tenantId: string, documentId: string, mails: DteMailState[]) => void;
}

type DteMailState = Awaited<ReturnType<typeof documentMails>>[number];

function isPermanent(error: unknown): boolean {
  return error instanceof DteError || (error instanceof AppError && error.code !== 'INTERNAL');
}

/**
 * Stamped sales → signed DTEs (the TED comes out identical: same CAF, same TSTED), a batch of one
 * tenant's documents in one transaction of two statements: the sales and any documents they
 * have read, then every document created already signed (or moved there, for a retry) with its
 * history. A document that cannot be signed for good (no certificate, an invalid document) is
 * stored failed with the reason while the others go on; the job then fails without retry,
 * naming them. Anything else (the database, a lost connection) rolls the whole batch back for a
 * retry, which finds done whatever a previous run committed.
 */
export async function signDocuments(deps: PipelineDeps, job: Job<SignJob>): Promise<void> {
  const { orm, box } = deps;
  const { tenantId, documents } = job.data;
  const { changes, failures } = await withTenant(orm, tenantId, async (em) => {
    const rows = await salesToSign(
      em,
      documents.map((d) => d.saleId),
    );
    const bySale = new Map(rows.map((r) => [r.sale_id, r]));
    const missing = documents.filter((d) => !bySale.has(d.saleId));
    const failures = missing.map(
      (d) => `venta ${d.saleId}: ${AppError.notFound('la venta del documento').message}`,
    );
    const todo = documents.flatMap((d) => {
      const sale = bySale.get(d.saleId);
      if (!sale || (sale.id && sale.state !== 'stamped')) return [];
      return [{ job: d, sale, id: sale.id ?? randomUUID() }];
    });
    if (todo.length === 0) return { changes: [], failures };
    const outcomes: SigningOutcome[] = [];
    const of = ({ job: d, sale, id }: (typeof todo)[number]) => ({
      id,
      saleId: d.saleId,
      type: d.type,
      folio: d.folio,
      issuedAt: d.issuedAt,
      fresh: sale.id === null,
    });
    const fail = (item: (typeof todo)[number], error: unknown) => {
      if (!isPermanent(error)) throw error;
      const detail = (error as Error).message;
      outcomes.push({ ...of(item), state: 'failed', detail });
      failures.push(`folio ${item.job.folio}: ${detail}`);
    };
    let credentials: SigningCredentials | undefined;
    try {
      ({ credentials } = await activeCredentials(em, box, tenantId));
    } catch (error) {
      for (const item of todo) fail(item, error);
    }
    for (const item of credentials ? todo : []) {
      const { job: d, sale } = item;
      try {
        const caf = await loadCaf(em, box, tenantId, sale.caf_id);
        const { xml, ...meta } = buildDte(d.document, {
          caf,
          credentials: credentials!,
          folio: d.folio,
          signedAt: new Date(d.issuedAt),
        });
        const receiverRut = (d.document as { receiver: { rut: string } }).receiver.rut;
        outcomes.push({ ...of(item), state: 'signed', xml, meta: { ...meta, receiverRut } });
      } catch (error) {
        fail(item, error);
      }
    }
    const changes = await storeSigningOutcomes(em, outcomes);
    // The buyer of a factura or nota gets it by e-mail once signed (dte-mail.ts); boletas do not.
    const signedIds = new Set(outcomes.filter((o) => o.state === 'signed').map((o) => o.id));
    await queueDocumentMails(
      em,
      todo.flatMap(({ job: d, id }) => {
        const address = (d.document as { receiver?: { email?: string } }).receiver?.email;
        return signedIds.has(id) && address && !isBoletaType(d.type) ? [{ documentId: id, address }] : [];
      }),
    );
    return { changes, failures };
  });
  deps.announce(tenantId, changes);
  const kinds = new Set(changes.filter((c) => c.state === 'signed').map((c) => envelopeKindFor(c.docType)));
  for (const kind of kinds) await scheduleEnvelope(deps, tenantId, kind);
  if (failures.length > 0) throw new UnrecoverableError(failures.join('; '));
}

/**
 * Queues the envelope job of the current window. The job runs when the window closes, after
 * every document signed in it has committed; adding it again within the window is a no-op.
 */
export async function scheduleEnvelope(deps: PipelineDeps, tenantId: string, kind: EnvelopeJob['kind']) {
  const windowMs = deps.config.SII_ENVELOPE_WINDOW_MS;
  const window = Math.floor(Date.now() / windowMs);
  await deps.queues.envelope.add(
    'envelope',
    { tenantId, kind },
    {
      ...jobDefaults(deps.config.SII_RETRY_DELAY_MS, 8),
      jobId: jobIds.envelope(tenantId, kind, window),
      delay: (window + 1) * windowMs - Date.now(),
    },
  );
}

/** Windows an envelope may wait for the upload backlog to clear before it is built anyway. */
const MAX_ENVELOPE_WAITS = 10;

/**
 * Signed documents → envelopes (boletas and the rest never mixed), each within its kind's limits:
 * 500 boletas, or 2000 other documents, and MAX_ENVELOPE_BYTES (`envelopeFit`); a backlog becomes
 * as many envelopes as it takes, each signed, stored and uploaded on its own. While envíos
 * already wait to be uploaded, building more would only lengthen that queue: the documents keep
 * gathering for another window (up to MAX_ENVELOPE_WAITS), so a busy pipeline sends fewer, fuller
 * envelopes, each paying the per-envío cost (token, upload, the SII's checks) once.
 */
export async function envelopeDocuments(
  deps: PipelineDeps,
  job: Job<EnvelopeJob & { waits?: number }>,
  token?: string,
): Promise<void> {
  const { tenantId, kind } = job.data;
  const waits = job.data.waits ?? 0;
  if (waits < MAX_ENVELOPE_WAITS && (await deps.queues.upload.getWaitingCount()) > 0) {
    await job.updateData({ ...job.data, waits: waits + 1 });
    await job.moveToDelayed(Date.now() + deps.config.SII_ENVELOPE_WINDOW_MS, token);
    throw new DelayedError();
  }
  for (;;) {
    const built = await withTenant(deps.orm, tenantId, async (em) => {
      const claimed = await claimSignedDocuments(em, ENVELOPE_TYPES[kind], MAX_DOCUMENTS[kind]);
      if (claimed.length === 0) return null;
      // The documents past the fit stay signed (unlocked at commit) for the next envelope.
      const rows = claimed.slice(
        0,
        envelopeFit(
          kind,
          claimed.map((r) => r.signed_xml.length),
        ),
      );
      const { credentials } = await activeCredentials(em, deps.box, tenantId);
      const xml = buildEnvelope(
        rows.map((r) => ({ ...r.signed_meta, xml: r.signed_xml })),
        { credentials },
      );
      const envelopeId = randomUUID();
      await insertEnvelope(em, { id: envelopeId, kind, xml, documentIds: rows.map((r) => r.id) });
      const changes = await transition(
        em,
        ['signed'],
        rows.map((r) => ({ id: r.id, state: 'in_envelope' as const })),
      );
      return {
        envelopeId,
        changes,
        more: claimed.length === MAX_DOCUMENTS[kind] || rows.length < claimed.length,
      };
    });
    if (!built) return;
    deps.announce(tenantId, built.changes);
    await queueUpload(deps, tenantId, built.envelopeId);
    if (!built.more) return;
  }
}

export function queueUpload(deps: PipelineDeps, tenantId: string, envelopeId: string) {
  return deps.queues.upload.add(
    'upload',
    { tenantId, envelopeId },
    { ...jobDefaults(deps.config.SII_RETRY_DELAY_MS, 10), jobId: jobIds.upload(envelopeId) },
  );
}

export function queueStatus(deps: PipelineDeps, tenantId: string, envelopeId: string, delay: number) {
  return deps.queues.status.add(
    'status',
    { tenantId, envelopeId },
    { ...jobDefaults(deps.config.SII_RETRY_DELAY_MS, 10), jobId: jobIds.status(envelopeId), delay },
  );
}

/** The SII session of the current tenant: where to send, who sends, with which certificate. */
async function sessionFor(deps: PipelineDeps, tenantId: string): Promise<SiiSession> {
  return withTenant(deps.orm, tenantId, async (em) => {
    const tenant = await tenantSiiIdentity(em);
    const { certificateId, credentials } = await activeCredentials(em, deps.box, tenantId);
    const target = targetFor(deps.config.SII_ENVIRONMENT, tenant.siiEnvironment);
    return {
      target,
      hosts: siiHosts(target, deps.config.SII_SIMULATOR_URL),
      issuerRut: tenant.rut,
      senderRut: credentials.rut!,
      certificateId,
      credentials,
    };
  });
}

function envelopeRow(deps: PipelineDeps, tenantId: string, envelopeId: string, withXml = false) {
  return withTenant(deps.orm, tenantId, async (em) => {
    const row = await envelopeById(em, envelopeId, withXml);
    if (!row) throw new UnrecoverableError(`envelope ${envelopeId} not found`);
    return row;
  });
}

/** Another run of the same upload job started a request since this one read the envelope. */
class UploadElsewhere extends Error {
  constructor(envelopeId: string) {
    super(`Otro intento de envío del sobre ${envelopeId} está en curso`);
  }
}

/**
 * Envelope → SII; the track id is stored in the same transaction that marks it uploaded. An
 * upload whose answer may have been lost (SiiUncertainError, or a worker that died during the
 * request) is never simply repeated: the next run asks the SII what it holds first (reconcile.ts).
 */
export async function uploadEnvelope(
  deps: PipelineDeps,
  job: Job<EnvelopeRefJob>,
  token?: string,
): Promise<void> {
  const { tenantId, envelopeId } = job.data;
  const envelope = await envelopeRow(deps, tenantId, envelopeId, true);
  if (envelope.state === 'uploaded') return void (await queueStatus(deps, tenantId, envelopeId, 0));
  // Finished by a reconciliation: a re-run only makes sure the PDFs are queued.
  if (envelope.state === 'done') return void (await queuePdfs(deps, tenantId, envelopeId));
  if (envelope.state !== 'built') return;
  const session = await sessionFor(deps, tenantId);
  if (envelope.upload_outcome_unknown_ms !== null) {
    const reconciled = await reconcileUpload(deps, job, token, envelope, session);
    if (reconciled.next !== 'send') {
      await queuePdfs(deps, tenantId, envelopeId);
      if (reconciled.next === 'ask-again') throw new SiiTransientError(reconciled.why);
      if (reconciled.split) await scheduleEnvelope(deps, tenantId, envelope.kind);
      return;
    }
  }
  const boleta = envelope.kind === 'EnvioBOLETA';
  let attempts = envelope.upload_attempts;
  // The request may reach the SII until its timeout: another run must not decide before that.
  const beforeSend = async () => {
    const started = await withTenant(deps.orm, tenantId, (em) =>
      startUploadAttempt(em, envelopeId, attempts, deps.config.SII_HTTP_TIMEOUT_MS),
    );
    if (!started) throw new UploadElsewhere(envelopeId);
    attempts++;
  };
  let uploaded: { trackId: string; raw: string };
  try {
    uploaded = await deps.client.upload(
      session,
      boleta,
      envelope.xml!,
      `${envelope.kind}-${envelopeId}.xml`,
      beforeSend,
    );
  } catch (error) {
    // The other run owns the outcome; this one retries later and then reconciles.
    if (error instanceof UploadElsewhere) throw error;
    if (!(error instanceof SiiRefusedError)) {
      const message = (error as Error).message;
      const changes = await withTenant(deps.orm, tenantId, async (em) => {
        if (!(error instanceof SiiUncertainError)) {
          await noteUploadAnswer(em, envelopeId, message, 'not-taken');
          return [];
        }
        await noteUploadAnswer(em, envelopeId, message, 'unknown');
        return markVerifying(em, 'in_envelope', await documentsOfEnvelope(em, envelopeId), message);
      });
      deps.announce(tenantId, changes);
      throw error;
    }
    const changes = await withTenant(deps.orm, tenantId, async (em) => {
      await refuseEnvelope(em, envelopeId, error.raw || error.message);
      const ids = await envelopeDocumentIds(em, envelopeId);
      return transition(
        em,
        ['in_envelope'],
        ids.map((id) => ({
          id,
          state: 'rejected' as const,
          detail: error.message,
          raw: error.raw,
          siiStatus: error.code,
        })),
      );
    });
    deps.announce(tenantId, changes);
    throw new UnrecoverableError(error.message);
  }
  const changes = await withTenant(deps.orm, tenantId, async (em) => {
    await markEnvelopeUploaded(em, envelopeId, uploaded);
    const ids = await envelopeDocumentIds(em, envelopeId);
    return transition(
      em,
      ['in_envelope'],
      ids.map((id) => ({ id, state: 'uploaded' as const, trackId: uploaded.trackId, raw: uploaded.raw })),
    );
  });
  deps.announce(tenantId, changes);
  await queueStatus(deps, tenantId, envelopeId, deps.config.SII_STATUS_POLL_MS);
}

/** Asks the SII how the envío went until it is final; then each document gets its outcome. */
export async function pollStatus(
  deps: PipelineDeps,
  job: Job<EnvelopeRefJob & { polls?: number }>,
  token?: string,
) {
  const { tenantId, envelopeId } = job.data;
  const envelope = await envelopeRow(deps, tenantId, envelopeId);
  // A re-run after the outcome committed only makes sure the PDFs are queued.
  if (envelope.state === 'done') return void (await queuePdfs(deps, tenantId, envelopeId));
  if (envelope.state !== 'uploaded' || !envelope.track_id) return;
  const documents = await withTenant(deps.orm, tenantId, (em) => documentsOfEnvelope(em, envelopeId));
  const session = await sessionFor(deps, tenantId);
  const status = await deps.client.status(session, envelope.track_id, documents.map(envioDocument));
  const pollAgain = async () => {
    const polls = (job.data.polls ?? 0) + 1;
    if (polls > MAX_POLLS)
      throw new UnrecoverableError(`El SII no terminó de procesar el envío ${envelope.track_id}`);
    await job.updateData({ ...job.data, polls });
    await job.moveToDelayed(Date.now() + deps.config.SII_STATUS_POLL_MS, token);
    throw new DelayedError();
  };
  if (!status.final) return pollAgain();
  const byFolio = new Map(status.documents.map((r) => [`${r.type}-${r.folio}`, r]));
  // A copy refused as repeated says nothing of the document the SII holds: that is asked for
  // (for the documents still waiting: a previous poll may have settled some).
  const waiting = documents.filter((d) => d.state === 'uploaded');
  const repeated = await outcomeOfRepeated(deps, session, waiting, {
    results: byFolio,
    raw: status.raw,
    uploadedMs: envelope.uploaded_ms!,
  });
  const outcomes = documents.flatMap((d): Transition[] => {
    if (repeated.has(d.id)) {
      const outcome = repeated.get(d.id);
      return outcome ? [outcome] : [];
    }
    const result = byFolio.get(`${d.doc_type}-${d.folio}`);
    return [
      {
        id: d.id,
        state: result?.outcome ?? 'rejected',
        detail: result?.detail ?? `${status.status}: el SII no informó este documento`,
        siiStatus: result?.status ?? status.status,
        raw: status.raw,
      },
    ];
  });
  const open = documents.filter((d) => repeated.has(d.id) && !repeated.get(d.id));
  const changes = await withTenant(deps.orm, tenantId, async (em) => {
    const settled = await transition(em, ['uploaded'], outcomes);
    if (open.length > 0) return [...settled, ...(await markVerifying(em, 'uploaded', open, status.raw))];
    await finishEnvelope(em, envelopeId, status.raw);
    return settled;
  });
  deps.announce(tenantId, changes);
  await queuePdfs(deps, tenantId, envelopeId);
  if (open.length > 0) return pollAgain();
}

/**
 * One PDF job per valid document of a finished envelope (accepted, or accepted with objections)
 * that has no PDF yet. Rejected documents get none: they are not valid tax documents.
 */
export async function queuePdfs(deps: PipelineDeps, tenantId: string, envelopeId: string): Promise<void> {
  const ids = await withTenant(deps.orm, tenantId, (em) => documentsWithoutPdf(em, envelopeId));
  await deps.queues.pdf.addBulk(
    ids.map((id) => ({
      name: 'pdf',
      data: { tenantId, documentId: id } satisfies PdfJob,
      opts: { ...jobDefaults(deps.config.SII_RETRY_DELAY_MS, 5), jobId: jobIds.pdf(id) },
    })),
  );
}
