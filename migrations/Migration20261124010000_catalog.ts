import { Migration } from '@mikro-orm/migrations';

/**
 * Catalog: products, their barcodes, store price overrides, the per-tenant catalog version
 * counter and the tenant's scale-label rules.
 *
 * Search runs on `search_text` (code, name and brand, lower-cased and without accents) through a trigram GIN index, which serves `like '%word%'` for every word
 * typed. `catalog_normalize` is declared immutable so it can feed the generated column; it
 * pins the unaccent dictionary so that is true.
 *
 * Versioning: every change to a product (fields, barcodes, a store price) stamps it with the
 * tenant's next catalog version, taken from a counter row that stays locked until commit, so
 * versions become visible in order and a POS asking "changes since v" never skips one.
 */
export class Migration20261124010000_catalog extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create extension if not exists pg_trgm;
      create extension if not exists unaccent;

      create or replace function catalog_normalize(t text) returns text
        language sql immutable parallel safe strict as $$
          select btrim(regexp_replace(lower(public.unaccent('public.unaccent'::regdictionary, t)), '[^a-z0-9]+', ' ', 'g'))
        $$;

      create table catalog_version (
        tenant_id uuid primary key references tenant(id),
        version bigint not null default 0
      );

      create table product (
        id uuid primary key,
        tenant_id uuid not null references tenant(id),
        code text not null check (code <> ''),
        name text not null check (name <> ''),
        brand text not null default '',
        category text not null default '',
        unit text not null check (unit in ('unidad', 'kg', 'lt')),
        weighable boolean not null default false,
        plu integer check (plu >= 0),
        price integer not null check (price >= 0),
        exempt boolean not null default false,
        additional_tax integer,
        active boolean not null default true,
        version bigint not null,
        search_text text generated always as (catalog_normalize(code || ' ' || name || ' ' || brand)) stored,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        unique (tenant_id, code),
        unique (tenant_id, plu),
        unique (tenant_id, id)
      );
      create index product_search on product using gin (search_text gin_trgm_ops);
      create index product_version on product (tenant_id, version);

      create table product_barcode (
        tenant_id uuid not null references tenant(id),
        barcode text not null check (barcode ~ '^[0-9A-Za-z-]{1,32}$'),
        product_id uuid not null,
        primary key (tenant_id, barcode),
        foreign key (tenant_id, product_id) references product(tenant_id, id) on delete cascade
      );
      create index product_barcode_product on product_barcode (product_id);

      create table store_price (
        tenant_id uuid not null references tenant(id),
        store_id uuid not null,
        product_id uuid not null,
        price integer not null check (price >= 0),
        primary key (tenant_id, store_id, product_id),
        foreign key (tenant_id, store_id) references store(tenant_id, id),
        foreign key (tenant_id, product_id) references product(tenant_id, id) on delete cascade
      );

      create table scale_label_rule (
        tenant_id uuid not null references tenant(id),
        position integer not null,
        prefix text not null check (prefix ~ '^2[0-9]{0,2}$'),
        plu_length integer not null,
        value_kind text not null check (value_kind in ('grams', 'pesos')),
        value_length integer not null,
        primary key (tenant_id, position),
        check (length(prefix) + plu_length + value_length = 12)
      );

      select enable_tenant_rls('catalog_version');
      select enable_tenant_rls('product');
      select enable_tenant_rls('product_barcode');
      select enable_tenant_rls('store_price');
      select enable_tenant_rls('scale_label_rule');
    `);
  }

  override async down(): Promise<void> {
    this.addSql(`
      drop table scale_label_rule, store_price, product_barcode, product, catalog_version;
      drop function catalog_normalize(text);
    `);
  }
}
