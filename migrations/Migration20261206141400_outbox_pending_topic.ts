import { Migration } from '@mikro-orm/migrations';

/**
 * The SII relay's claim (`outbox_claim`: pending rows of one topic, oldest first) read the pending
 * rows of every topic in id order and filtered the topic: receipts of a store whose hub is away
 * stay pending, so each relay pass scanned past all of them (thousands in a busy day). Pending rows
 * are indexed by topic first now. The function's plan is generic (the topic is a parameter), so a
 * partial index per topic would not be used. The table's grants and RLS are unchanged.
 */
export class Migration20261206141400_outbox_pending_topic extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create index outbox_pending_topic on outbox (topic, id) where processed_at is null;
      drop index outbox_pending;
    `);
  }

  override async down(): Promise<void> {
    this.addSql(`
      create index outbox_pending on outbox (id) where processed_at is null;
      drop index outbox_pending_topic;
    `);
  }
}
