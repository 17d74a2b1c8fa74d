import { Migration } from '@mikro-orm/migrations';

/**
 * A company deactivates a person's membership, not the person: users are global (one login for
 * several companies), so switching off `app_user.active` from one company's back office would
 * lock them out of the others. An inactive membership is no longer returned by
 * `auth_memberships`, so login does not offer the company and the socket handshake refuses it.
 */
export class Migration20261124080000_membership_active extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table membership add column active boolean not null default true;

      create or replace function auth_memberships(p_user_id uuid)
        returns table (tenant_id uuid, tenant_slug text, tenant_name text, role text, store_id uuid, store_name text)
        language sql stable security definer set search_path = public as $$
          select m.tenant_id, t.slug, t.razon_social, m.role, m.store_id, s.name
            from membership m join tenant t on t.id = m.tenant_id left join store s on s.id = m.store_id
           where m.user_id = p_user_id and m.active
           order by t.slug, m.role
        $$;
    `);
  }

  override async down(): Promise<void> {
    this.addSql(`
      create or replace function auth_memberships(p_user_id uuid)
        returns table (tenant_id uuid, tenant_slug text, tenant_name text, role text, store_id uuid, store_name text)
        language sql stable security definer set search_path = public as $$
          select m.tenant_id, t.slug, t.razon_social, m.role, m.store_id, s.name
            from membership m join tenant t on t.id = m.tenant_id left join store s on s.id = m.store_id
           where m.user_id = p_user_id
           order by t.slug, m.role
        $$;
      alter table membership drop column active;
    `);
  }
}
