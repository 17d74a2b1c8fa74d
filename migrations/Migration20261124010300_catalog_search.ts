import { Migration } from '@mikro-orm/migrations';

/**
 * Product search that can use the trigram index. Under RLS, PostgreSQL evaluates the tenant
 * policy before any predicate whose operator is not LEAKPROOF, and LIKE and regex matching are
 * not, so `search_text like '%word%'` could never drive the index: every search scanned all the
 * tenant's products. This function runs as erp_auth (BYPASSRLS, NOLOGIN; owner of the other
 * pre-tenant look-ups) and applies the tenant boundary itself, `tenant_id = current_tenant_id()`,
 * the same setting the policies read; with no tenant set it returns nothing. The words are
 * quoted as literals so the planner sees constant patterns.
 */
export class Migration20261124010300_catalog_search extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create or replace function catalog_search(p_words text[], p_include_inactive boolean, p_limit integer)
        returns table (id uuid, rank integer)
        language plpgsql stable security definer set search_path = public rows 20 as $$
      declare
        tenant uuid := current_tenant_id();
        filters text := '';
        word text;
      begin
        if tenant is null or coalesce(array_length(p_words, 1), 0) = 0 then
          return;
        end if;
        foreach word in array p_words loop
          filters := filters || format(' and p.search_text like %L and p.search_text ~ %L', '%' || word || '%', '(^| )' || word);
        end loop;
        return query execute format(
          'select p.id, case when p.search_text like %L then 1 else 2 end
             from product p where p.tenant_id = %L %s %s
            order by 2, p.name, p.code limit %s',
          array_to_string(p_words, ' ') || '%', tenant, filters,
          case when p_include_inactive then '' else 'and p.active' end, p_limit);
      end $$;

      grant select on product to erp_auth;
      alter function catalog_search(text[], boolean, integer) owner to erp_auth;
      revoke all on function catalog_search(text[], boolean, integer) from public;
      grant execute on function catalog_search(text[], boolean, integer) to erp_app;
    `);
  }

  override async down(): Promise<void> {
    this.addSql(`
      drop function catalog_search(text[], boolean, integer);
      revoke select on product from erp_auth;
    `);
  }
}
