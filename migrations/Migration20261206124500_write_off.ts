import { Migration } from '@mikro-orm/migrations';

/**
 * Mermas (write-offs): `stock_write_off` keeps what the ledger row cannot (the reason and a
 * note) for one product leaving one warehouse; its stock movement, of the new kind `write_off`,
 * names it as its document and carries the quantity and the PPP it left at, so the report
 * values mermas from the ledger itself. Like the ledger, a merma is never changed or removed:
 * the serving role may insert and read the rows only (a mistake is corrected by a receipt or a
 * count, which the ledger shows too). The period index serves the report's date range.
 */
export class Migration20261206124500_write_off extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table stock_movement drop constraint stock_movement_kind_check;
      alter table stock_movement add constraint stock_movement_kind_check
        check (kind in ('sale', 'return', 'receipt', 'adjustment', 'transfer_out', 'transfer_in',
                        'count_adjustment', 'write_off'));

      create table stock_write_off (
        id uuid primary key,
        tenant_id uuid not null references tenant(id),
        warehouse_id uuid not null,
        product_id uuid not null,
        quantity numeric(14,3) not null check (quantity > 0),
        reason text not null check (reason in ('expired', 'damaged', 'theft', 'internal_use')),
        note text check (char_length(note) <= 200),
        user_id uuid not null references app_user(id),
        created_at timestamptz not null default now(),
        foreign key (tenant_id, warehouse_id) references warehouse(tenant_id, id),
        foreign key (tenant_id, product_id) references product(tenant_id, id)
      );
      create index stock_write_off_period on stock_write_off (tenant_id, created_at);
      select enable_tenant_rls('stock_write_off');
      grant select, insert on stock_write_off to erp_app;
      revoke update, delete, truncate on stock_write_off from erp_app;
    `);
  }

  override async down(): Promise<void> {
    this.addSql(`
      drop table stock_write_off;
      alter table stock_movement drop constraint stock_movement_kind_check;
      alter table stock_movement add constraint stock_movement_kind_check
        check (kind in ('sale', 'return', 'receipt', 'adjustment', 'transfer_out', 'transfer_in',
                        'count_adjustment'));
    `);
  }
}
