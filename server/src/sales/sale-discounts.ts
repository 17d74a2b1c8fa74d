import {
  type Approver,
  type Discount,
  type DiscountApproval,
  type DiscountApprovalInput,
  discountLabel,
  discountPesos,
  discountWithinLimit,
  formatPercent,
  type Role,
  type TenantSettings,
} from '@erp/shared';
import {
  discountOf,
  overLimitMessage,
  type Reduction,
  type SaleSummary,
  saleReductions,
  TICKET_DISCOUNT,
  discountPlace as whereOf,
  withinDiscountLimit as within,
} from '@erp/sii-core';
import type { z } from 'zod';
import type { AuditInput } from '../audit/index.ts';
import { AppError } from '../platform/app-error.ts';
import type { SqlFragment } from '../platform/sql-fragment.ts';
import type { SqlExecutor } from '../platform/sql-session.ts';
import {
  DISCOUNT_APPROVAL_HOURS,
  type DiscountApprovalRow,
  discountApprovals,
  insertTillApproval,
  useTillApprovals,
} from './discount-approval.queries.ts';
import type { GivenDiscount, PricedLine } from './sale-pricing.ts';

/** The pure parts (limits, what counts against them) are `@erp/sii-core`'s, shared with the hub. */
export { discountOf, ticketDiscountOf, ticketDiscountText } from '@erp/sii-core';

/**
 * Discounts at the till: within the seller's role limit (`discountLimitPercent`, a percentage of
 * what the discount applies to) a discount stands by itself; above it, only with a supervisor's
 * approval of exactly that discount, given at the till with their PIN (`grantDiscount`) and
 * named by the sale, and within the approver's own limit.
 *
 * What counts against a limit: on a line, everything below its list amount (its discount and a
 * lower price typed by hand) but its promotions; on the ticket, what the ticket discount takes off the total it
 * applies to (the lines after their own discounts). Every discount is audited with its reason,
 * its pesos and its approver.
 */

/** Who approved a discount: stored with it and named in its audit entry. */
interface Approved {
  userId: string;
  name: string;
}

/** A discount of the sale checked against the limits: its line (null: the ticket) and approver. */
export interface CheckedDiscount {
  line: PricedLine | null;
  given: GivenDiscount;
  /** Pesos it took off (IVA included). */
  amount: number;
  approvedBy: Approved | null;
}

/**
 * Checks the sale's discounts and lower prices against the seller's limit, and those above it
 * against the supervisor approvals they name. Returns the discounts to record and the write that
 * marks the approvals used (with the sale, in its statement), or throws DISCOUNT_NOT_ALLOWED /
 * APPROVAL_INVALID.
 */
export async function checkDiscounts(
  em: SqlExecutor,
  sale: { saleId: string; storeId: string; role: Role; limits: TenantSettings['discountLimitPercent'] },
  lines: readonly PricedLine[],
  ticket: { given: GivenDiscount | undefined; summary: SaleSummary; subtotal: number },
): Promise<{ discounts: CheckedDiscount[]; useApprovals: SqlFragment | null }> {
  const limit = sale.limits[sale.role];
  const reductions = saleReductions(lines, ticket);
  const above = reductions.filter((r) => !within(r, limit));
  for (const r of above) {
    if (!r.given?.approvalId) throw new AppError('DISCOUNT_NOT_ALLOWED', overLimitMessage(r, limit));
  }
  const ids = above.map((r) => r.given!.approvalId!);
  const rows = ids.length
    ? new Map((await discountApprovals(em, ids)).map((row) => [row.id, row]))
    : new Map();
  const approvals = new Map(
    above.map((r) => [r, approvedBy(rows.get(r.given!.approvalId!), r, sale)] as const),
  );
  const discounts = reductions.flatMap((r): CheckedDiscount[] =>
    r.given
      ? [
          {
            line: r.line,
            given: r.given,
            amount: r.line ? r.line.discount : ticket.summary.ticketDiscount,
            approvedBy: approvals.get(r) ?? null,
          },
        ]
      : [],
  );
  return { discounts, useApprovals: ids.length ? useTillApprovals(sale.saleId, ids) : null };
}

