/**
 * SQL of the documents e-mailed to their buyers (`dte_mail`): one row per document and address,
 * queued through the outbox (topic `dte.mail`) in the transaction that creates or re-opens it, so
 * a committed mail always reaches the queue (docs/reliability.md#outbox-job-ids).
 */
import type { SqlExecutor } from '../platform/sql-session.ts';
import type { SignedMeta } from './envelope.queries.ts';

export const MAIL_TOPIC = 'dte.mail';

/** What the relay puts in a mail job. */
export interface MailRef {
  mailId: string;
  generation: number;
}

/**
 * A mail for each signed document with a buyer's address, once per document and address (a
 * document signed again finds its row and queues nothing), each with its outbox row.
 */
export async function queueDocumentMails(
  em: SqlExecutor,
  mails: readonly { documentId: string; address: string }[],
): Promise<void> {
  if (mails.length === 0) return;
  await em.execute(
    `with wanted as (
       select gen_random_uuid() as id, w.document_id, lower(w.address) as address
         from jsonb_to_recordset(?::jsonb) as w(document_id uuid, address text)
     ), created as (
       insert into dte_mail (id, tenant_id, document_id, address)
       select id, current_tenant_id(), document_id, address from wanted
       on conflict (tenant_id, document_id, address) do nothing
       returning id, generation
     )
     insert into outbox (tenant_id, topic, key, payload)
     select current_tenant_id(), '${MAIL_TOPIC}', 'mail-' || id || '-' || generation,
            jsonb_build_object('mailId', id, 'generation', generation)
       from created`,
    [JSON.stringify(mails.map((m) => ({ document_id: m.documentId, address: m.address })))],
  );
}

export interface MailToSend {
  id: string;
  address: string;
  state: 'pending' | 'sent' | 'failed';
  generation: number;
  document_id: string;
  doc_type: number;
  folio: number;
  total: string;
  signed_xml: string | null;
  signed_meta: SignedMeta | null;
  razon_social: string;
}

/** A mail with its document and the issuer's name. */
export async function mailToSend(em: SqlExecutor, mailId: string): Promise<MailToSend | null> {
  const [row] = await em.execute<MailToSend[]>(
    `select m.id, m.address, m.state, m.generation, d.id as document_id, d.doc_type, d.folio, d.total,
            d.signed_xml, d.signed_meta, t.razon_social
       from dte_mail m join dte_document d on d.id = m.document_id join tenant t on t.id = m.tenant_id
      where m.id = ?`,
    [mailId],
  );
  return row ?? null;
}

/** Records that the server took the message; only the attempt of the current generation counts. */
export async function markMailSent(em: SqlExecutor, mail: MailRef, messageId: string): Promise<boolean> {
  const rows = await em.execute(
    `update dte_mail set state = 'sent', attempts = attempts + 1, message_id = ?, sent_at = now(),
            last_error = null, updated_at = now()
      where id = ? and generation = ? and state = 'pending' returning id`,
    [messageId, mail.mailId, mail.generation],
  );
  return rows.length > 0;
}

/** Records a failed attempt; `final` when the retries are used up (the row shows `failed`). */
export async function markMailAttempt(
  em: SqlExecutor,
  mail: MailRef,
  error: string,
  final: boolean,
): Promise<void> {
  await em.execute(
    `update dte_mail set attempts = attempts + 1, last_error = ?, updated_at = now(),
            state = case when ? then 'failed' else state end
      where id = ? and generation = ? and state = 'pending'`,
    [error.slice(0, 1000), final, mail.mailId, mail.generation],
  );
}

/**
 * Re-opens the document's failed mails under a new generation, each with its outbox row: the
 * new job's id differs from the failed one's, and a late job of the old generation steps aside.
 */
export async function reopenFailedMails(em: SqlExecutor, documentId: string): Promise<number> {
  const rows = await em.execute<{ id: string }[]>(
    `with reopened as (
       update dte_mail set state = 'pending', generation = generation + 1, attempts = 0,
              last_error = null, updated_at = now()
        where document_id = ? and state = 'failed'
       returning id, generation
     )
     insert into outbox (tenant_id, topic, key, payload)
     select current_tenant_id(), '${MAIL_TOPIC}', 'mail-' || id || '-' || generation,
            jsonb_build_object('mailId', id, 'generation', generation)
       from reopened
     returning id`,
    [documentId],
  );
  return rows.length;
}

/** The document's mails as the back office shows them. */
export async function documentMails(em: SqlExecutor, documentId: string) {
  const rows = await em.execute<
    {
      address: string;
      state: 'pending' | 'sent' | 'failed';
      attempts: number;
      last_error: string | null;
      sent_at: Date | null;
    }[]
  >(
    'select address, state, attempts, last_error, sent_at from dte_mail where document_id = ? order by address',
    [documentId],
  );
  return rows.map((r) => ({
    address: r.address,
    state: r.state,
    attempts: r.attempts,
    lastError: r.last_error,
    sentAt: r.sent_at ? new Date(r.sent_at).toISOString() : null,
  }));
}

/** Whether the document exists for the current tenant (RLS). */
export async function documentExists(em: SqlExecutor, documentId: string): Promise<boolean> {
  const [row] = await em.execute('select 1 from dte_document where id = ?', [documentId]);
  return row !== undefined;
}
