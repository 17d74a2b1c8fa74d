import type { ErrorPayload } from '@erp/shared/errors';
import type { CountResult, CountScan, CountTotal, CountView } from '@erp/shared/events/index';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { z } from 'zod';
import { STORE_IDS } from './ids.ts';
import { type NotificationPayload, useRealtimeStore } from './realtime.store.ts';
import { useSessionStore } from './session.store.ts';
import { signedMilli, signedText } from './signed-quantity.ts';
import { useWarehousesStore } from './warehouses.store.ts';

export type Count = z.output<typeof CountView>;
export type CountTotalView = z.output<typeof CountTotal>;
export type Scan = z.output<typeof CountScan>;
export type CountOutcome = z.output<typeof CountResult>;

/** Scans kept in the live feed. */
export const FEED_SIZE = 40;

/** A total's key: the product, or the unknown barcode. */
const keyOf = (t: { productId: string | null; barcode: string | null }) => t.productId ?? `?${t.barcode}`;

/**
 * A collaborative stock count on this tablet: the warehouse's counts to join (live through
 * `count:started`), the joined count's running totals per product and per unknown barcode, with
 * everyone's scans arriving live (`count:scanned`; this tablet's own scans come back both as the
 * answer and as the room's echo, counted once by scan id), then close and apply. A reconnection
 * that lost events joins again, which re-reads the totals.
 */
