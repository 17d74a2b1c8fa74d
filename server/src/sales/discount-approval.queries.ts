import type { Discount, Role } from '@erp/shared';
import type { SqlFragment } from '../platform/sql-fragment.ts';
import type { SqlExecutor } from '../platform/sql-session.ts';

/**
 * Supervisors' approvals of discounts above a seller's limit (`discount_approval`). Every
 * function runs in the caller's tenant transaction.
 */

/** How long an approval may wait for its sale: a ticket is paid within a shift. */
export const DISCOUNT_APPROVAL_HOURS = 12;

export interface DiscountApprovalRow {
  id: string;
  store_id: string;
  product_id: string | null;
  approved_by: string;
  approver_role: Role;
  approver_name: string;
  discount: Discount;
  sale_id: string | null;
}

export async function insertDiscountApproval(
  em: SqlExecutor,
  row: {
    id: string;
    storeId: string;
    terminalId: string;
    requestedBy: string;
    approvedBy: string;
    approverRole: Role;
    productId: string | null;
    discount: Discount;
  },
): Promise<void> {
  await em.execute(
    `insert into discount_approval (id, tenant_id, store_id, terminal_id, requested_by, approved_by, approver_role,
                                    product_id, discount)
     values (?, current_tenant_id(), ?, ?, ?, ?, ?, ?, ?::jsonb)`,
    [
      row.id,
      row.storeId,
      row.terminalId,
      row.requestedBy,
      row.approvedBy,
      row.approverRole,
      row.productId,
      JSON.stringify(row.discount),
    ],
  );
}

/** The approvals named by a sale, given within `DISCOUNT_APPROVAL_HOURS`, with the approver's name. */
export function discountApprovals(em: SqlExecutor, ids: readonly string[]): Promise<DiscountApprovalRow[]> {
  return em.execute<DiscountApprovalRow[]>(
    `select a.id, a.store_id, a.product_id, a.approved_by, a.approver_role, u.name as approver_name, a.discount, a.sale_id
       from discount_approval a join app_user u on u.id = a.approved_by
      where a.id = any(?::uuid[]) and a.created_at > now() - make_interval(hours => ?)`,
    [`{${ids.join(',')}}`, DISCOUNT_APPROVAL_HOURS],
  );
}

/**
 * Marks approvals used by a sale, as one of the sale's own writes: returns a row per approval
 * still unused (a concurrent sale that took one first leaves it out, and this sale rolls back).
 */
export function useDiscountApprovals(saleId: string, ids: readonly string[]): SqlFragment {
  return {
    sql: `update discount_approval set sale_id = ? where id = any(?::uuid[]) and sale_id is null returning id`,
    params: [saleId, `{${ids.join(',')}}`],
  };
}
