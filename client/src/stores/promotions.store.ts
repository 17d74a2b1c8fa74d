import type { ErrorPayload } from '@erp/shared/errors';
import { PromotionChange, type PromotionView } from '@erp/shared/events/index';
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { z } from 'zod';
import { STORE_IDS } from './ids.ts';
import { useRealtimeStore } from './realtime.store.ts';

/** How often the till looks at the clock again: a promotion's hours start and end on minutes. */
const CLOCK_MS = 30_000;

const PromotionChangedDetails = z.object({ promotions: z.array(PromotionChange).min(1) });

/** The lines whose promotions the server gives otherwise (a PRICE_CHANGED of promotions), or null. */
export function promotionChangesOf(error: ErrorPayload): z.output<typeof PromotionChange>[] | null {
  if (error.code !== 'PRICE_CHANGED') return null;
  const parsed = PromotionChangedDetails.safeParse(error.details);
  return parsed.success ? parsed.data.promotions : null;
}

/**
 * The promotions this till applies (its store's and every store's, not ended), read on every
 * resync and again when the back office changes one, and the clock they are applied at.
 */
export const usePromotionsStore = defineStore(STORE_IDS.PROMOTIONS, () => {
  const list = ref<z.output<typeof PromotionView>[]>([]);
  const now = ref(new Date());

  async function load(): Promise<void> {
    const answer = await useRealtimeStore().command('promotion:current', {});
    if (answer.ok) list.value = answer.data;
    now.value = new Date();
  }

  let stopFns: (() => void)[] = [];
  function start(): void {
    if (stopFns.length) return;
    const realtime = useRealtimeStore();
    const clock = setInterval(() => {
      now.value = new Date();
    }, CLOCK_MS);
    stopFns = [
      realtime.addEventListener('promotion:changed', () => void load()),
      realtime.onResync(load),
      () => clearInterval(clock),
    ];
  }
  function stop(): void {
    for (const off of stopFns) off();
    stopFns = [];
  }

  return { list, now, load, start, stop };
});
