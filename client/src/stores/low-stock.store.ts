import type { ErrorPayload } from '@erp/shared/errors';
import type { LowStockItem } from '@erp/shared/events/index';
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { z } from 'zod';
import { STORE_IDS } from './ids.ts';
import { type NotificationPayload, useRealtimeStore } from './realtime.store.ts';
import { signedMilli, signedText } from './signed-quantity.ts';
import { useWarehousesStore } from './warehouses.store.ts';

export type LowItem = z.output<typeof LowStockItem>;

/** How much is missing to reach the minimum: `'5.000'` − `'2.000'` → `'3.000'`. */
export function missing(item: LowItem): string {
  return signedText(signedMilli(item.minimum) - signedMilli(item.quantity));
}

const byName = (a: LowItem, b: LowItem) => a.productName.localeCompare(b.productName, 'es');

/**
 * The device warehouse's products below their minimum: `stock:below-minimum` on every resync,
 * then live: a `stock:low` alert adds a product, `stock:changed` moves its quantity and takes it
 * off the list once back at its minimum.
 */
export const useLowStockStore = defineStore(STORE_IDS.LOW_STOCK, () => {
  const items = ref<LowItem[]>([]);
  const loaded = ref(false);
  const error = ref<ErrorPayload | null>(null);

  const here = () => useWarehousesStore().currentId;

  async function load(): Promise<void> {
    const warehouseId = here();
    if (!warehouseId) return;
    const answer = await useRealtimeStore().command('stock:below-minimum', { warehouseId });
    if (!answer.ok) {
      error.value = answer.error;
      return;
    }
    if (warehouseId !== here()) return;
    error.value = null;
    items.value = answer.data;
    loaded.value = true;
  }

  function onLow({ changes }: NotificationPayload<'stock:low'>): void {
    const fresh = changes.filter((c) => c.warehouseId === here());
    if (fresh.length === 0) return;
    const ids = new Set(fresh.map((c) => c.productId));
    items.value = [...items.value.filter((i) => !ids.has(i.productId)), ...fresh].sort(byName);
  }

  function onChanged({ changes }: NotificationPayload<'stock:changed'>): void {
    let touched = false;
    for (const change of changes) {
      if (change.warehouseId !== here()) continue;
      const item = items.value.find((i) => i.productId === change.productId);
      if (!item) continue;
      item.quantity = change.quantity;
      touched = true;
    }
    if (touched) items.value = items.value.filter((i) => signedMilli(i.quantity) < signedMilli(i.minimum));
  }

  let stopFns: (() => void)[] = [];
  function start(): void {
    if (stopFns.length) return;
    const realtime = useRealtimeStore();
    stopFns = [
      realtime.addEventListener('stock:low', onLow),
      realtime.addEventListener('stock:changed', onChanged),
      realtime.onResync(load),
    ];
  }
  function stop(): void {
    for (const off of stopFns) off();
    stopFns = [];
  }

  return { items, loaded, error, load, start, stop };
});
