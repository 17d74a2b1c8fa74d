import { Migration } from '@mikro-orm/migrations';

/**
 * CAFs with their folio counters. Each CAF row is the gap-free counter of its range: a sale takes
 * the next folio with one UPDATE on it (row-locked, returned by a rollback), CAFs of a type are
 * used in order. The CAF's private key is stored sealed (AES-256-GCM, see platform/secrets.ts).
 */
export class Migration20261124030000_caf_folios extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table caf (
        id uuid primary key,
        tenant_id uuid not null references tenant(id),
        doc_type smallint not null,
        folio_from integer not null,
        folio_to integer not null,
        next_folio integer not null,
        idk integer not null,
        authorized_on date not null,
        expires_on date,
        caf_xml text not null,
        private_key_sealed text not null,
        created_at timestamptz not null default now(),
        check (folio_from >= 1 and folio_to >= folio_from),
        check (next_folio between folio_from and folio_to + 1),
        unique (tenant_id, doc_type, folio_from)
      );
      create index caf_available on caf (tenant_id, doc_type, folio_from) where next_folio <= folio_to;
      select enable_tenant_rls('caf');
    `);
  }

  override async down(): Promise<void> {
    this.addSql('drop table caf;');
  }
}
