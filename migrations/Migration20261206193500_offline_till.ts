import { Migration } from '@mikro-orm/migrations';

/**
 * Tills run by the store's hub while the central server could not be reached
 * (docs/store-node.md#tills-offline): a close counted there carries the hub's id, so the same
 * close sent again after a dropped connection is recognised and never applied twice. Sessions
 * and cash movements keep the hub's own ids (their primary keys) and times.
 */
export class Migration20261206193500_offline_till extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table cash_session add column offline_close_id uuid;
      create unique index cash_session_offline_close on cash_session (tenant_id, offline_close_id)
        where offline_close_id is not null;
    `);
  }

  override async down(): Promise<void> {
    this.addSql('alter table cash_session drop column offline_close_id;');
  }
}
