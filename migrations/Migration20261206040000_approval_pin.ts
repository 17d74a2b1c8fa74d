import { Migration } from '@mikro-orm/migrations';

/**
 * Approval PINs: a supervisor authorizes at someone else's till (a return) with a PIN of their
 * own instead of typing their login password into the cashier's device.
 *
 * The PIN belongs to a membership's company, not to the global user: a person who supervises in
 * two companies has one PIN in each, an admin who clears a PIN clears it in their company only,
 * and a lock after wrong PINs (kept in Redis by tenant and user) never reaches the other company.
 * The row is tenant-isolated like every tenant table; on top of that, only its own user writes it
 * (`app.user_id`, set by the server from the signed-in user), so no one sets a PIN for someone
 * else and then approves as them. Deleting (an admin clearing a lost PIN) needs only the tenant.
 * Only an Argon2id hash is stored.
 */
export class Migration20261206040000_approval_pin extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table approval_pin (
        tenant_id uuid not null references tenant(id),
        user_id uuid not null references app_user(id),
        pin_hash text not null,
        set_at timestamptz not null default now(),
        primary key (tenant_id, user_id)
      );
      select enable_tenant_rls('approval_pin');
      create policy approval_pin_own_insert on approval_pin as restrictive for insert
        with check (user_id = current_app_user_id());
      create policy approval_pin_own_update on approval_pin as restrictive for update
        using (user_id = current_app_user_id()) with check (user_id = current_app_user_id());
    `);
  }

  override async down(): Promise<void> {
    this.addSql('drop table approval_pin;');
  }
}
