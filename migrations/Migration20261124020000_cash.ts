import { Migration } from '@mikro-orm/migrations';

/**
 * Cash sessions (one open per terminal) with running totals kept up to date by every sale, so
 * the X report is a read and closing is instant whatever the number of tickets; cash in/out
 * movements; tenant settings (validated in code by `TenantSettings`).
 */
export class Migration20261124020000_cash extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table tenant add column settings jsonb not null default '{}'::jsonb;

      create table cash_session (
        id uuid primary key,
        tenant_id uuid not null references tenant(id),
        store_id uuid not null,
        terminal_id uuid not null,
        cashier_id uuid not null references app_user(id),
        status text not null default 'open' check (status in ('open', 'pending_approval', 'closed')),
        opened_at timestamptz not null default now(),
        opening_float bigint not null check (opening_float >= 0),
        cash_sales bigint not null default 0,
        card_sales bigint not null default 0,
        cash_refunds bigint not null default 0,
        card_refunds bigint not null default 0,
        cash_in bigint not null default 0,
        cash_out bigint not null default 0,
        ticket_count integer not null default 0,
        return_count integer not null default 0,
        counted_denominations jsonb,
        counted_cash bigint,
        counted_card bigint,
        closed_at timestamptz,
        closed_by uuid references app_user(id),
        approved_by uuid references app_user(id),
        z_number integer,
        foreign key (tenant_id, store_id) references store(tenant_id, id),
        foreign key (tenant_id, terminal_id) references terminal(tenant_id, id)
      );
      create unique index cash_session_one_open_per_terminal on cash_session (tenant_id, terminal_id)
        where status <> 'closed';
      create unique index cash_session_z_number on cash_session (tenant_id, terminal_id, z_number);
      create index cash_session_store on cash_session (tenant_id, store_id, opened_at desc);
      select enable_tenant_rls('cash_session');

      create table cash_movement (
        id uuid primary key,
        tenant_id uuid not null references tenant(id),
        session_id uuid not null references cash_session(id),
        kind text not null check (kind in ('in', 'out')),
        amount bigint not null check (amount > 0),
        reason text not null,
        user_id uuid not null references app_user(id),
        created_at timestamptz not null default now()
      );
      create index cash_movement_session on cash_movement (session_id);
      select enable_tenant_rls('cash_movement');
    `);
  }

  override async down(): Promise<void> {
    this.addSql('drop table cash_movement, cash_session; alter table tenant drop column settings;');
  }
}
