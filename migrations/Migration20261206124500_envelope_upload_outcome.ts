import { Migration } from '@mikro-orm/migrations';

/**
 * Uploads whose outcome is unknown (docs/reliability.md#uploads-with-an-unknown-outcome): the SII
 * may have taken an envelope whose answer never came back (timeout, connection cut, server
 * error, a worker killed mid-request), and sending it again would have the copy refused as
 * repeated. `upload_attempts` counts the upload requests made for an envelope;
 * `upload_outcome_unknown_at` is the last moment such a request may still reach the SII (set just
 * before each request to its deadline, to its end when it ends without a definite answer) and is
 * cleared by a definite answer, so whoever finds it set (a retry, another worker after a crash)
 * asks the SII what it holds before sending anything. The table's grants and RLS cover the new
 * columns.
 */
export class Migration20261206124500_envelope_upload_outcome extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table dte_envelope
        add column upload_attempts integer not null default 0,
        add column upload_outcome_unknown_at timestamptz;
    `);
  }

  override async down(): Promise<void> {
    this.addSql(`
      alter table dte_envelope drop column upload_attempts, drop column upload_outcome_unknown_at;
    `);
  }
}
