import { Migration } from '@mikro-orm/migrations';

/**
 * Rendered PDFs of accepted documents, one per document in its default format (80 mm roll for
 * boletas, letter for the rest), kept apart from `dte_document` so the pipeline's frequent state
 * updates never touch the PDF bytes. Replaces the unused `dte_document.pdf` column.
 *
 * The relay's cross-tenant functions take an optional tenant allow-list: null (production) means
 * every tenant; tests pass their own tenants so a test worker never takes another file's work.
 */
export class Migration20261124040100_sii_pdf extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table dte_pdf (
        document_id uuid primary key references dte_document(id),
        tenant_id uuid not null references tenant(id),
        format text not null check (format in ('thermal', 'letter')),
        pdf bytea not null,
        created_at timestamptz not null default now()
      );
      select enable_tenant_rls('dte_pdf');
      grant select, insert on dte_pdf to erp_app;
      alter table dte_document drop column pdf;

      drop function outbox_claim(text, integer);
      create function outbox_claim(p_topic text, p_limit integer, p_tenants uuid[] default null)
        returns table (id bigint, tenant_id uuid, key text, payload jsonb)
        language sql volatile security definer set search_path = public as $$
          select o.id, o.tenant_id, o.key, o.payload from outbox o
           where o.processed_at is null and o.topic = p_topic
             and (p_tenants is null or o.tenant_id = any(p_tenants))
           order by o.id limit p_limit
           for update skip locked
        $$;
      drop function sii_unfinished_work(interval);
      create function sii_unfinished_work(p_older_than interval, p_tenants uuid[] default null)
        returns table (tenant_id uuid, what text, ref text)
        language sql stable security definer set search_path = public as $$
          select * from (
            select distinct d.tenant_id, 'envelope', case when d.doc_type in (39, 41) then 'EnvioBOLETA' else 'EnvioDTE' end
              from dte_document d where d.state = 'signed' and d.updated_at < now() - p_older_than
            union all
            select e.tenant_id, case when e.state = 'built' then 'upload' else 'status' end, e.id::text
              from dte_envelope e where e.state in ('built', 'uploaded') and e.created_at < now() - p_older_than
          ) w where p_tenants is null or w.tenant_id = any(p_tenants)
        $$;
      alter function outbox_claim(text, integer, uuid[]) owner to erp_auth;
      alter function sii_unfinished_work(interval, uuid[]) owner to erp_auth;
      revoke all on function outbox_claim(text, integer, uuid[]), sii_unfinished_work(interval, uuid[]) from public;
      grant execute on function outbox_claim(text, integer, uuid[]), sii_unfinished_work(interval, uuid[]) to erp_app;
    `);
  }

  override async down(): Promise<void> {
    this.addSql(`
      drop function outbox_claim(text, integer, uuid[]);
      create function outbox_claim(p_topic text, p_limit integer)
        returns table (id bigint, tenant_id uuid, key text, payload jsonb)
        language sql volatile security definer set search_path = public as $$
          select o.id, o.tenant_id, o.key, o.payload from outbox o
           where o.processed_at is null and o.topic = p_topic
           order by o.id limit p_limit
           for update skip locked
        $$;
      drop function sii_unfinished_work(interval, uuid[]);
      create function sii_unfinished_work(p_older_than interval)
        returns table (tenant_id uuid, what text, ref text)
        language sql stable security definer set search_path = public as $$
          select distinct d.tenant_id, 'envelope', case when d.doc_type in (39, 41) then 'EnvioBOLETA' else 'EnvioDTE' end
            from dte_document d where d.state = 'signed' and d.updated_at < now() - p_older_than
          union all
          select e.tenant_id, case when e.state = 'built' then 'upload' else 'status' end, e.id::text
            from dte_envelope e where e.state in ('built', 'uploaded') and e.created_at < now() - p_older_than
        $$;
      alter function outbox_claim(text, integer) owner to erp_auth;
      alter function sii_unfinished_work(interval) owner to erp_auth;
      revoke all on function outbox_claim(text, integer), sii_unfinished_work(interval) from public;
      grant execute on function outbox_claim(text, integer), sii_unfinished_work(interval) to erp_app;
      alter table dte_document add column pdf bytea;
      drop table dte_pdf;
    `);
  }
}
