import { Migration } from '@mikro-orm/migrations';

/**
 * A cash session also tallies what its sales put on customer accounts (fiado): no money enters
 * the drawer, but the X and Z reports must add up to the session's sales, as an accountant
 * checks them against the documents issued.
 */
export class Migration20261206162149_session_fiado_sales extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table cash_session add column fiado_sales bigint not null default 0;');
  }

  override async down(): Promise<void> {
    this.addSql('alter table cash_session drop column fiado_sales;');
  }
}
