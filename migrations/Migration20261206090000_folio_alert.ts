import { Migration } from '@mikro-orm/migrations';

/**
 * The low-folio alert's state per tenant and document type: whether the folios left in CAFs in
 * force are under the tenant's threshold, and the threshold that was compared. The alert fires
 * only when a statement flips `below` from false to true, so it fires once per crossing whichever
 * server process takes the folio, and a restarted server finds the state instead of guessing it.
 * Folio takes (the sale's hot path) compare against the stored threshold, so they never read the
 * tenant's settings; every threshold change and CAF upload writes it here. `cafs` is how many CAFs
 * of the type that check counted: a take whose statement began before a CAF upload committed does
 * not see the new folios, and flips nothing when its count of CAFs differs from the row's.
 *
 * `folio_alert_stale_tenants` lists, for the check a server runs at start, the tenants whose state
 * may have moved without a statement that re-checks it: a document type with CAFs and no state
 * yet (CAFs older than this table), or one not below whose count fell by a CAF expiring. It has no
 * tenant yet: a SECURITY DEFINER owned by erp_auth, like the other cross-tenant lookups.
 */
export class Migration20261206090000_folio_alert extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table folio_alert (
        tenant_id uuid not null references tenant(id),
        doc_type smallint not null,
        threshold integer not null check (threshold >= 0),
        cafs integer not null,
        below boolean not null,
        changed_at timestamptz not null default now(),
        primary key (tenant_id, doc_type)
      );
      select enable_tenant_rls('folio_alert');

      create function folio_alert_stale_tenants() returns setof uuid
        language sql stable security definer set search_path = public as $$
          select distinct c.tenant_id from caf c
            left join folio_alert a on a.tenant_id = c.tenant_id and a.doc_type = c.doc_type
           where a.tenant_id is null
              or (not a.below and c.expires_on < current_date and c.next_folio <= c.folio_to)
        $$;
      grant select on caf, folio_alert to erp_auth;
      alter function folio_alert_stale_tenants() owner to erp_auth;
      revoke all on function folio_alert_stale_tenants() from public;
      grant execute on function folio_alert_stale_tenants() to erp_app;
    `);
  }

  override async down(): Promise<void> {
    this.addSql(`
      drop function folio_alert_stale_tenants();
      revoke select on caf from erp_auth;
      drop table folio_alert;
    `);
  }
}
