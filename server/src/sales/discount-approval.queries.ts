import type { Discount, Role } from '@erp/shared';
import type { SqlFragment } from '../platform/sql-fragment.ts';
import type { SqlExecutor } from '../platform/sql-session.ts';

/**
 * Supervisors' approvals at the till of what a sale may do beyond the seller's say
 * (`discount_approval`): a discount above the seller's limit, or a fiado above the customer
 * account's limit. A sale names its approvals and marks them used. Every function runs in the
 * caller's tenant transaction.
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

/** What an approval allows: one discount (on a product's line, or the ticket's), or a fiado on an account. */
export type ApprovedSubject =
  | { kind: 'discount'; productId: string | null; discount: Discount }
  | { kind: 'fiado'; customerAccountId: string; amount: number };

export async function insertTillApproval(
  em: SqlExecutor,
  row: {
    id: string;
    storeId: string;
    terminalId: string;
    requestedBy: string;
    approvedBy: string;
    approverRole: Role;
    subject: ApprovedSubject;
  },
): Promise<void> {
  const { subject } = row;
  await em.execute(
    `insert into discount_approval (id, tenant_id, store_id, terminal_id, requested_by, approved_by, approver_role,
                                    kind, product_id, discount, customer_account_id, amount)
     values (?, current_tenant_id(), ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)`,
    [
      row.id,
      row.storeId,
      row.terminalId,
      row.requestedBy,
      row.approvedBy,
      row.approverRole,
      subject.kind,
      subject.kind === 'discount' ? subject.productId : null,
      subject.kind === 'discount' ? JSON.stringify(subject.discount) : null,
      subject.kind === 'fiado' ? subject.customerAccountId : null,
      subject.kind === 'fiado' ? subject.amount : null,
    ],
  );
}

export interface FiadoApprovalRow {
  id: string;
  store_id: string;
  customer_account_id: string;
  amount: string;
  approved_by: string;
  approver_name: string;
  sale_id: string | null;
}

/** A fiado approval given within `DISCOUNT_APPROVAL_HOURS`, with the approver's name. */
export async function fiadoApproval(em: SqlExecutor, id: string): Promise<FiadoApprovalRow | undefined> {
  const [row] = await em.execute<FiadoApprovalRow[]>(
    `select a.id, a.store_id, a.customer_account_id, a.amount, a.approved_by, u.name as approver_name, a.sale_id
       from discount_approval a join app_user u on u.id = a.approved_by
      where a.id = ? and a.kind = 'fiado' and a.created_at > now() - make_interval(hours => ?)`,
    [id, DISCOUNT_APPROVAL_HOURS],
  );
  return row;
}

/** The approvals named by a sale, given within `DISCOUNT_APPROVAL_HOURS`, with the approver's name. */
export function discountApprovals(em: SqlExecutor, ids: readonly string[]): Promise<DiscountApprovalRow[]> {
  return em.execute<DiscountApprovalRow[]>(
    `select a.id, a.store_id, a.product_id, a.approved_by, a.approver_role, u.name as approver_name, a.discount, a.sale_id
       from discount_approval a join app_user u on u.id = a.approved_by
      where a.id = any(?::uuid[]) and a.kind = 'discount' and a.created_at > now() - make_interval(hours => ?)`,
    [`{${ids.join(',')}}`, DISCOUNT_APPROVAL_HOURS],
  );
}

/**
 * Marks approvals used by a sale, as one of the sale's own writes: returns a row per approval
 * still unused (a concurrent sale that took one first leaves it out, and this sale rolls back).
 */
export function useTillApprovals(saleId: string, ids: readonly string[]): SqlFragment {
  return {
    sql: `update discount_approval set sale_id = ? where id = any(?::uuid[]) and sale_id is null returning id`,
    params: [saleId, `{${ids.join(',')}}`],
  };
}