/** The approval a discount above the limit names, if it is exactly this one and still unused. */
function approvedBy(
  row: DiscountApprovalRow | undefined,
  r: Reduction,
  sale: { storeId: string; limits: TenantSettings['discountLimitPercent'] },
): Approved {
  const matches =
    row &&
    row.store_id === sale.storeId &&
    row.product_id === (r.line?.productId ?? null) &&
    row.sale_id === null &&
    sameDiscount(row.discount, discountOf(r.given!));
  if (!matches) {
    throw new AppError(
      'APPROVAL_INVALID',
      `La autorización del descuento ${whereOf(r.line)} no corresponde a este descuento, ya se usó o venció (vale ${DISCOUNT_APPROVAL_HOURS} horas): pídala de nuevo.`,
    );
  }
  const limit = sale.limits[row.approver_role];
  if (!within(r, limit)) {
    throw new AppError(
      'DISCOUNT_NOT_ALLOWED',
      `El descuento ${whereOf(r.line)} supera el ${formatPercent(String(limit))} que puede autorizar ${row.approver_name}.`,
    );
  }
  return { userId: row.approved_by, name: row.approver_name };
}

function sameDiscount(a: Discount, b: Discount): boolean {
  return (
    a.kind === b.kind &&
    (a.kind === 'percent' ? a.percent === (b as typeof a).percent : a.amount === (b as typeof a).amount) &&
    a.reason === b.reason &&
    (a.note ?? null) === (b.note ?? null)
  );
}

/**
 * A supervisor (already verified by their PIN) approves a discount at a seller's till: checked at
 * once against the approver's own limit on the amount the till shows, then kept for the sale to
 * name. The sale checks it again with its own amounts.
 */
export async function grantDiscount(
  em: SqlExecutor,
  seller: { userId: string; storeId: string; limits: TenantSettings['discountLimitPercent'] },
  approver: z.output<typeof Approver>,
  input: z.output<typeof DiscountApprovalInput>,
): Promise<z.output<typeof DiscountApproval>> {
  const { discount: given, base } = input;
  const where = input.productId ? 'de la línea' : 'del ticket';
  if (discountPesos(base, given) > base)
    throw AppError.validation(undefined, `El descuento supera el valor ${where}.`);
  const limit = seller.limits[approver.role];
  if (!discountWithinLimit(given, base, limit)) {
    throw new AppError(
      'DISCOUNT_NOT_ALLOWED',
      `${approver.name} puede autorizar descuentos de hasta ${formatPercent(String(limit))}.`,
    );
  }
  const approvalId = crypto.randomUUID();
  await insertTillApproval(em, {
    id: approvalId,
    storeId: seller.storeId,
    terminalId: input.terminalId,
    requestedBy: seller.userId,
    approvedBy: approver.userId,
    approverRole: approver.role,
    subject: { kind: 'discount', productId: input.productId, discount: discountOf(given) },
  });
  return { approvalId, approver: { userId: approver.userId, name: approver.name } };
}

/** The audit entries of the sale's discounts: who gave what, how much, why and who approved it. */
export function discountAudit(saleId: string, discounts: readonly CheckedDiscount[]): AuditInput[] {
  return discounts.map(({ line, given, amount, approvedBy }) => {
    const discount = discountOf(given);
    return {
      kind: 'discount',
      details: {
        saleId,
        lineNo: line?.lineNo ?? null,
        productId: line?.productId ?? null,
        name: line?.name ?? TICKET_DISCOUNT,
        discount,
        label: discountLabel(discount),
        amount,
        ...(approvedBy ? { approvedBy: approvedBy.userId, approverName: approvedBy.name } : {}),
      },
    };
  });
}
