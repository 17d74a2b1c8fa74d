import { Migration } from '@mikro-orm/migrations';

/**
 * Row-Level Security: the database is the tenant boundary. Every table with a tenant_id gets
 * RLS enabled and FORCED (so even the owner obeys it) and one policy on the transaction-local
 * setting app.tenant_id; `nullif(…, '')` makes a missing setting match nothing instead of
 * failing a cast. Later migrations call `enable_tenant_rls(table)` for their own tables.
 *
 * A few look-ups happen before a tenant is known (login, token check, namespace by slug);
 * they go through SECURITY DEFINER functions that return only what that step needs.
 */
export class Migration20261124000100_rls extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create or replace function current_tenant_id() returns uuid
        language sql stable as $$ select nullif(current_setting('app.tenant_id', true), '')::uuid $$;
      create or replace function current_app_user_id() returns uuid
        language sql stable as $$ select nullif(current_setting('app.user_id', true), '')::uuid $$;

      create or replace function enable_tenant_rls(tbl regclass) returns void language plpgsql as $$
      begin
        execute format('alter table %s enable row level security', tbl);
        execute format('alter table %s force row level security', tbl);
        execute format('drop policy if exists tenant_isolation on %s', tbl);
        execute format('create policy tenant_isolation on %s using (tenant_id = current_tenant_id()) with check (tenant_id = current_tenant_id())', tbl);
      end $$;

      select enable_tenant_rls('store');
      select enable_tenant_rls('warehouse');
      select enable_tenant_rls('terminal');
      select enable_tenant_rls('membership');

      alter table tenant enable row level security;
      alter table tenant force row level security;
      create policy tenant_self on tenant using (id = current_tenant_id()) with check (id = current_tenant_id());

      -- A user is visible to themself and to the tenants they belong to.
      alter table app_user enable row level security;
      alter table app_user force row level security;
      create policy user_visible on app_user
        using (id = current_app_user_id()
               or exists (select 1 from membership m where m.user_id = app_user.id and m.tenant_id = current_tenant_id()));
      -- Creating a user is an admin action inside a tenant; the membership follows in the same transaction.
      create policy user_insert on app_user for insert with check (current_tenant_id() is not null);

      alter table auth_session enable row level security;
      alter table auth_session force row level security;
      create policy session_owner on auth_session
        using (user_id = current_app_user_id()) with check (user_id = current_app_user_id());

      create or replace function auth_user_by_email(p_email text)
        returns table (id uuid, password_hash text, active boolean)
        language sql stable security definer set search_path = public as $$
          select u.id, u.password_hash, u.active from app_user u where u.email = lower(p_email)
        $$;

      create or replace function auth_memberships(p_user_id uuid)
        returns table (tenant_id uuid, tenant_slug text, tenant_name text, role text, store_id uuid, store_name text)
        language sql stable security definer set search_path = public as $$
          select m.tenant_id, t.slug, t.razon_social, m.role, m.store_id, s.name
            from membership m join tenant t on t.id = m.tenant_id left join store s on s.id = m.store_id
           where m.user_id = p_user_id
           order by t.slug, m.role
        $$;

      create or replace function auth_session_by_token(p_token_hash bytea)
        returns table (session_id uuid, user_id uuid, expires_at timestamptz, revoked_at timestamptz, user_active boolean)
        language sql stable security definer set search_path = public as $$
          select s.id, s.user_id, s.expires_at, s.revoked_at, u.active
            from auth_session s join app_user u on u.id = s.user_id
           where s.token_hash = p_token_hash
        $$;

      create or replace function tenant_id_by_slug(p_slug text) returns uuid
        language sql stable security definer set search_path = public as $$
          select id from tenant where slug = p_slug
        $$;

      -- Owned by erp_auth (BYPASSRLS, NOLOGIN): FORCE RLS would hide every row from the owner.
      grant usage, create on schema public to erp_auth;
      grant select on tenant, store, app_user, membership, auth_session to erp_auth;
      alter function auth_user_by_email(text) owner to erp_auth;
      alter function auth_memberships(uuid) owner to erp_auth;
      alter function auth_session_by_token(bytea) owner to erp_auth;
      alter function tenant_id_by_slug(text) owner to erp_auth;
      revoke all on function auth_user_by_email(text), auth_memberships(uuid), auth_session_by_token(bytea),
        tenant_id_by_slug(text) from public;
      grant execute on function auth_user_by_email(text), auth_memberships(uuid), auth_session_by_token(bytea),
        tenant_id_by_slug(text) to erp_app;
      grant usage on schema public to erp_app;
      grant select, insert, update, delete on all tables in schema public to erp_app;
      alter default privileges in schema public grant select, insert, update, delete on tables to erp_app;
      alter default privileges in schema public grant usage, select on sequences to erp_app;
      revoke all on table mikro_orm_migrations from erp_app;
    `);
  }

  override async down(): Promise<void> {
    this.addSql(`
      drop function if exists auth_user_by_email(text), auth_memberships(uuid), auth_session_by_token(bytea), tenant_id_by_slug(text);
      drop policy if exists session_owner on auth_session;
      drop policy if exists user_visible on app_user;
      drop policy if exists user_insert on app_user;
      drop policy if exists tenant_self on tenant;
      drop function if exists enable_tenant_rls(regclass), current_tenant_id(), current_app_user_id();
    `);
  }
}
