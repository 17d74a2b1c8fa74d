import { defineStore } from 'pinia';
import { ref } from 'vue';
import { STORE_IDS } from './ids.ts';
import { type NotificationPayload, useRealtimeStore } from './realtime.store.ts';

/**
 * Stock of the store's warehouse, shown on the product tiles: `stock:list` on every resync,
 * then `stock:changed` as sales, receipts and transfers move it anywhere in the company.
 */
export const useStockStore = defineStore(STORE_IDS.STOCK, () => {
  const warehouseId = ref<string | null>(null);
  /** Quantity as decimal text (`'12.000'`) by product id. */
  const levels = ref(new Map<string, string>());

  function quantityOf(productId: string): string | null {
    return levels.value.get(productId) ?? null;
  }

  async function load(): Promise<void> {
    if (!warehouseId.value) return;
    const list = await useRealtimeStore().command('stock:list', { warehouseId: warehouseId.value });
    if (list.ok) levels.value = new Map(list.data.map((l) => [l.productId, l.quantity]));
  }

  function onStockChanged({ changes }: NotificationPayload<'stock:changed'>): void {
    for (const change of changes) {
      if (change.warehouseId === warehouseId.value) levels.value.set(change.productId, change.quantity);
    }
  }

  let stopFns: (() => void)[] = [];
  /** Follows one warehouse (the till's). */
  function start(id: string): void {
    if (warehouseId.value === id && stopFns.length) return;
    stop();
    warehouseId.value = id;
    const realtime = useRealtimeStore();
    stopFns = [realtime.addEventListener('stock:changed', onStockChanged), realtime.onResync(load)];
  }
  function stop(): void {
    for (const off of stopFns) off();
    stopFns = [];
  }

  return { warehouseId, levels, quantityOf, load, start, stop };
});
