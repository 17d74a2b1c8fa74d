import { defineStore } from 'pinia';
import { ref } from 'vue';
import { STORE_IDS } from './ids.ts';
import { type NotificationPayload, useRealtimeStore } from './realtime.store.ts';

/** Product ids per `stock:list` (the command's own limit). */
const LIST_MAX = 1000;

/**
 * Stock of the till's warehouse, for the product tiles on screen: asked for the products the
 * grid shows (`show`), in batches, never the whole warehouse (50,000 products would be megabytes
 * of JSON on every load), then followed by `stock:changed` as sales, receipts and transfers move
 * it. After a connection that did not recover the missed events, what was asked is asked again.
 */
export const useStockStore = defineStore(STORE_IDS.STOCK, () => {
  const warehouseId = ref<string | null>(null);
  /** Quantity as decimal text (`'12.000'`) by product id. */
  const levels = ref(new Map<string, string>());
  /** Products asked for since the last resync (with or without a stock row), and those shown. */
  let asked = new Set<string>();
  let shown: string[] = [];
  let pending: Promise<void> | null = null;

  function quantityOf(productId: string): string | null {
    return levels.value.get(productId) ?? null;
  }

  /** Asks for the shown products not asked for yet, gathered over one turn of the page. */
  function show(productIds: string[]): Promise<void> {
    shown = productIds;
    pending ??= Promise.resolve().then(async () => {
      pending = null;
      const missing = shown.filter((id) => !asked.has(id));
      for (let i = 0; i < missing.length; i += LIST_MAX) await ask(missing.slice(i, i + LIST_MAX));
    });
    return pending;
  }

  async function ask(productIds: string[]): Promise<void> {
    const warehouse = warehouseId.value;
    if (!warehouse || productIds.length === 0) return;
    for (const id of productIds) asked.add(id);
    const list = await useRealtimeStore().command('stock:list', { warehouseId: warehouse, productIds });
    if (!list.ok) {
      for (const id of productIds) asked.delete(id);
      return;
    }
    if (warehouse !== warehouseId.value) return;
    for (const level of list.data) levels.value.set(level.productId, level.quantity);
  }

  /** After a connection that missed events: what is on screen is asked again. */
  function load(): Promise<void> {
    asked = new Set();
    return show(shown);
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
    levels.value = new Map();
    asked = new Set();
    const realtime = useRealtimeStore();
    stopFns = [realtime.addEventListener('stock:changed', onStockChanged), realtime.onResync(load)];
    void show(shown);
  }
  function stop(): void {
    for (const off of stopFns) off();
    stopFns = [];
  }

  return { warehouseId, levels, quantityOf, show, load, start, stop };
});
