import type { Result } from '@erp/shared/errors';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { STORE_IDS } from './ids.ts';
import { type NotificationPayload, useRealtimeStore } from './realtime.store.ts';

export type ScaleReadingEvent = NotificationPayload<'scale:reading'>;

/** How long one `scale:watch` lasts; the POS renews it while the weighing dialog is open. */
const WATCH_MS = 15_000;

/** Decimal text in `unit` → kilograms with 3 decimals as text, or null when negative or unreadable. */
export function readingToKg(weight: string, unit: 'kg' | 'g' | 'lb'): string | null {
  if (weight.startsWith('-')) return null;
  const [whole = '0', fraction = ''] = weight.split('.');
  // Thousandths of the unit, truncated (a scale never rounds a weight up in the buyer's disfavour).
  const milli = BigInt(whole) * 1000n + BigInt(fraction.slice(0, 3).padEnd(3, '0'));
  const grams = unit === 'kg' ? milli : unit === 'g' ? milli / 1000n : (milli * 45_359_237n) / 100_000_000n;
  if (grams === 0n) return null;
  return `${grams / 1000n}.${String(grams % 1000n).padStart(3, '0')}`;
}

/**
 * The latest reading of the store's scale pushed by the hub (`scale:reading`). Weight is state:
 * only the newest `seq` per scale counts; a weighable item takes the weight only when stable.
 */
export const useScaleStore = defineStore(STORE_IDS.SCALE, () => {
  const reading = ref<ScaleReadingEvent | null>(null);

  /** Stable, positive weight in kg (`'0.750'`), or null. */
  const stableKg = computed(() => {
    const r = reading.value;
    if (!r?.connected || !r.stable || r.overload || r.underZero || r.weight === null) return null;
    return readingToKg(r.weight, r.unit);
  });
  const connected = computed(() => reading.value?.connected === true);

  function onReading(next: ScaleReadingEvent): void {
    const current = reading.value;
    if (current && current.scaleId === next.scaleId && next.seq <= current.seq) return;
    reading.value = next;
  }

  /**
   * Asks the hub, through the server, to stream readings to this terminal while a weighing screen
   * is open: the watch lasts WATCH_MS and is renewed before it runs out. Returns the stop function.
   * Without a hub the server answers DEVICE_UNAVAILABLE and the cashier types the weight.
   */
  function watch(): () => void {
    const realtime = useRealtimeStore();
    const renew = async () => {
      const answer = await realtime.command('scale:watch', { durationMs: WATCH_MS });
      if (answer.ok && answer.data) onReading(answer.data as ScaleReadingEvent);
    };
    void renew();
    const timer = setInterval(renew, WATCH_MS - 5_000);
    return () => clearInterval(timer);
  }

  /**
   * Tare or zero of the store's scale through the hub. The server gives it a deadline of a few
   * seconds: a late one is dropped by the hub (EXPIRED_COMMAND), never queued.
   */
  function adjust(action: 'tare' | 'zero'): Promise<Result<unknown>> {
    return useRealtimeStore().command(action === 'tare' ? 'scale:tare' : 'scale:zero', {});
  }

  let off: (() => void) | null = null;
  function start(): void {
    off ??= useRealtimeStore().addEventListener('scale:reading', onReading);
  }
  function stop(): void {
    off?.();
    off = null;
  }

  return { reading, stableKg, connected, onReading, start, stop, watch, adjust };
});
