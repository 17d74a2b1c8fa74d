/**
 * Facturas and notas e-mailed to their buyer once signed (docs/sii-rules.md#documents-for-the-buyer): the
 * document in a signed EnvioDTE addressed to the buyer (RutReceptor = the buyer's RUT, as the SII
 * expects between taxpayers) and its PDF, through the company's own SMTP server.
 *
 * Once per address: the `dte_mail` row is the marker. A job that runs again (BullMQ is
 * at-least-once) finds it `sent` and does nothing; a re-sent one ("reenviar") carries a new
 * generation, and a late job of the old one steps aside. The one window left is a worker that
 * dies after the SMTP server took the message and before the row says so: that retry mails it
 * again, with the same Message-ID, which receiving servers use to spot the duplicate.
 */
import { DTE_TYPE_NAMES, type DteType, formatClp, formatRut } from '@erp/shared';
import { buildEnvelope } from '@erp/sii-core';
import { type Job, UnrecoverableError } from 'bullmq';
import { sendMail, smtpSettings } from '../mail/index.ts';
import { withTenant } from '../platform/orm.ts';
import type { SqlExecutor } from '../platform/sql-session.ts';
import { activeCredentials } from './certificate.store.ts';
import { signedDocument, storedPdf } from './dte.queries.ts';
import {
  documentMails,
  type MailRef,
  mailToSend,
  markMailAttempt,
  markMailSent,
} from './dte-mail.queries.ts';
import { defaultPdfFormat, renderSigned, type SharedPdfRenderer } from './dte-pdf.ts';
import type { PipelineDeps } from './sii.jobs.ts';
import type { MailJob } from './sii.queues.ts';

/** Attempts of a mail job (with exponential backoff from SII_RETRY_DELAY_MS) before it shows `failed`. */
export const MAIL_ATTEMPTS = 6;

/** The Message-ID of a mail: the same for every attempt of one generation. */
export function mailMessageId(mail: MailRef): string {
  return `<dte-${mail.mailId}-${mail.generation}@erp-market.invalid>`;
}

export async function sendDocumentMail(
  deps: PipelineDeps,
  renderer: SharedPdfRenderer,
  job: Job<MailJob>,
): Promise<void> {
  const { tenantId, mailId, generation } = job.data;
  const ref = { mailId, generation };
  const prepared = await withTenant(deps.orm, tenantId, async (em) => {
    const mail = await mailToSend(em, mailId);
    // Sent already, failed for good, or re-opened under a newer generation: nothing to do.
    if (mail?.state !== 'pending' || mail.generation !== generation) return null;
    if (!mail.signed_xml || !mail.signed_meta)
      throw new UnrecoverableError(`mail ${mailId}: document not signed`);
    const smtp = await smtpSettings(em, deps.box, tenantId);
    const format = defaultPdfFormat(mail.doc_type);
    const pdf = await storedPdf(em, mail.document_id, format);
    const { credentials } = await activeCredentials(em, deps.box, tenantId);
    const document = pdf ? null : await signedDocument(em, mail.document_id);
    return { mail, smtp, format, pdf, credentials, document };
  });
  if (!prepared) return;
  const { mail, smtp } = prepared;
  // Each outcome reaches the back office's documents screen live.
  const record = async (write: (em: SqlExecutor) => Promise<unknown>) => {
    const mails = await withTenant(deps.orm, tenantId, async (em) => {
      await write(em);
      return documentMails(em, mail.document_id);
    });
    deps.announceMail?.(tenantId, mail.document_id, mails);
  };
  const fail = (error: Error, final: boolean) =>
    record((em) => markMailAttempt(em, ref, error.message, final));
  if (!smtp) {
    const error = new UnrecoverableError(
      'No hay servidor de correo (SMTP) configurado: configúrelo en Empresa y reenvíe el documento.',
    );
    await fail(error, true);
    throw error;
  }
  try {
    const envelope = buildEnvelope([{ ...mail.signed_meta!, xml: mail.signed_xml! }], {
      credentials: prepared.credentials,
      receiverRut: mail.signed_meta!.receiverRut,
    });
    const pdf = prepared.pdf ?? (await renderSigned(renderer, prepared.document!, prepared.format));
    const name = DTE_TYPE_NAMES[mail.doc_type as DteType] ?? `DTE ${mail.doc_type}`;
    const issuerRut = formatRut(mail.signed_meta!.issuerRut);
    const base = `DTE_${mail.signed_meta!.issuerRut}_T${mail.doc_type}_F${mail.folio}`;
    await sendMail(smtp, {
      to: mail.address,
      subject: `${name} N° ${mail.folio} de ${mail.razon_social} (R.U.T. ${issuerRut})`,
      text:
        `Estimado cliente:\n\nAdjuntamos la ${name.toLowerCase()} N° ${mail.folio} por ${formatClp(Number(mail.total))} ` +
        `emitida por ${mail.razon_social}, R.U.T. ${issuerRut}: el documento tributario electrónico ` +
        `(XML, EnvioDTE firmado) y su representación impresa (PDF).\n`,
      messageId: mailMessageId(ref),
      attachments: [
        { filename: `${base}.xml`, content: envelope, contentType: 'application/xml' },
        { filename: `${base}.pdf`, content: pdf, contentType: 'application/pdf' },
      ],
    });
  } catch (error) {
    const final = error instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    await fail(error as Error, final);
    throw error;
  }
  await record((em) => markMailSent(em, ref, mailMessageId(ref)));
}
