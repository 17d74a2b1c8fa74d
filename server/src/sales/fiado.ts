import {
  type Approver,
  type FiadoApproval,
  type FiadoApprovalInput,
  formatClp,
  type PaymentInput,
} from '@erp/shared';
import type { z } from 'zod';
import { fiadoDebit, lockAccount } from '../accounts/index.ts';
import type { AuditInput } from '../audit/index.ts';
import { AppError } from '../platform/app-error.ts';
import type { SqlFragment } from '../platform/sql-fragment.ts';
import type { SqlExecutor } from '../platform/sql-session.ts';
import {
  DISCOUNT_APPROVAL_HOURS,
  fiadoApproval,
  insertTillApproval,
  useTillApprovals,
} from './discount-approval.queries.ts';

type FiadoPayment = Extract<z.infer<typeof PaymentInput>, { method: 'fiado' }>;

/** What a fiado sale writes with its one statement, and how to check that it all went in. */
export interface FiadoCharge {
  /** The account's debit, then the approval marked used (when one was needed). */
  writes: SqlFragment[];
  /** Fails the sale when another sale took its approval meanwhile (the row counts of `writes`). */
  verify(counts: readonly number[]): void;
  audit: AuditInput;
}

const ACCOUNT_MISSING = 'La cuenta de cliente no existe.';

/**
 * A sale's fiado: the account is locked (so tills charging it run one after the other) and its
 * balance read; the sale passes when the account is not blocked and the balance plus this fiado
 * stays within its limit. Otherwise only with a supervisor's approval of a fiado on this
 * account, of at least this amount, given at this store (`sale:approve-fiado`) and unused:
 * else FIADO_OVER_LIMIT or ACCOUNT_BLOCKED, with the pesos left on the account.
 */
export async function chargeFiado(
  em: SqlExecutor,
  sale: { saleId: string; storeId: string; terminalId: string; cashSessionId: string; userId: string },
  payment: FiadoPayment,
): Promise<FiadoCharge> {
  const account = await lockAccount(em, payment.customerAccountId);
  if (!account) throw new AppError('NOT_FOUND', ACCOUNT_MISSING);
  const left = account.creditLimit - account.balance;
  const over = account.blocked || payment.amount > left;
  if (over && !payment.approvalId) {
    if (account.blocked) throw new AppError('ACCOUNT_BLOCKED');
    throw new AppError(
      'FIADO_OVER_LIMIT',
      `El fiado de ${formatClp(payment.amount)} supera el cupo de ${account.name}: le quedan ${formatClp(Math.max(left, 0))} de ${formatClp(account.creditLimit)}. Pida la autorización de un supervisor.`,
      { balance: account.balance, creditLimit: account.creditLimit },
    );
  }
  const approval = over ? await fiadoApproval(em, payment.approvalId!) : undefined;
  if (
    over &&
    !(
      approval &&
      approval.store_id === sale.storeId &&
      approval.customer_account_id === account.id &&
      Number(approval.amount) >= payment.amount &&
      approval.sale_id === null
    )
  ) {
    throw new AppError(
      'APPROVAL_INVALID',
      `La autorización del fiado no corresponde a esta cuenta o monto, ya se usó o venció (vale ${DISCOUNT_APPROVAL_HOURS} horas): pídala de nuevo.`,
    );
  }
  const writes = [
    fiadoDebit({
      ...sale,
      accountId: account.id,
      amount: payment.amount,
      approvedBy: approval?.approved_by ?? null,
    }),
    ...(approval ? [useTillApprovals(sale.saleId, [approval.id])] : []),
  ];
  return {
    writes,
    verify(counts) {
      if (approval && counts[1] !== 1) {
        throw new AppError(
          'APPROVAL_INVALID',
          'La autorización del fiado ya se usó en otra venta: pídala de nuevo.',
        );
      }
    },
    audit: {
      kind: 'fiado',
      details: {
        saleId: sale.saleId,
        accountId: account.id,
        name: account.name,
        amount: payment.amount,
        balance: account.balance + payment.amount,
        creditLimit: account.creditLimit,
        ...(approval ? { approvedBy: approval.approved_by, approverName: approval.approver_name } : {}),
      },
    },
  };
}

/**
 * A supervisor (already verified by their PIN) approves, at a seller's till, a fiado of up to
 * `amount` on an account it would take over its limit or that is blocked; the sale names it.
 */
export async function grantFiado(
  em: SqlExecutor,
  seller: { userId: string; storeId: string },
  approver: z.output<typeof Approver>,
  input: z.output<typeof FiadoApprovalInput>,
): Promise<z.output<typeof FiadoApproval>> {
  const approvalId = crypto.randomUUID();
  try {
    await insertTillApproval(em, {
      id: approvalId,
      storeId: seller.storeId,
      terminalId: input.terminalId,
      requestedBy: seller.userId,
      approvedBy: approver.userId,
      approverRole: approver.role,
      subject: { kind: 'fiado', customerAccountId: input.accountId, amount: input.amount },
    });
  } catch (error) {
    // The account's foreign key: no such account in this company.
    if ((error as { constraint?: string }).constraint?.includes('customer_account')) {
      throw new AppError('NOT_FOUND', ACCOUNT_MISSING);
    }
    throw error;
  }
  return { approvalId, approver: { userId: approver.userId, name: approver.name } };
}
