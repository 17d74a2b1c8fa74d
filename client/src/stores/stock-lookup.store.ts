import type { ErrorPayload } from '@erp/shared/errors';
import type {
  ClientCommands,
  CommandPayload,
  KardexEntry,
  StockLevelView,
  WriteOffView,
} from '@erp/shared/events/index';
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { z } from 'zod';
import { STORE_IDS } from './ids.ts';
import { type NotificationPayload, useRealtimeStore } from './realtime.store.ts';
import { useWarehousesStore } from './warehouses.store.ts';
import { writeOffAttempts } from './write-off-form.ts';

export type StockLevel = z.output<typeof StockLevelView>;
export type Movement = z.output<typeof KardexEntry>;
export type RecordedWriteOff = z.output<typeof WriteOffView>;

/** A product with no stock row in a warehouse has never moved there. */
function emptyLevel(warehouseId: string, productId: string): StockLevel {
  return { warehouseId, productId, quantity: '0.000', averageCost: '0.000000', minimum: null };
}

/**
 * One product looked up on the tablet: its stock and PPP in every warehouse of the company and
 * the kardex of one of them. `stock:changed` moves the levels live and re-reads the kardex shown
 * when its warehouse moved; every resync re-reads both.
 */
export const useStockLookupStore = defineStore(STORE_IDS.STOCK_LOOKUP, () => {
  const productId = ref<string | null>(null);
  /** One per warehouse, in the warehouse list's order. */
  const levels = ref<StockLevel[]>([]);
  const kardexWarehouseId = ref<string | null>(null);
  const kardex = ref<Movement[]>([]);
  const loading = ref(false);
  const error = ref<ErrorPayload | null>(null);
  const writeOffId = writeOffAttempts();
  // Answers that arrive after the person moved on to another product are dropped.
  let levelsAsked = 0;
  let kardexAsked = 0;

  async function loadLevels(): Promise<void> {
    const id = productId.value;
    if (!id) return;
    const asked = ++levelsAsked;
    const realtime = useRealtimeStore();
    const warehouses = useWarehousesStore().list;
    const answers = await Promise.all(
      warehouses.map((w) => realtime.command('stock:list', { warehouseId: w.id, productIds: [id] })),
    );
    if (asked !== levelsAsked) return;
    const failed = answers.find((a) => !a.ok);
    if (failed && !failed.ok) {
      error.value = failed.error;
      return;
    }
    levels.value = warehouses.map((w, i) => {
      const answer = answers[i]!;
      return (answer.ok ? answer.data[0] : undefined) ?? emptyLevel(w.id, id);
    });
  }

  async function loadKardex(): Promise<void> {
    const id = productId.value;
    const warehouseId = kardexWarehouseId.value;
    if (!id || !warehouseId) return;
    const asked = ++kardexAsked;
    const answer = await useRealtimeStore().command('stock:kardex', {
      warehouseId,
      productId: id,
      limit: 100,
    });
    if (asked !== kardexAsked) return;
    if (answer.ok) kardex.value = answer.data;
    else error.value = answer.error;
  }

  async function refresh(): Promise<void> {
    if (!productId.value) return;
    loading.value = true;
    error.value = null;
    try {
      await Promise.all([loadLevels(), loadKardex()]);
    } finally {
      loading.value = false;
    }
  }

  /** Looks a product up, with the kardex of `warehouseId` (the device's warehouse). */
  async function select(id: string, warehouseId: string | null): Promise<void> {
    productId.value = id;
    kardexWarehouseId.value = warehouseId;
    levels.value = [];
    kardex.value = [];
    await refresh();
  }

  async function showKardex(warehouseId: string): Promise<void> {
    kardexWarehouseId.value = warehouseId;
    kardex.value = [];
    await loadKardex();
  }

  function levelIn(warehouseId: string): StockLevel | undefined {
    return levels.value.find((l) => l.warehouseId === warehouseId);
  }

  async function setMinimum(warehouseId: string, minimum: string | null): Promise<boolean> {
    const id = productId.value;
    if (!id) return false;
    const answer = await useRealtimeStore().command('stock:set-minimum', {
      warehouseId,
      productId: id,
      minimum,
    });
    if (!answer.ok) {
      error.value = answer.error;
      return false;
    }
    const level = levelIn(warehouseId);
    if (level) Object.assign(level, answer.data);
    return true;
  }

  /**
   * Records a merma of the product looked up in `warehouseId`; the level and the kardex follow
   * through the `stock:changed` it causes. Null (and `error` set) when refused.
   */
  async function writeOff(
    input: Omit<CommandPayload<ClientCommands, 'stock:write-off'>, 'id' | 'productId'>,
  ): Promise<RecordedWriteOff | null> {
    const id = productId.value;
    if (!id) return null;
    error.value = null;
    const merma = { ...input, productId: id };
    const answer = await useRealtimeStore().command('stock:write-off', { ...merma, id: writeOffId(merma) });
    if (!answer.ok) {
      error.value = answer.error;
      return null;
    }
    return answer.data;
  }

  function onStockChanged({ changes }: NotificationPayload<'stock:changed'>): void {
    let kardexMoved = false;
    for (const change of changes) {
      if (change.productId !== productId.value) continue;
      const level = levelIn(change.warehouseId);
      if (level) Object.assign(level, { quantity: change.quantity, averageCost: change.averageCost });
      if (change.warehouseId === kardexWarehouseId.value) kardexMoved = true;
    }
    if (kardexMoved) void loadKardex();
  }

  function clear(): void {
    productId.value = null;
    levels.value = [];
    kardex.value = [];
    error.value = null;
  }

  let stopFns: (() => void)[] = [];
  function start(): void {
    if (stopFns.length) return;
    const realtime = useRealtimeStore();
    stopFns = [realtime.addEventListener('stock:changed', onStockChanged), realtime.onResync(refresh)];
  }
  function stop(): void {
    for (const off of stopFns) off();
    stopFns = [];
  }

  return {
    productId,
    levels,
    kardexWarehouseId,
    kardex,
    loading,
    error,
    select,
    refresh,
    showKardex,
    levelIn,
    setMinimum,
    writeOff,
    clear,
    start,
    stop,
  };
});
