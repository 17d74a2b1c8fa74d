import { Migration } from '@mikro-orm/migrations';

/**
 * A sale's and a cash session's terminal belong to their store: (tenant, store, terminal) must
 * name one terminal row, so a payload can no longer pair one store with another store's till.
 */
export class Migration20261206010000_terminal_store extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table terminal add constraint terminal_store_id unique (tenant_id, store_id, id);
      alter table sale add constraint sale_terminal_of_store
        foreign key (tenant_id, store_id, terminal_id) references terminal (tenant_id, store_id, id);
      alter table cash_session add constraint cash_session_terminal_of_store
        foreign key (tenant_id, store_id, terminal_id) references terminal (tenant_id, store_id, id);
    `);
  }

  override async down(): Promise<void> {
    this.addSql(`
      alter table cash_session drop constraint cash_session_terminal_of_store;
      alter table sale drop constraint sale_terminal_of_store;
      alter table terminal drop constraint terminal_store_id;
    `);
  }
}
