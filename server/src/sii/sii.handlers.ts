import { randomUUID } from 'node:crypto';
import type { DteState } from '@erp/shared';
import { AppError } from '../platform/app-error.ts';
import { loadConfig } from '../platform/config.ts';
import { withTenant } from '../platform/orm.ts';
import { onCommand } from '../realtime/commands.ts';
import { PendingEvents } from '../realtime/pending-events.ts';
import { rooms } from '../realtime/rooms.ts';
import type { HandlerRegistrar } from '../realtime/tenant-namespace.ts';
import { tenantSettings } from '../tenancy/tenant-settings.ts';
import { uploadCaf } from './caf-upload.ts';
import { certificateInfo, storeCertificate } from './certificate.store.ts';
import { transition } from './dte-documents.ts';
import { targetFor } from './sii-target.ts';

const BACK_OFFICE = ['owner', 'admin'] as const;
const siiEnvironment = loadConfig().SII_ENVIRONMENT;
/**
 * Age after which an envelope still not uploaded has used up its upload job's retries (8
 * attempts with exponential backoff take minutes); only then may its documents be sent again.
 */
const UPLOAD_GIVEN_UP_AFTER = '15 minutes';
/** The history's note on the step a retry goes back to. */
const RETRY_DETAIL = 'Reintento solicitado en el back office.';

/**
 * Back office commands of the SII pipeline: documents (list, history, retry), CAFs and the
 * certificate. The retry itself happens in the worker: the document goes back to the state its
 * failed step starts from and the sweep re-queues it.
 */
