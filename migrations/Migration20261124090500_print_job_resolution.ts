import { Migration } from '@mikro-orm/migrations';

/**
 * A print job that ended `uncertain` or `expired` waits for the cashier of its terminal, who
 * either reprints it as a copy or confirms the paper came out. `resolved_at`/`resolved_by`
 * record that decision; the POS lists its terminal's unresolved jobs through the partial index.
 */
export class Migration20261124090500_print_job_resolution extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table print_job
        add column resolved_at timestamptz,
        add column resolved_by uuid references app_user(id);
      create index print_job_terminal_open on print_job (tenant_id, terminal_id, created_at)
        where resolved_at is null and state <> 'done';
    `);
  }

  override async down(): Promise<void> {
    this.addSql(`
      drop index if exists print_job_terminal_open;
      alter table print_job drop column resolved_at, drop column resolved_by;
    `);
  }
}