export const useStockCountStore = defineStore(STORE_IDS.STOCK_COUNT, () => {
  const counts = ref<Count[]>([]);
  const active = ref<Count | null>(null);
  const totals = ref<CountTotalView[]>([]);
  const feed = ref<Scan[]>([]);
  const lastScan = ref<Scan | null>(null);
  const result = ref<CountOutcome | null>(null);
  const zone = ref<string | null>(null);
  const busy = ref(false);
  const error = ref<ErrorPayload | null>(null);
  let seen = new Set<string>();

  const here = () => useWarehousesStore().currentId;
  /** This person: their share of each total is told apart from the others'. */
  const myId = computed(() => useSessionStore().user?.id ?? null);

  const known = computed(() => totals.value.filter((t) => t.productId !== null));
  const unknown = computed(() => totals.value.filter((t) => t.productId === null));

  function countedBy(total: CountTotalView, userId: string | null): string {
    return total.byUser.find((u) => u.userId === userId)?.counted ?? '0.000';
  }

  /** What everyone else counted of this product. */
  function countedByOthers(total: CountTotalView): string {
    return signedText(signedMilli(total.counted) - signedMilli(countedBy(total, myId.value)));
  }

  async function load(): Promise<void> {
    const warehouseId = here();
    if (!warehouseId) return;
    const answer = await useRealtimeStore().command('count:list', { warehouseId });
    if (answer.ok) {
      if (warehouseId === here()) counts.value = answer.data;
    } else {
      error.value = answer.error;
    }
  }

  function enter(count: Count, startTotals: CountTotalView[]): void {
    active.value = count;
    totals.value = startTotals;
    feed.value = [];
    lastScan.value = null;
    result.value = null;
    seen = new Set();
    if (zone.value && !count.zones.includes(zone.value)) zone.value = null;
    zone.value ??= count.zones[0] ?? null;
    if (!counts.value.some((c) => c.id === count.id)) counts.value = [count, ...counts.value];
  }

  async function run<T>(work: () => Promise<T>): Promise<T | null> {
    if (busy.value) return null;
    busy.value = true;
    error.value = null;
    try {
      return await work();
    } finally {
      busy.value = false;
    }
  }

  function startCount(input: { fullCount: boolean; zones: string[] }): Promise<boolean | null> {
    return run(async () => {
      const warehouseId = here();
      if (!warehouseId) return false;
      const answer = await useRealtimeStore().command('count:start', { warehouseId, ...input });
      if (!answer.ok) {
        error.value = answer.error;
        return false;
      }
      enter(answer.data, []);
      return true;
    });
  }

  function join(countId: string): Promise<boolean | null> {
    return run(async () => {
      const answer = await useRealtimeStore().command('count:join', { countId });
      if (!answer.ok) {
        error.value = answer.error;
        if (answer.error.code === 'CONFLICT') await load();
        return false;
      }
      enter(answer.data.count, answer.data.totals);
      return true;
    });
  }

  /** Takes in a scan from this tablet or another, once. */
  function record(scan: Scan): void {
    if (seen.has(scan.id) || scan.countId !== active.value?.id) return;
    seen.add(scan.id);
    feed.value = [scan, ...feed.value].slice(0, FEED_SIZE);
    const key = keyOf(scan);
    let total = totals.value.find((t) => keyOf(t) === key);
    if (!total) {
      total = {
        productId: scan.productId,
        barcode: scan.productId ? null : scan.barcode,
        productName: scan.productName,
        counted: '0.000',
        byUser: [],
      };
      totals.value = [total, ...totals.value];
    }
    // The server's running total after this scan is everyone's; per person we add up.
    total.counted = scan.total;
    const mine = total.byUser.find((u) => u.userId === scan.userId);
    if (mine) mine.counted = signedText(signedMilli(mine.counted) + signedMilli(scan.quantity));
    else total.byUser.push({ userId: scan.userId, userName: scan.userName, counted: scan.quantity });
  }

  /** Sends one scan: a barcode or internal code, `quantity` signed (negative corrects). */
  async function scan(barcode: string, quantity: string): Promise<Scan | null> {
    const count = active.value;
    if (count?.status !== 'open') return null;
    const answer = await useRealtimeStore().command('count:scan', {
      countId: count.id,
      barcode,
      quantity,
      ...(zone.value ? { zone: zone.value } : {}),
    });
    if (!answer.ok) {
      error.value = answer.error;
      return null;
    }
    error.value = null;
    record(answer.data);
    lastScan.value = answer.data;
    return answer.data;
  }

  function finished(outcome: CountOutcome): void {
    if (active.value?.id === outcome.id) active.value = { ...active.value, status: outcome.status };
    if (active.value?.id === outcome.id || result.value?.id === outcome.id) result.value = outcome;
    counts.value =
      outcome.status === 'applied'
        ? counts.value.filter((c) => c.id !== outcome.id)
        : counts.value.map((c) => (c.id === outcome.id ? { ...c, status: outcome.status } : c));
  }

  function close(): Promise<boolean | null> {
    return run(async () => {
      const count = active.value;
      if (!count) return false;
      const answer = await useRealtimeStore().command('count:close', { countId: count.id });
      if (!answer.ok) {
        error.value = answer.error;
        return false;
      }
      finished(answer.data);
      return true;
    });
  }

  function apply(): Promise<boolean | null> {
    return run(async () => {
      const countId = result.value?.id;
      if (!countId) return false;
      const answer = await useRealtimeStore().command('count:apply', { countId });
      if (!answer.ok) {
        error.value = answer.error;
        return false;
      }
      finished(answer.data);
      return true;
    });
  }

  /** The variances of a closed count (another tablet closed it, or this page was reloaded). */
  function showResult(countId: string): Promise<boolean | null> {
    return run(async () => {
      const answer = await useRealtimeStore().command('count:result', { countId });
      if (!answer.ok) {
        error.value = answer.error;
        return false;
      }
      active.value = null;
      result.value = answer.data;
      return true;
    });
  }

  function leave(): void {
    active.value = null;
    result.value = null;
    totals.value = [];
    feed.value = [];
    lastScan.value = null;
    error.value = null;
  }

  function onStarted(count: NotificationPayload<'count:started'>): void {
    if (count.warehouseId === here() && !counts.value.some((c) => c.id === count.id)) {
      counts.value = [count, ...counts.value];
    }
  }

  async function resync(): Promise<void> {
    await load();
    const count = active.value;
    if (count?.status !== 'open') return;
    // The socket is new: join the count's room again and take the totals as they are now.
    const answer = await useRealtimeStore().command('count:join', { countId: count.id });
    if (answer.ok) {
      const known = seen;
      enter(answer.data.count, answer.data.totals);
      seen = known;
    } else if (answer.error.code === 'CONFLICT') {
      await showResult(count.id);
    }
  }

  let stopFns: (() => void)[] = [];
  function start(): void {
    if (stopFns.length) return;
    const realtime = useRealtimeStore();
    stopFns = [
      realtime.addEventListener('count:started', onStarted),
      realtime.addEventListener('count:scanned', record),
      realtime.addEventListener('count:closed', finished),
      realtime.addEventListener('count:applied', finished),
      realtime.onResync(resync),
    ];
  }
  function stop(): void {
    for (const off of stopFns) off();
    stopFns = [];
  }

  return {
    counts,
    active,
    totals,
    feed,
    lastScan,
    result,
    zone,
    busy,
    error,
    myId,
    known,
    unknown,
    countedBy,
    countedByOthers,
    load,
    startCount,
    join,
    scan,
    close,
    apply,
    showResult,
    leave,
    start,
    stop,
  };
});
