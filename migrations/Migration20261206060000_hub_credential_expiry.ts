import { Migration } from '@mikro-orm/migrations';

/**
 * Hub credentials expire (`expires_at`, 90 days by default, HUB_CREDENTIAL_TTL_DAYS) and can be
 * renewed: the new credential `replaces` the old one, which stays valid until a hub connects with
 * the new one and is revoked then, so renewing stops no store's printing. Credentials issued
 * before never expired: they get 30 days from now, time to renew them without a stop.
 * The handshake's look-up returns the expiry and what the credential replaces.
 */
export class Migration20261206060000_hub_credential_expiry extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      -- Filled by the default, not by an update: row-level security would hide every row from one.
      alter table hub_device add column expires_at timestamptz not null default now() + interval '30 days';
      alter table hub_device alter column expires_at drop default;
      alter table hub_device add constraint hub_device_tenant_id unique (tenant_id, id);
      alter table hub_device add column replaces uuid;
      alter table hub_device add constraint hub_device_replaces_own
        foreign key (tenant_id, replaces) references hub_device (tenant_id, id);
      create index hub_device_replaces on hub_device (tenant_id, replaces) where replaces is not null;

      drop function auth_hub_by_token(bytea);
      create function auth_hub_by_token(p_token_hash bytea)
        returns table (device_id uuid, tenant_id uuid, tenant_slug text, store_id uuid,
                       revoked_at timestamptz, expires_at timestamptz, replaces uuid)
        language sql stable security definer set search_path = public as $$
          select d.id, d.tenant_id, t.slug, d.store_id, d.revoked_at, d.expires_at, d.replaces
            from hub_device d join tenant t on t.id = d.tenant_id
           where d.token_hash = p_token_hash
        $$;
      alter function auth_hub_by_token(bytea) owner to erp_auth;
      revoke all on function auth_hub_by_token(bytea) from public;
      grant execute on function auth_hub_by_token(bytea) to erp_app;
    `);
  }

  override async down(): Promise<void> {
    this.addSql(`
      drop function auth_hub_by_token(bytea);
      create function auth_hub_by_token(p_token_hash bytea)
        returns table (device_id uuid, tenant_id uuid, tenant_slug text, store_id uuid, revoked_at timestamptz)
        language sql stable security definer set search_path = public as $$
          select d.id, d.tenant_id, t.slug, d.store_id, d.revoked_at
            from hub_device d join tenant t on t.id = d.tenant_id
           where d.token_hash = p_token_hash
        $$;
      alter function auth_hub_by_token(bytea) owner to erp_auth;
      revoke all on function auth_hub_by_token(bytea) from public;
      grant execute on function auth_hub_by_token(bytea) to erp_app;
      drop index hub_device_replaces;
      alter table hub_device drop column replaces, drop column expires_at;
      alter table hub_device drop constraint hub_device_tenant_id;
    `);
  }
}
