import type { Result } from '@erp/shared/errors';
import type {
  CustomerAccountView,
  CustomerPaymentInput,
  CustomerPaymentResult,
  FiadoApproval,
} from '@erp/shared/events/index';
import { randomUuid } from '@erp/shared/uuid';
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { z } from 'zod';
import type { Approval } from './approvers.store.ts';
import { STORE_IDS } from './ids.ts';
import { useRealtimeStore } from './realtime.store.ts';
import { useTillStore } from './till.store.ts';

export type CustomerAccount = z.output<typeof CustomerAccountView>;
export type AbonoResult = z.output<typeof CustomerPaymentResult>;
type AbonoInput = Pick<
  z.input<typeof CustomerPaymentInput>,
  'accountId' | 'method' | 'amount' | 'authorizationCode'
>;

/** What is left of an account's limit (never below zero). */
export function available(account: Pick<CustomerAccount, 'creditLimit' | 'balance'>): number {
  return Math.max(0, account.creditLimit - account.balance);
}

/** A fiado of `amount` needs a supervisor: the account is blocked or would go over its limit. */
export function needsApproval(account: CustomerAccount, amount: number): boolean {
  return account.blocked || account.balance + amount > account.creditLimit;
}

/**
 * Fiado at the till: the accounts the cashier picks from (by name or RUT), a supervisor's
 * approval of a fiado over an account's limit, and abonos. An abono keeps its payment id until
 * it is answered, so a retry after a lost answer is the same abono, never a second one.
 */
export const useCustomerAccountsStore = defineStore(STORE_IDS.CUSTOMER_ACCOUNTS, () => {
  const found = ref<CustomerAccount[]>([]);
  /** The id of the abono being taken, kept across retries until the server answers it. */
  const pendingPaymentId = ref<string | null>(null);

  async function search(text: string): Promise<Result<CustomerAccount[]>> {
    const answer = await useRealtimeStore().command('customer-account:list', {
      ...(text.trim() ? { search: text.trim() } : {}),
    });
    if (answer.ok) found.value = answer.data;
    return answer;
  }

  async function approveFiado(
    accountId: string,
    amount: number,
    approval: Approval,
  ): Promise<Result<z.output<typeof FiadoApproval>>> {
    const terminalId = useTillStore().terminalId;
    if (!terminalId) return { ok: false, error: { code: 'VALIDATION', message: 'Seleccione una caja.' } };
    return useRealtimeStore().command('sale:approve-fiado', { terminalId, accountId, amount, approval });
  }

  async function pay(input: AbonoInput): Promise<Result<AbonoResult>> {
    const till = useTillStore();
    if (!till.terminalId || !till.cashSession) {
      return {
        ok: false,
        error: { code: 'CASH_SESSION_REQUIRED', message: 'Debe abrir una caja antes de vender.' },
      };
    }
    pendingPaymentId.value ??= randomUuid();
    const answer = await useRealtimeStore().command('customer:payment', {
      ...input,
      paymentId: pendingPaymentId.value,
      terminalId: till.terminalId,
      cashSessionId: till.cashSession.id,
    });
    // Answered (taken or refused): the next abono is another one. Offline or timed out: kept for the retry.
    if (answer.ok || !['OFFLINE', 'TIMEOUT'].includes(answer.error.code)) pendingPaymentId.value = null;
    // The drawer's card figures (and a supervisor's cash ones) changed.
    if (answer.ok) void till.refreshSession();
    return answer;
  }

  return { found, pendingPaymentId, search, approveFiado, pay };
});
