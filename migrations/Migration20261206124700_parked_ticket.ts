import { Migration } from '@mikro-orm/migrations';

/**
 * Parked tickets (ticket en espera): a till parks its open ticket and any till of the same store
 * resumes it. The server keeps them, so they outlive a reload, a cash session and a restart.
 *
 * The id is the POS's own (its sale id for the ticket), hence the key (tenant, id). A row is
 * parked once and leaves once: resumed or discarded, it stays as a record of who took it, where
 * and when, and the serving role may not delete it. Both tills (the one that parked, the one that
 * took it) belong to the ticket's store, by foreign key as for sales. The lines are the till's own
 * JSON (product, quantity, the price seen, and whatever else its line carries); item count and
 * total are what the till showed, for the list only.
 */
export class Migration20261206124700_parked_ticket extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table parked_ticket (
        tenant_id uuid not null references tenant(id),
        id uuid not null,
        store_id uuid not null,
        terminal_id uuid not null,
        label text not null check (char_length(label) between 1 and 40),
        doc_type smallint not null check (doc_type in (39, 33)),
        customer_id uuid,
        lines jsonb not null check (jsonb_typeof(lines) = 'array'),
        voided_lines jsonb not null default '[]' check (jsonb_typeof(voided_lines) = 'array'),
        extra jsonb not null default '{}' check (jsonb_typeof(extra) = 'object'),
        item_count integer not null check (item_count >= 0),
        total bigint not null check (total >= 0),
        parked_by uuid not null references app_user(id),
        parked_at timestamptz not null default now(),
        status text not null default 'parked' check (status in ('parked', 'resumed', 'discarded')),
        closed_by uuid references app_user(id),
        closed_terminal_id uuid,
        closed_at timestamptz,
        primary key (tenant_id, id),
        foreign key (tenant_id, store_id, terminal_id) references terminal (tenant_id, store_id, id),
        foreign key (tenant_id, store_id, closed_terminal_id) references terminal (tenant_id, store_id, id),
        foreign key (tenant_id, customer_id) references customer (tenant_id, id),
        check ((status = 'parked') = (closed_at is null)),
        check ((status = 'parked') = (closed_by is null))
      );
      create index parked_ticket_waiting on parked_ticket (tenant_id, store_id, parked_at) where status = 'parked';
      select enable_tenant_rls('parked_ticket');
      grant select, insert, update on parked_ticket to erp_app;
      revoke delete, truncate on parked_ticket from erp_app;
    `);
  }

  override async down(): Promise<void> {
    this.addSql('drop table parked_ticket;');
  }
}
