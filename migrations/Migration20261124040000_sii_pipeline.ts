import { Migration } from '@mikro-orm/migrations';

/**
 * The SII pipeline: each stamped sale becomes a `dte_document` that moves
 * stamped → signed → in_envelope → uploaded → accepted | objected | rejected (or failed before
 * reaching the SII), with every step and the SII's raw answer in `dte_event`. Envelopes keep
 * their signed bytes and the SII track id; the tenant's certificate is stored sealed.
 *
 * The relay in the worker reads pending outbox rows of every tenant through SECURITY DEFINER
 * functions owned by erp_auth (the serving role stays under RLS), woken by NOTIFY on insert.
 */
export class Migration20261124040000_sii_pipeline extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table sii_certificate (
        id uuid primary key,
        tenant_id uuid not null references tenant(id),
        pfx_sealed text not null,
        password_sealed text not null,
        holder_name text not null,
        holder_rut text,
        valid_to timestamptz not null,
        active boolean not null default true,
        uploaded_at timestamptz not null default now()
      );
      create unique index sii_certificate_active on sii_certificate (tenant_id) where active;
      select enable_tenant_rls('sii_certificate');

      create table dte_envelope (
        id uuid primary key,
        tenant_id uuid not null references tenant(id),
        kind text not null check (kind in ('EnvioDTE', 'EnvioBOLETA')),
        xml bytea not null,
        document_count integer not null,
        state text not null default 'built' check (state in ('built', 'uploaded', 'done', 'refused')),
        track_id text,
        last_response text,
        created_at timestamptz not null default now(),
        uploaded_at timestamptz,
        finished_at timestamptz
      );
      select enable_tenant_rls('dte_envelope');

      create table dte_document (
        id uuid primary key,
        tenant_id uuid not null references tenant(id),
        sale_id uuid not null,
        doc_type smallint not null,
        folio integer not null,
        issued_at timestamptz not null,
        total bigint not null,
        state text not null check (state in ('stamped', 'signed', 'in_envelope', 'uploaded', 'accepted', 'objected', 'rejected', 'failed')),
        signed_xml text,
        signed_meta jsonb,
        envelope_id uuid references dte_envelope(id),
        track_id text,
        sii_status text,
        sii_detail text,
        pdf bytea,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        -- Exactly-once truth: one document per folio and per sale, whatever the queue does.
        unique (tenant_id, doc_type, folio),
        unique (tenant_id, sale_id)
      );
      create index dte_document_signed on dte_document (tenant_id, doc_type, created_at) where state = 'signed';
      create index dte_document_recent on dte_document (tenant_id, issued_at desc);
      create index dte_document_envelope on dte_document (envelope_id) where envelope_id is not null;
      select enable_tenant_rls('dte_document');

      create table dte_event (
        id bigint generated always as identity primary key,
        tenant_id uuid not null references tenant(id),
        document_id uuid not null references dte_document(id),
        state text not null,
        detail text,
        raw_response text,
        created_at timestamptz not null default clock_timestamp()
      );
      create index dte_event_document on dte_event (document_id, id);
      select enable_tenant_rls('dte_event');

      -- Wakes the relay; one notification per statement (NOTIFY also folds duplicates per transaction).
      create function outbox_notify() returns trigger language plpgsql as $$
      begin
        perform pg_notify('outbox', '');
        return null;
      end $$;
      create trigger outbox_notify after insert on outbox for each statement execute function outbox_notify();

      -- Pending outbox rows of a topic across tenants, locked until the caller's transaction ends.
      create function outbox_claim(p_topic text, p_limit integer)
        returns table (id bigint, tenant_id uuid, key text, payload jsonb)
        language sql volatile security definer set search_path = public as $$
          select o.id, o.tenant_id, o.key, o.payload from outbox o
           where o.processed_at is null and o.topic = p_topic
           order by o.id limit p_limit
           for update skip locked
        $$;
      create function outbox_mark_processed(p_ids bigint[]) returns void
        language sql volatile security definer set search_path = public as $$
          update outbox set processed_at = now() where id = any(p_ids) and processed_at is null
        $$;
      -- Work a lost queue message would leave behind: signed documents not yet in an envelope and
      -- envelopes not yet finished, older than the given age (the worker's backstop sweep).
      create function sii_unfinished_work(p_older_than interval)
        returns table (tenant_id uuid, what text, ref text)
        language sql stable security definer set search_path = public as $$
          select distinct d.tenant_id, 'envelope', case when d.doc_type in (39, 41) then 'EnvioBOLETA' else 'EnvioDTE' end
            from dte_document d where d.state = 'signed' and d.updated_at < now() - p_older_than
          union all
          select e.tenant_id, case when e.state = 'built' then 'upload' else 'status' end, e.id::text
            from dte_envelope e where e.state in ('built', 'uploaded') and e.created_at < now() - p_older_than
        $$;

      grant select, update on outbox to erp_auth;
      grant select on dte_document, dte_envelope to erp_auth;
      alter function outbox_claim(text, integer) owner to erp_auth;
      alter function outbox_mark_processed(bigint[]) owner to erp_auth;
      alter function sii_unfinished_work(interval) owner to erp_auth;
      revoke all on function outbox_claim(text, integer), outbox_mark_processed(bigint[]), sii_unfinished_work(interval) from public;
      grant execute on function outbox_claim(text, integer), outbox_mark_processed(bigint[]), sii_unfinished_work(interval) to erp_app;
      grant select, insert, update, delete on sii_certificate, dte_envelope, dte_document, dte_event to erp_app;
      grant usage on all sequences in schema public to erp_app;
    `);
  }

  override async down(): Promise<void> {
    this.addSql(`
      drop function if exists outbox_claim(text, integer), outbox_mark_processed(bigint[]), sii_unfinished_work(interval);
      drop trigger if exists outbox_notify on outbox;
      drop function if exists outbox_notify();
      drop table dte_event, dte_document, dte_envelope, sii_certificate;
    `);
  }
}
