// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { describe, expect, it, vi } from 'vitest';
import { fakeRealtime } from '../test/fake-realtime.ts';
import { readingToKg, type ScaleReadingEvent, useScaleStore } from './scale.store.ts';

function reading(overrides: Partial<ScaleReadingEvent>): ScaleReadingEvent {
  return {
    storeId: crypto.randomUUID(),
    scaleId: 'balanza-1',
    seq: 1,
    weight: '0.750',
    unit: 'kg',
    stable: true,
    net: false,
    overload: false,
    underZero: false,
    connected: true,
    at: new Date().toISOString(),
    ...overrides,
  };
}

describe('scale store', () => {
  it('converts readings to kilograms with 3 decimals, without floats', () => {
    expect(readingToKg('0.75', 'kg')).toBe('0.750');
    expect(readingToKg('1234', 'g')).toBe('1.234');
    expect(readingToKg('1.000', 'lb')).toBe('0.453');
    expect(readingToKg('-0.120', 'kg')).toBeNull();
    expect(readingToKg('0.000', 'kg')).toBeNull();
  });

  it('keeps the newest reading pushed by the hub and offers only a stable weight', () => {
    setActivePinia(createPinia());
    const server = fakeRealtime();
    const scale = useScaleStore();
    scale.start();
    server.emit('scale:reading', reading({ seq: 5, weight: '1.200' }));
    expect(scale.stableKg).toBe('1.200');
    server.emit('scale:reading', reading({ seq: 4, weight: '9.999' })); // late, stale
    expect(scale.stableKg).toBe('1.200');
    server.emit('scale:reading', reading({ seq: 6, weight: '1.300', stable: false }));
    expect(scale.stableKg).toBeNull();
    server.emit('scale:reading', reading({ seq: 7, overload: true }));
    expect(scale.stableKg).toBeNull();
    server.emit('scale:reading', reading({ seq: 8, connected: false }));
    expect(scale.connected).toBe(false);
    expect(scale.stableKg).toBeNull();
  });

  it('asks for tare and zero through the server and hands back its answer', async () => {
    setActivePinia(createPinia());
    const server = fakeRealtime();
    server.on('scale:tare', () => ({ commandId: crypto.randomUUID(), executedAt: new Date().toISOString() }));
    server.on('scale:zero', () => ({
      ok: false,
      error: { code: 'EXPIRED_COMMAND', message: 'La orden llegó tarde y no se ejecutó.' },
    }));
    const scale = useScaleStore();
    expect(await scale.adjust('tare')).toMatchObject({ ok: true });
    expect(await scale.adjust('zero')).toMatchObject({ ok: false, error: { code: 'EXPIRED_COMMAND' } });
    expect(server.sent).toEqual([
      { name: 'scale:tare', payload: {} },
      { name: 'scale:zero', payload: {} },
    ]);
  });

  it('asks the hub to stream while weighing, renews the watch, and stops when told', async () => {
    vi.useFakeTimers();
    try {
      setActivePinia(createPinia());
      const server = fakeRealtime();
      const { storeId: _, ...current } = reading({ seq: 3, weight: '0.455' });
      server.on('scale:watch', () => current);
      const scale = useScaleStore();
      const stop = scale.watch();
      await vi.advanceTimersByTimeAsync(0);
      expect(server.sent).toEqual([{ name: 'scale:watch', payload: { durationMs: 15_000 } }]);
      expect(scale.stableKg).toBe('0.455');
      await vi.advanceTimersByTimeAsync(10_000);
      expect(server.sent).toHaveLength(2);
      stop();
      await vi.advanceTimersByTimeAsync(30_000);
      expect(server.sent).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
