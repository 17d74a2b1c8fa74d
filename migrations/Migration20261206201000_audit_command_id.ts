import { Migration } from '@mikro-orm/migrations';

/**
 * Finds an audit entry by the hardware command it records (`details.commandId`): a store node
 * sends the drawer openings it did offline again after a dropped connection, and each must be
 * recorded once (docs/store-node.md#offline-audit).
 */
export class Migration20261206201000_audit_command_id extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create index audit_log_command on audit_log (tenant_id, (details->>'commandId'));
    `);
  }

  override async down(): Promise<void> {
    this.addSql('drop index audit_log_command;');
  }
}
