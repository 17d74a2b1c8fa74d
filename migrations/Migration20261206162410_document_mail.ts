import { Migration } from '@mikro-orm/migrations';

/**
 * Facturas and notas e-mailed to their buyer (docs/sii-rules.md#documents-for-the-buyer): the company's own
 * SMTP server, and one row per document and address that says whether it went.
 *
 * - `tenant_smtp`: one per company: host, port, TLS from the start (`secure`) or STARTTLS, the
 *   login and its password sealed like every other secret (`*_sealed`, so a key rotation finds
 *   it), and the From address.
 * - `dte_mail`: a document mailed to an address, once: `pending` until the SMTP server took
 *   it (`sent`, with its Message-ID), `failed` after the retries, with the last error. A
 *   "reenviar" from the back office makes a failed row pending again under a new `generation`,
 *   so the new job is not the failed one's id and an older job still retrying steps aside.
 * - `dte_mail_lost`: on the worker's recovery, the relayed outbox rows of mails still pending
 *   become pending again (the queue may have lost their jobs), as `sii_lost_work` does for documents.
 */
export class Migration20261206162410_document_mail extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table tenant_smtp (
        id uuid primary key,
        tenant_id uuid not null unique references tenant(id),
        host text not null check (length(host) between 1 and 255),
        port integer not null check (port between 1 and 65535),
        secure boolean not null,
        username text,
        password_sealed text,
        from_address text not null check (length(from_address) between 3 and 254),
        updated_at timestamptz not null default now()
      );
      select enable_tenant_rls('tenant_smtp');

      create table dte_mail (
        id uuid primary key,
        tenant_id uuid not null references tenant(id),
        document_id uuid not null references dte_document(id),
        address text not null,
        state text not null default 'pending' check (state in ('pending', 'sent', 'failed')),
        generation integer not null default 1,
        attempts integer not null default 0,
        last_error text,
        message_id text,
        sent_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        unique (tenant_id, document_id, address)
      );
      create index dte_mail_document on dte_mail (tenant_id, document_id);
      select enable_tenant_rls('dte_mail');

      create function dte_mail_lost(p_tenants uuid[] default null)
        returns integer
        language sql volatile security definer set search_path = public as $$
          with requeued as (
            update outbox o set processed_at = null
              from dte_mail m
             where o.topic = 'dte.mail' and o.processed_at is not null
               and o.processed_at > now() - interval '7 days'
               and m.tenant_id = o.tenant_id and m.id = (o.payload->>'mailId')::uuid
               and m.generation = (o.payload->>'generation')::integer and m.state = 'pending'
               and (p_tenants is null or o.tenant_id = any(p_tenants))
            returning 1
          )
          select count(*)::integer from requeued
        $$;
      grant select on dte_mail to erp_auth;
      alter function dte_mail_lost(uuid[]) owner to erp_auth;
      revoke all on function dte_mail_lost(uuid[]) from public;
      grant execute on function dte_mail_lost(uuid[]) to erp_worker;
    `);
  }

  override async down(): Promise<void> {
    this.addSql(`
      drop function dte_mail_lost(uuid[]);
      revoke select on dte_mail from erp_auth;
      drop table dte_mail;
      drop table tenant_smtp;
    `);
  }
}
