import { Migration } from '@mikro-orm/migrations';

/**
 * Store hardware: hub device credentials and the server's print spool.
 *
 * `hub_device` holds one revocable credential per hub (only the token's SHA-256). The handshake
 * finds a device by token before any tenant is known, through a SECURITY DEFINER function owned
 * by erp_auth, like `auth_session_by_token`.
 *
 * `print_job` is each store's queue of documents for its hub. Receipts come from the sale's
 * `print.receipt` outbox row (the job id is the sale id), copies from reprints. `state` follows
 * the hub's reports and never moves backwards: pending (not acknowledged yet) → received →
 * sending → done | uncertain | expired.
 */
export class Migration20261124050000_hardware extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table hub_device (
        id uuid primary key,
        tenant_id uuid not null references tenant(id),
        store_id uuid not null,
        name text not null,
        token_hash bytea not null unique,
        created_by uuid not null references app_user(id),
        created_at timestamptz not null default now(),
        revoked_at timestamptz,
        foreign key (tenant_id, store_id) references store(tenant_id, id)
      );
      select enable_tenant_rls('hub_device');

      create table print_job (
        id uuid primary key,
        tenant_id uuid not null references tenant(id),
        store_id uuid not null,
        terminal_id uuid,
        sale_id uuid not null,
        document jsonb not null,
        is_copy boolean not null default false,
        reprint_of uuid,
        state text not null default 'pending'
          check (state in ('pending', 'received', 'sending', 'done', 'uncertain', 'expired')),
        printer_id text,
        attempts integer not null default 0,
        created_by uuid references app_user(id),
        created_at timestamptz not null default now(),
        expires_at timestamptz not null,
        sent_at timestamptz,
        updated_at timestamptz not null default now(),
        foreign key (tenant_id, store_id) references store(tenant_id, id)
      );
      create index print_job_open on print_job (tenant_id, store_id, created_at)
        where state in ('pending', 'received', 'sending');
      create index print_job_sale on print_job (tenant_id, sale_id);
      select enable_tenant_rls('print_job');

      -- Receipts not yet moved into a store's print queue.
      create index outbox_pending_print on outbox (tenant_id, id)
        where processed_at is null and topic = 'print.receipt';

      create function auth_hub_by_token(p_token_hash bytea)
        returns table (device_id uuid, tenant_id uuid, tenant_slug text, store_id uuid, revoked_at timestamptz)
        language sql stable security definer set search_path = public as $$
          select d.id, d.tenant_id, t.slug, d.store_id, d.revoked_at
            from hub_device d join tenant t on t.id = d.tenant_id
           where d.token_hash = p_token_hash
        $$;
      grant select on hub_device to erp_auth;
      alter function auth_hub_by_token(bytea) owner to erp_auth;
      revoke all on function auth_hub_by_token(bytea) from public;
      grant execute on function auth_hub_by_token(bytea) to erp_app;
      grant select, insert, update on hub_device, print_job to erp_app;
      revoke delete, truncate on hub_device, print_job from erp_app;
    `);
  }

  override async down(): Promise<void> {
    this.addSql(`
      drop function if exists auth_hub_by_token(bytea);
      drop index if exists outbox_pending_print;
      drop table print_job, hub_device;
    `);
  }
}
