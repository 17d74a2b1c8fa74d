import { Migration } from '@mikro-orm/migrations';

/**
 * Two boundaries the serving role crossed:
 * - The outbox and recovery functions are SECURITY DEFINER and read every tenant's queue; only
 *   the worker needs them, so they move from `erp_app` to `erp_worker` (created with the other
 *   roles by scripts/services.ts and deploy/init-db.sql, and a member of `erp_app` for the rest).
 * - Users are global (one person may work for several companies), so a tenant may see the users
 *   who are its members but may change only the signed-in user's own row; `user_visible` let an
 *   admin of one company rewrite a user that another company shares.
 */
export class Migration20261206000000_worker_role extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      revoke execute on function outbox_claim(text, integer, uuid[]), outbox_mark_processed(bigint[]),
        sii_unfinished_work(interval, uuid[]), sii_lost_work(uuid[]) from erp_app;
      grant execute on function outbox_claim(text, integer, uuid[]), outbox_mark_processed(bigint[]),
        sii_unfinished_work(interval, uuid[]), sii_lost_work(uuid[]) to erp_worker;

      drop policy user_visible on app_user;
      create policy user_visible on app_user for select
        using (id = current_app_user_id()
               or exists (select 1 from membership m where m.user_id = app_user.id and m.tenant_id = current_tenant_id()));
      create policy user_self_update on app_user for update
        using (id = current_app_user_id()) with check (id = current_app_user_id());
    `);
  }

  override async down(): Promise<void> {
    this.addSql(`
      drop policy user_self_update on app_user;
      drop policy user_visible on app_user;
      create policy user_visible on app_user
        using (id = current_app_user_id()
               or exists (select 1 from membership m where m.user_id = app_user.id and m.tenant_id = current_tenant_id()));

      revoke execute on function outbox_claim(text, integer, uuid[]), outbox_mark_processed(bigint[]),
        sii_unfinished_work(interval, uuid[]), sii_lost_work(uuid[]) from erp_worker;
      grant execute on function outbox_claim(text, integer, uuid[]), outbox_mark_processed(bigint[]),
        sii_unfinished_work(interval, uuid[]), sii_lost_work(uuid[]) to erp_app;
    `);
  }
}
