import { randomUUID } from 'node:crypto';
import { AppError } from '../platform/app-error.ts';
import { loadConfig } from '../platform/config.ts';
import { withTenant } from '../platform/orm.ts';
import { onCommand } from '../realtime/commands.ts';
import { PendingEvents } from '../realtime/pending-events.ts';
import { withTenantEvents } from '../realtime/publish-after-commit.ts';
import { rooms } from '../realtime/rooms.ts';
import type { HandlerRegistrar } from '../realtime/tenant-namespace.ts';
import { tenantSettings } from '../tenancy/index.ts';
import { listCafs, tenantSiiIdentity } from './caf.queries.ts';
import { cafAuthoritiesFor } from './caf-authorities.ts';
import { uploadCaf } from './caf-upload.ts';
import { certificateInfo, storeCertificate } from './certificate.store.ts';
import {
  abandonEnvelope,
  detachFromEnvelope,
  documentHistory,
  envelopeMembers,
  listDocuments,
  requeueSigning,
  retryCandidate,
  transition,
} from './dte.queries.ts';
import { documentExists, documentMails, reopenFailedMails } from './dte-mail.queries.ts';
import { folioStates } from './folio-alert.queries.ts';
import { targetFor } from './sii-target.ts';

const BACK_OFFICE = ['owner', 'admin'] as const;
const config = loadConfig();
const siiEnvironment = config.SII_ENVIRONMENT;
/** Read once: the SII keys folder is process configuration, like the environment. */
const cafAuthorities = cafAuthoritiesFor(config);
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
    withTenant(orm, tenantId, (em) => listDocuments(em, q)),
  );

  onCommand(socket, logger, 'dte:history', { roles: BACK_OFFICE }, ({ documentId }) =>
    withTenant(orm, tenantId, async (em) => ({ events: await documentHistory(em, documentId) })),
  );

  onCommand(socket, logger, 'dte:retry', { roles: BACK_OFFICE }, async ({ documentId }) => {
    const retried = await withTenant(orm, tenantId, async (em) => {
      const doc = await retryCandidate(em, documentId, UPLOAD_GIVEN_UP_AFTER);
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
        await requeueSigning(em, doc.sale_id, `sale-${doc.sale_id}-retry-${randomUUID()}`);
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
        await abandonEnvelope(em, doc.envelope_id!, RETRY_DETAIL);
        const members = await envelopeMembers(em, doc.envelope_id!);
        const changes = await transition(
          em,
          ['in_envelope'],
          members.map((id) => ({ id, state: 'signed' as const, detail: RETRY_DETAIL })),
        );
        await detachFromEnvelope(em, members);
        return { state: 'signed' as const, changes };
      }
      throw new AppError('CONFLICT', 'El documento no tiene un envío fallido que reintentar.');
    });
    const events = new PendingEvents();
    for (const change of retried.changes) events.collect([rooms.screen('backoffice')], 'dte:status', change);
    events.publish(socket.nsp);
    return { state: retried.state };
  });

  // The worker's relay takes the re-opened mails from the outbox (dte-mail.ts).
  onCommand(socket, logger, 'dte:resend-mail', { roles: BACK_OFFICE }, ({ documentId }) =>
    withTenant(orm, tenantId, async (em) => {
      if (!(await documentExists(em, documentId))) throw AppError.notFound('el documento');
      if ((await reopenFailedMails(em, documentId)) === 0) {
        throw new AppError('CONFLICT', 'El documento no tiene correos fallidos que reenviar.');
      }
      return { mails: await documentMails(em, documentId) };
    }),
  );

  onCommand(socket, logger, 'caf:upload', { roles: BACK_OFFICE }, ({ xml }) =>
    withTenantEvents(orm, socket, async (em, events) => {
      const tenant = await tenantSiiIdentity(em);
      const stored = await uploadCaf(
        em,
        secrets,
        { id: tenantId, rut: tenant.rut },
        { target: targetFor(siiEnvironment, tenant.siiEnvironment), authorities: cafAuthorities },
        Buffer.from(xml, 'latin1'),
        events,
      );
      return { id: stored.id, docType: stored.type, from: stored.from, to: stored.to };
    }),
  );

  onCommand(socket, logger, 'caf:list', { roles: BACK_OFFICE }, () =>
    withTenant(orm, tenantId, async (em) => {
      const cafs = await listCafs(em);
      const folios = await folioStates(em);
      return { lowFolioThreshold: (await tenantSettings(em)).lowFolioThreshold, cafs, folios };
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
