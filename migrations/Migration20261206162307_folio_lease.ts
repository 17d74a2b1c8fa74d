import { Migration } from '@mikro-orm/migrations';

/**
 * The store node (docs/store-node.md): folio leases for store hubs and the offline sales they
 * synchronise.
 *
 * `folio_lease` is a range of one CAF granted to one hub credential. It is carved from the same
 * counter the online sales take folios from (`caf.next_folio`, advanced past the range in one
 * UPDATE), so an online sale never takes a leased folio; the exclusion constraint keeps two
 * leases of a type from ever sharing a folio as a last guard. A lease follows its hub through a
 * credential renewal (`device_id` moves to the renewed credential) and dies with a revocation
 * (`revoked_at`): its unused folios are then listed for anulación at the SII.
 *
 * `offline_sale` records which lease folio each synchronised sale used; (tenant, type, folio) is
 * unique here as it is on `sale`. `folio_lease_void` records leased folios printed on a sale the
 * server had committed online under another folio: they are annulled like a revoked lease's.
 *
 * `store_lease_setting` is the lease size per store and document type (0: none of that type).
 * `store_node_state` is each store's node as last known: its hub's report (offline since, sales
 * waiting) and when its socket dropped. `hub_device.seal_key` is the X25519 public key the hub
 * bound to its credential at its first lease.
 */
export class Migration20261206162307_folio_lease extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create extension if not exists btree_gist;

      alter table hub_device add column seal_key text;

      create table folio_lease (
        id uuid primary key,
        tenant_id uuid not null references tenant(id),
        store_id uuid not null,
        device_id uuid not null,
        caf_id uuid not null references caf(id),
        doc_type smallint not null,
        folio_from integer not null,
        folio_to integer not null,
        granted_at timestamptz not null default now(),
        revoked_at timestamptz,
        check (folio_from <= folio_to),
        unique (tenant_id, id),
        foreign key (tenant_id, store_id) references store(tenant_id, id),
        foreign key (tenant_id, device_id) references hub_device(tenant_id, id),
        constraint folio_lease_no_overlap exclude using gist
          (tenant_id with =, doc_type with =, int4range(folio_from, folio_to, '[]') with &&)
      );
      create index folio_lease_device on folio_lease (tenant_id, device_id) where revoked_at is null;
      select enable_tenant_rls('folio_lease');

      create table offline_sale (
        sale_id uuid primary key references sale(id),
        tenant_id uuid not null references tenant(id),
        lease_id uuid not null,
        device_id uuid not null,
        doc_type smallint not null,
        folio integer not null,
        synced_at timestamptz not null default now(),
        unique (tenant_id, doc_type, folio),
        foreign key (tenant_id, lease_id) references folio_lease(tenant_id, id)
      );
      create index offline_sale_lease on offline_sale (tenant_id, lease_id);
      select enable_tenant_rls('offline_sale');

      -- Leased folios the hub printed on a sale the server had already committed online under
      -- another folio (its ack was lost): no document will carry them; annul them at the SII.
      create table folio_lease_void (
        tenant_id uuid not null references tenant(id),
        lease_id uuid not null,
        doc_type smallint not null,
        folio integer not null,
        sale_id uuid not null references sale(id),
        created_at timestamptz not null default now(),
        primary key (tenant_id, doc_type, folio),
        foreign key (tenant_id, lease_id) references folio_lease(tenant_id, id)
      );
      select enable_tenant_rls('folio_lease_void');

      create table store_lease_setting (
        tenant_id uuid not null references tenant(id),
        store_id uuid not null,
        doc_type smallint not null check (doc_type in (33, 39, 41)),
        size integer not null check (size >= 0 and size <= 50000),
        primary key (tenant_id, store_id, doc_type),
        foreign key (tenant_id, store_id) references store(tenant_id, id)
      );
      select enable_tenant_rls('store_lease_setting');

      create table store_node_state (
        tenant_id uuid not null references tenant(id),
        store_id uuid not null,
        offline_since timestamptz,
        pending integer not null default 0 check (pending >= 0),
        reported_at timestamptz,
        disconnected_at timestamptz,
        primary key (tenant_id, store_id),
        foreign key (tenant_id, store_id) references store(tenant_id, id)
      );
      select enable_tenant_rls('store_node_state');

      revoke delete, truncate on folio_lease, offline_sale, folio_lease_void from erp_app;
    `);
  }

  override async down(): Promise<void> {
    this.addSql(`
      drop table store_node_state, store_lease_setting, folio_lease_void, offline_sale, folio_lease;
      alter table hub_device drop column seal_key;
    `);
  }
}
