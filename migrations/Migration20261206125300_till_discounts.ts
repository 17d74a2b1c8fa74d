import { Migration } from '@mikro-orm/migrations';

/**
 * Discounts at the till, on a line or on the whole ticket, as a percentage or in pesos, with a
 * reason.
 *
 * - `sale_line.discount` already holds the pesos a line's discount took off (IVA included);
 *   `discount_detail` keeps how it was given: `{ kind, percent | amount, reason, note?,
 *   approvedBy? }`. A nota de crédito recomputes the original from it (a factura applies a
 *   percentage to its net line).
 * - `sale.discount` is what the ticket discount took off the total, `discount_detail` how it was
 *   given (a global discount, DscRcgGlobal, on the document).
 * - `discount_approval`: a supervisor's approval, given at the till with their PIN, of one
 *   discount above the seller's limit, for a product's line (`product_id`) or the ticket (null).
 *   The sale that uses it names it by id and marks it used (`sale_id`), so it serves one sale
 *   only; the PIN never waits in the till's outbox with the sale. `approver_role` is the role the
 *   approver had, whose limit the discount must be within.
 */
export class Migration20261206125300_till_discounts extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table sale_line add column discount_detail jsonb;
      alter table sale add column discount bigint not null default 0 check (discount >= 0),
                       add column discount_detail jsonb;

      create table discount_approval (
        id uuid primary key,
        tenant_id uuid not null references tenant(id),
        store_id uuid not null,
        terminal_id uuid not null,
        requested_by uuid not null references app_user(id),
        approved_by uuid not null references app_user(id),
        approver_role text not null check (approver_role in ('owner', 'admin', 'supervisor')),
        product_id uuid,
        discount jsonb not null,
        created_at timestamptz not null default now(),
        sale_id uuid,
        foreign key (tenant_id, store_id) references store(tenant_id, id),
        foreign key (tenant_id, terminal_id) references terminal(tenant_id, id)
      );
      select enable_tenant_rls('discount_approval');
      -- An approval given is kept: the server only marks it used.
      revoke delete, truncate on discount_approval from erp_app;
    `);
  }

  override async down(): Promise<void> {
    this.addSql(`
      drop table discount_approval;
      alter table sale drop column discount, drop column discount_detail;
      alter table sale_line drop column discount_detail;
    `);
  }
}
