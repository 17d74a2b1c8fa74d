import type { ErrorPayload } from '@erp/shared/errors';
import type { WarehouseView } from '@erp/shared/events/index';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { z } from 'zod';
import { STORE_IDS } from './ids.ts';
import { useRealtimeStore } from './realtime.store.ts';
import { useSessionStore } from './session.store.ts';

export type Warehouse = z.output<typeof WarehouseView>;

const CHOICE_KEY = 'erp-market.tablet.warehouse.v1';

function choiceKey(): string {
  const session = useSessionStore();
  return `${CHOICE_KEY}:${session.tenantSlug}:${session.storeId}`;
}

/**
 * The company's warehouses (`warehouse:list` on every resync) and the one this device works in:
 * a warehouse of the session's store, remembered per device (a store may have a back room and a
 * cold room). Live stock events reach a store's devices only for that store's warehouses.
 */
export const useWarehousesStore = defineStore(STORE_IDS.WAREHOUSES, () => {
  const list = ref<Warehouse[]>([]);
  const currentId = ref<string | null>(null);
  const loaded = ref(false);
  const error = ref<ErrorPayload | null>(null);

  /** The warehouses this device may work in: its store's. */
  const own = computed(() => list.value.filter((w) => w.storeId === useSessionStore().storeId));
  const current = computed(() => list.value.find((w) => w.id === currentId.value) ?? null);

  function nameOf(id: string): string {
    return list.value.find((w) => w.id === id)?.name ?? id;
  }

  /** Whether live `stock:changed` events reach this device for that warehouse. */
  function isLive(id: string): boolean {
    return own.value.some((w) => w.id === id);
  }

  function choose(id: string): void {
    if (!own.value.some((w) => w.id === id)) return;
    currentId.value = id;
    try {
      localStorage.setItem(choiceKey(), id);
    } catch {
      // storage disabled: the choice lasts until the page closes
    }
  }

  async function load(): Promise<void> {
    const answer = await useRealtimeStore().command('warehouse:list', {});
    if (!answer.ok) {
      error.value = answer.error;
      return;
    }
    error.value = null;
    list.value = answer.data;
    loaded.value = true;
    let remembered: string | null = null;
    try {
      remembered = localStorage.getItem(choiceKey());
    } catch {
      remembered = null;
    }
    const keep = [currentId.value, remembered].find((id) => id && own.value.some((w) => w.id === id));
    currentId.value = keep ?? own.value[0]?.id ?? null;
  }

  let stopFns: (() => void)[] = [];
  function start(): void {
    if (stopFns.length) return;
    stopFns = [useRealtimeStore().onResync(load)];
  }
  function stop(): void {
    for (const off of stopFns) off();
    stopFns = [];
  }

  return { list, currentId, loaded, error, own, current, nameOf, isLive, choose, load, start, stop };
});
