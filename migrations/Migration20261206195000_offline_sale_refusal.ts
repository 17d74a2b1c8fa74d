import { Migration } from '@mikro-orm/migrations';

/**
 * Offline sales the server refused at synchronisation (docs/store-node.md#refused-sales). The hub
 * printed and handed over their boletas, but no document will reach the SII under their folios:
 * they are listed for a person (re-register the sale, annul the folio) instead of living only in
 * the hub's log. One row per sale id, with the latest reason; what the hub claimed (lease, folio,
 * total) is kept as claimed, so it is not tied to a lease by a foreign key.
 */
export class Migration20261206195000_offline_sale_refusal extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table offline_sale_refusal (
        tenant_id uuid not null references tenant(id),
        sale_id uuid not null,
        store_id uuid not null,
        device_id uuid not null,
        lease_id uuid not null,
        doc_type smallint not null,
        folio integer not null,
        total integer not null,
        cashier_id uuid not null,
        issued_at timestamptz not null,
        code text not null,
        message text not null,
        first_refused_at timestamptz not null default now(),
        last_refused_at timestamptz not null default now(),
        primary key (tenant_id, sale_id),
        foreign key (tenant_id, store_id) references store(tenant_id, id),
        foreign key (tenant_id, device_id) references hub_device(tenant_id, id)
      );
      create index offline_sale_refusal_lease on offline_sale_refusal (tenant_id, lease_id, doc_type, folio);
      select enable_tenant_rls('offline_sale_refusal');
      revoke delete, truncate on offline_sale_refusal from erp_app;
    `);
  }

  override async down(): Promise<void> {
    this.addSql('drop table offline_sale_refusal;');
  }
}
