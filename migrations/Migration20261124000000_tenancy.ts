import { Migration } from '@mikro-orm/migrations';

/**
 * Tenancy schema: tenants, stores, warehouses, terminals, users, memberships, login sessions,
 * and the roles' grants. Row-Level Security is set up in the next migration.
 */
export class Migration20261124000000_tenancy extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table tenant (
        id uuid primary key,
        slug text not null unique check (slug ~ '^[a-z0-9-]{2,40}$'),
        rut text not null,
        razon_social text not null,
        giro text not null,
        address text not null,
        comuna text not null,
        acteco integer not null,
        sii_resolution_number integer not null default 0,
        sii_resolution_date date not null,
        sii_environment text not null check (sii_environment in ('certification', 'production')),
        created_at timestamptz not null default now()
      );

      create table store (
        id uuid primary key,
        tenant_id uuid not null references tenant(id),
        name text not null,
        address text not null,
        comuna text not null,
        sii_branch_code integer,
        created_at timestamptz not null default now(),
        unique (tenant_id, name),
        unique (tenant_id, id)
      );

      create table warehouse (
        id uuid primary key,
        tenant_id uuid not null references tenant(id),
        store_id uuid,
        code text not null,
        name text not null,
        created_at timestamptz not null default now(),
        unique (tenant_id, code),
        unique (tenant_id, id),
        foreign key (tenant_id, store_id) references store(tenant_id, id)
      );

      create table terminal (
        id uuid primary key,
        tenant_id uuid not null references tenant(id),
        store_id uuid not null,
        code text not null,
        name text not null,
        created_at timestamptz not null default now(),
        unique (tenant_id, code),
        unique (tenant_id, id),
        foreign key (tenant_id, store_id) references store(tenant_id, id)
      );

      create table app_user (
        id uuid primary key,
        email text not null unique check (email = lower(email)),
        name text not null,
        password_hash text not null,
        active boolean not null default true,
        created_at timestamptz not null default now()
      );

      create table membership (
        id uuid primary key,
        tenant_id uuid not null references tenant(id),
        user_id uuid not null references app_user(id),
        role text not null check (role in ('owner', 'admin', 'supervisor', 'cashier', 'warehouse')),
        store_id uuid,
        created_at timestamptz not null default now(),
        foreign key (tenant_id, store_id) references store(tenant_id, id)
      );
      create unique index membership_user_tenant_store on membership (user_id, tenant_id, coalesce(store_id, '00000000-0000-0000-0000-000000000000'));

      create table auth_session (
        id uuid primary key,
        user_id uuid not null references app_user(id),
        token_hash bytea not null unique,
        created_at timestamptz not null default now(),
        expires_at timestamptz not null,
        revoked_at timestamptz
      );
      create index auth_session_user on auth_session (user_id);
    `);
  }

  override async down(): Promise<void> {
    this.addSql('drop table auth_session, membership, app_user, terminal, warehouse, store, tenant cascade;');
  }
}
