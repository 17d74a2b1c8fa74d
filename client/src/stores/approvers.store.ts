import type { Result } from '@erp/shared/errors';
import type { ApprovalInput, Approver } from '@erp/shared/events/index';
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { z } from 'zod';
import { STORE_IDS } from './ids.ts';
import { useRealtimeStore } from './realtime.store.ts';

/** Who authorizes (picked from the store's approvers, or typed by email) and their PIN. */
export type Approval = z.input<typeof ApprovalInput>;
export type StoreApprover = z.output<typeof Approver>;

/**
 * Who may authorize at this store with an approval PIN (a return, a discount above the seller's
 * limit), for the supervisor's picker. Read again each time the picker opens: someone may have
 * set or lost their PIN since. The PIN itself is never kept here.
 */
export const useApproversStore = defineStore(STORE_IDS.APPROVERS, () => {
  const approvers = ref<StoreApprover[]>([]);

  /** A failed read keeps the last list. */
  async function load(): Promise<Result<StoreApprover[]>> {
    const answer = await useRealtimeStore().command('approval:approvers', {});
    if (answer.ok) approvers.value = answer.data;
    return answer;
  }

  return { approvers, load };
});
