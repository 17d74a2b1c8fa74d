import type { AppNamespace } from './types.ts';

/** How often at most one room hears one coalesced event (the first change goes out at once). */
export const BROADCAST_WINDOW_MS = 200;

interface Entry {
  nsp: AppNamespace;
  room: string;
  event: string;
  /** Changes waiting for the end of the window, by key (a later change replaces an earlier one). */
  waiting: Map<string, unknown> | null;
  timer: NodeJS.Timeout;
}

/**
 * Throttles `{ changes }` broadcasts per room and event across units of work: a busy store rings
 * tens of sales a second and every POS and tablet in it hears each stock change; sending them
 * one message per sale per screen costs a socket write each. The first change after a quiet
 * window goes out at once; the rest of the window's changes go out together at its end, the
 * latest per key (a product's stock in a warehouse), in the order they first appeared.
 */
export class BroadcastThrottle {
  private readonly entries = new Map<string, Entry>();
  private readonly keyOf: (change: unknown) => string;
  private readonly windowMs: number;

  constructor(keyOf: (change: unknown) => string, windowMs = BROADCAST_WINDOW_MS) {
    this.keyOf = keyOf;
    this.windowMs = windowMs;
  }

  send(nsp: AppNamespace, room: string, event: string, changes: readonly unknown[]): void {
    const id = `${nsp.name}\u0000${room}\u0000${event}`;
    const entry = this.entries.get(id);
    if (!entry) {
      emit(nsp, room, event, changes);
      this.entries.set(id, { nsp, room, event, waiting: null, timer: this.windowEnd(id) });
      return;
    }
    entry.waiting ??= new Map();
    for (const change of changes) {
      const key = this.keyOf(change);
      // Re-inserting keeps a changed key at its first place; the value is the latest.
      entry.waiting.set(key, change);
    }
  }

  private windowEnd(id: string): NodeJS.Timeout {
    const timer = setTimeout(() => {
      const entry = this.entries.get(id)!;
      if (!entry.waiting) {
        this.entries.delete(id);
        return;
      }
      emit(entry.nsp, entry.room, entry.event, [...entry.waiting.values()]);
      entry.waiting = null;
      entry.timer = this.windowEnd(id);
    }, this.windowMs);
    // A window still open never keeps a process (or a test) alive.
    timer.unref();
    return timer;
  }
}

function emit(nsp: AppNamespace, room: string, event: string, changes: readonly unknown[]): void {
  (nsp.to(room).emit as (e: string, p: unknown) => boolean)(event, { changes });
}
