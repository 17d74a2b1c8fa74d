import { Migration } from '@mikro-orm/migrations';

/**
 * Purchasing: suppliers and goods receipts. A receipt references the supplier's document
 * (type and folio); the unique key stops the same factura or guía from being received twice.
 */
export class Migration20261124010200_purchasing extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table supplier (
        id uuid primary key,
        tenant_id uuid not null references tenant(id),
        rut text not null,
        name text not null,
        giro text not null default '',
        created_at timestamptz not null default now(),
        unique (tenant_id, rut),
        unique (tenant_id, id)
      );

      create table goods_receipt (
        id uuid primary key,
        tenant_id uuid not null references tenant(id),
        supplier_id uuid not null,
        warehouse_id uuid not null,
        document_type text not null,
        folio bigint not null check (folio > 0),
        received_by uuid,
        created_at timestamptz not null default now(),
        unique (tenant_id, supplier_id, document_type, folio),
        unique (tenant_id, id),
        foreign key (tenant_id, supplier_id) references supplier(tenant_id, id),
        foreign key (tenant_id, warehouse_id) references warehouse(tenant_id, id)
      );

      create table goods_receipt_line (
        tenant_id uuid not null references tenant(id),
        receipt_id uuid not null,
        line_no integer not null,
        product_id uuid not null,
        quantity numeric(14,3) not null check (quantity > 0),
        unit_cost numeric(20,6) not null check (unit_cost >= 0),
        primary key (tenant_id, receipt_id, line_no),
        foreign key (tenant_id, receipt_id) references goods_receipt(tenant_id, id),
        foreign key (tenant_id, product_id) references product(tenant_id, id)
      );

      select enable_tenant_rls('supplier');
      select enable_tenant_rls('goods_receipt');
      select enable_tenant_rls('goods_receipt_line');
    `);
  }

  override async down(): Promise<void> {
    this.addSql('drop table goods_receipt_line, goods_receipt, supplier;');
  }
}
