import { Migration } from '@mikro-orm/migrations';

/**
 * Inventory: stock per product × warehouse with its weighted average cost (PPP), the
 * append-only movement ledger (kardex), the tenant's negative-stock policy, transfers between
 * warehouses and collaborative stock counts.
 *
 * Quantities are numeric(14,3), costs numeric(20,6): exact decimals, never floats. Ledger rows
 * are immutable: a trigger refuses UPDATE and DELETE (a row trigger, so statements that match
 * no visible row, like another tenant's, still touch nothing without raising).
 */
export class Migration20261124010100_inventory extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table inventory_settings (
        tenant_id uuid primary key references tenant(id),
        allow_negative_stock boolean not null default true
      );

      create table stock_level (
        tenant_id uuid not null references tenant(id),
        warehouse_id uuid not null,
        product_id uuid not null,
        quantity numeric(14,3) not null default 0,
        average_cost numeric(20,6) not null default 0 check (average_cost >= 0),
        min_quantity numeric(14,3) check (min_quantity >= 0),
        below_min boolean not null default false,
        updated_at timestamptz not null default now(),
        primary key (tenant_id, warehouse_id, product_id),
        foreign key (tenant_id, warehouse_id) references warehouse(tenant_id, id),
        foreign key (tenant_id, product_id) references product(tenant_id, id)
      );

      create table stock_movement (
        id uuid primary key,
        tenant_id uuid not null references tenant(id),
        warehouse_id uuid not null,
        product_id uuid not null,
        kind text not null check (kind in ('sale', 'return', 'receipt', 'adjustment', 'transfer_out',
                                           'transfer_in', 'count_adjustment')),
        quantity numeric(14,3) not null check (quantity <> 0),
        unit_cost numeric(20,6) not null check (unit_cost >= 0),
        resulting_quantity numeric(14,3) not null,
        resulting_average_cost numeric(20,6) not null check (resulting_average_cost >= 0),
        user_id uuid,
        device_id text,
        document_type text,
        document_id uuid,
        created_at timestamptz not null default now(),
        foreign key (tenant_id, warehouse_id) references warehouse(tenant_id, id),
        foreign key (tenant_id, product_id) references product(tenant_id, id)
      );
      create index stock_movement_kardex on stock_movement (tenant_id, warehouse_id, product_id, created_at);

      create function stock_movement_immutable() returns trigger language plpgsql as $$
      begin
        raise exception 'stock movements are append-only; write a correcting movement instead';
      end $$;
      create trigger stock_movement_immutable before update or delete on stock_movement
        for each row execute function stock_movement_immutable();

      create table stock_transfer (
        id uuid primary key,
        tenant_id uuid not null references tenant(id),
        from_warehouse_id uuid not null,
        to_warehouse_id uuid not null check (to_warehouse_id <> from_warehouse_id),
        status text not null check (status in ('sent', 'received')),
        sent_by uuid not null,
        sent_at timestamptz not null default now(),
        received_by uuid,
        received_at timestamptz,
        unique (tenant_id, id),
        foreign key (tenant_id, from_warehouse_id) references warehouse(tenant_id, id),
        foreign key (tenant_id, to_warehouse_id) references warehouse(tenant_id, id)
      );

      create table stock_transfer_line (
        tenant_id uuid not null references tenant(id),
        transfer_id uuid not null,
        product_id uuid not null,
        quantity_sent numeric(14,3) not null check (quantity_sent > 0),
        unit_cost numeric(20,6) not null,
        quantity_received numeric(14,3) check (quantity_received >= 0),
        primary key (tenant_id, transfer_id, product_id),
        foreign key (tenant_id, transfer_id) references stock_transfer(tenant_id, id),
        foreign key (tenant_id, product_id) references product(tenant_id, id)
      );

      create table stock_count (
        id uuid primary key,
        tenant_id uuid not null references tenant(id),
        warehouse_id uuid not null,
        full_count boolean not null,
        zones text[] not null default '{}',
        status text not null check (status in ('open', 'closed', 'applied')),
        started_by uuid not null,
        started_at timestamptz not null default now(),
        closed_at timestamptz,
        applied_at timestamptz,
        unique (tenant_id, id),
        foreign key (tenant_id, warehouse_id) references warehouse(tenant_id, id)
      );
      create unique index stock_count_one_open on stock_count (tenant_id, warehouse_id) where status = 'open';

      create table stock_count_scan (
        id uuid primary key,
        tenant_id uuid not null references tenant(id),
        count_id uuid not null,
        barcode text not null,
        product_id uuid,
        quantity numeric(14,3) not null check (quantity <> 0),
        zone text,
        user_id uuid not null,
        device_id text,
        scanned_at timestamptz not null default now(),
        foreign key (tenant_id, count_id) references stock_count(tenant_id, id),
        foreign key (tenant_id, product_id) references product(tenant_id, id)
      );
      create index stock_count_scan_count on stock_count_scan (count_id, product_id);

      create table stock_count_line (
        tenant_id uuid not null references tenant(id),
        count_id uuid not null,
        product_id uuid not null,
        expected_quantity numeric(14,3) not null,
        counted_quantity numeric(14,3) not null,
        variance numeric(14,3) not null,
        primary key (tenant_id, count_id, product_id),
        foreign key (tenant_id, count_id) references stock_count(tenant_id, id),
        foreign key (tenant_id, product_id) references product(tenant_id, id)
      );

      select enable_tenant_rls('inventory_settings');
      select enable_tenant_rls('stock_level');
      select enable_tenant_rls('stock_movement');
      select enable_tenant_rls('stock_transfer');
      select enable_tenant_rls('stock_transfer_line');
      select enable_tenant_rls('stock_count');
      select enable_tenant_rls('stock_count_scan');
      select enable_tenant_rls('stock_count_line');
    `);
  }

  override async down(): Promise<void> {
    this.addSql(`
      drop table stock_count_line, stock_count_scan, stock_count, stock_transfer_line, stock_transfer,
        stock_movement, stock_level, inventory_settings;
      drop function stock_movement_immutable();
    `);
  }
}