export const registerSiiHandlers: HandlerRegistrar = (socket, deps) => {
  const { orm, logger, secrets } = deps;
  const { tenantId } = socket.data;

  onCommand(socket, logger, 'dte:list', { roles: BACK_OFFICE }, (q) =>
    withTenant(orm, tenantId, async (em) => {
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
      const rows = await em.execute<
        {
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
        }[]
      >(
        `select id, sale_id, doc_type, folio, issued_at, total, state, track_id, sii_detail, updated_at
           from dte_document where ${where} order by issued_at desc, id offset ? limit ?`,
        [...filters, q.offset, q.limit],
      );
      const [count] = await em.execute<{ n: number }[]>(
        `select count(*)::int as n from dte_document where ${where}`,
        filters,
      );
      return {
        total: count!.n,
        items: rows.map((r) => ({
          id: r.id,
          saleId: r.sale_id,
          docType: r.doc_type,
          folio: r.folio,
          issuedAt: new Date(r.issued_at).toISOString(),
          total: Number(r.total),
          state: r.state,
          trackId: r.track_id,
          siiDetail: r.sii_detail,
          updatedAt: new Date(r.updated_at).toISOString(),
        })),
      };
    }),
  );

  onCommand(socket, logger, 'dte:history', { roles: BACK_OFFICE }, ({ documentId }) =>
    withTenant(orm, tenantId, async (em) => {
      const rows = await em.execute<
        { state: DteState; detail: string | null; raw_response: string | null; created_at: Date }[]
      >('select state, detail, raw_response, created_at from dte_event where document_id = ? order by id', [
        documentId,
      ]);
      return {
        events: rows.map((r) => ({
          state: r.state,
          detail: r.detail,
          rawResponse: r.raw_response,
          at: new Date(r.created_at).toISOString(),
        })),
      };
    }),
  );

  onCommand(socket, logger, 'dte:retry', { roles: BACK_OFFICE }, async ({ documentId }) => {
    const retried = await withTenant(orm, tenantId, async (em) => {
      const [doc] = await em.execute<
        {
          state: DteState;
          sale_id: string;
          envelope_id: string | null;
          envelope_state: string | null;
          envelope_given_up: boolean;
        }[]
      >(
        `select d.state, d.sale_id, d.envelope_id, e.state as envelope_state,
                coalesce(e.created_at < now() - ?::interval, false) as envelope_given_up
           from dte_document d left join dte_envelope e on e.id = d.envelope_id where d.id = ?`,
        [UPLOAD_GIVEN_UP_AFTER, documentId],
      );
      if (!doc) throw AppError.notFound('el documento');
      // A failed signature is signed again; an envelope whose upload gave up is rebuilt and sent
      // again (same signed DTEs, same folios). Accepted or rejected documents are final.
      if (doc.state === 'failed' || doc.state === 'stamped') {
        const changes = await transition(
          em,
          ['failed', 'stamped'],
          [{ id: documentId, state: 'stamped', detail: RETRY_DETAIL }],
        );
        // The first sign job stays in its queue as failed, so its job id would be ignored: the
        // retry is a new outbox row with its own key, hence a new job (signing is idempotent).
        await em.execute(
          `insert into outbox (tenant_id, topic, key, payload)
           select tenant_id, topic, ?, payload from outbox where topic = 'sii.document' and key = ?`,
          [`sale-${doc.sale_id}-retry-${randomUUID()}`, `sale-${doc.sale_id}`],
        );
        return { state: 'stamped' as const, changes };
      }
      if (doc.state === 'in_envelope' && doc.envelope_state === 'built') {
        // An envelope still within its upload retries may yet reach the SII: taking the document
        // out now could send it twice.
        if (!doc.envelope_given_up) {
          throw new AppError(
            'CONFLICT',
            'El envío de este documento todavía se está intentando. Espere unos minutos.',
          );
        }
        // The whole envelope is abandoned (never uploaded again) and its documents go back to
        // signed, to be enveloped anew by the worker's sweep on its next pass.
        await em.execute(
          `update dte_envelope set state = 'refused', last_response = ?, finished_at = now() where id = ? and state = 'built'`,
          [RETRY_DETAIL, doc.envelope_id],
        );
        const members = await em.execute<{ id: string }[]>(
          `select id from dte_document where envelope_id = ? and state = 'in_envelope'`,
          [doc.envelope_id],
        );
        const changes = await transition(
          em,
          ['in_envelope'],
          members.map(({ id }) => ({ id, state: 'signed' as const, detail: RETRY_DETAIL })),
        );
        await em.execute(
          `update dte_document set envelope_id = null, updated_at = now() - interval '1 hour' where id = any(?::uuid[])`,
          [`{${members.map((m) => m.id).join(',')}}`],
        );
        return { state: 'signed' as const, changes };
      }
      throw new AppError('CONFLICT', 'El documento no tiene un envío fallido que reintentar.');
    });
    const events = new PendingEvents();
    for (const change of retried.changes) events.collect([rooms.screen('backoffice')], 'dte:status', change);
    events.publish(socket.nsp);
    return { state: retried.state };
  });

  onCommand(socket, logger, 'caf:upload', { roles: BACK_OFFICE }, ({ xml }) =>
    withTenant(orm, tenantId, async (em) => {
      const [tenant] = await em.execute<{ rut: string; sii_environment: 'certification' | 'production' }[]>(
        'select rut, sii_environment from tenant',
        [],
      );
      const stored = await uploadCaf(
        em,
        secrets,
        { id: tenantId, rut: tenant!.rut },
        targetFor(siiEnvironment, tenant!.sii_environment),
        Buffer.from(xml, 'latin1'),
      );
      return { id: stored.id, docType: stored.type, from: stored.from, to: stored.to };
    }),
  );

  onCommand(socket, logger, 'caf:list', { roles: BACK_OFFICE }, () =>
    withTenant(orm, tenantId, async (em) => {
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
      return {
        lowFolioThreshold: (await tenantSettings(em)).lowFolioThreshold,
        cafs: rows.map((r) => ({
          id: r.id,
          docType: r.doc_type,
          from: r.folio_from,
          to: r.folio_to,
          nextFolio: r.next_folio,
          remaining: r.folio_to - r.next_folio + 1,
          authorizedOn: isoDay(r.authorized_on),
          expiresOn: r.expires_on ? isoDay(r.expires_on) : null,
        })),
      };
    }),
  );

  onCommand(socket, logger, 'certificate:upload', { roles: BACK_OFFICE }, ({ pfxBase64, password }) =>
    withTenant(orm, tenantId, (em) =>
      storeCertificate(em, secrets, tenantId, Buffer.from(pfxBase64, 'base64'), password),
    ),
  );

  onCommand(socket, logger, 'certificate:get', { roles: BACK_OFFICE }, () =>
    withTenant(orm, tenantId, async (em) => ({ certificate: await certificateInfo(em) })),
  );
};

function twice<T>(value: T): [T, T] {
  return [value, value];
}

function isoDay(date: Date | string): string {
  return typeof date === 'string' ? date.slice(0, 10) : date.toISOString().slice(0, 10);
}
