/**
 * Passes at most one value per key every `intervalMs`, and always the latest: a value that
 * arrives too soon replaces the waiting one and goes out when the interval ends. For state
 * such as a weight, where only the newest reading matters but the last one must not be lost.
 */
export class LatestThrottle<T> {
  readonly #intervalMs: number;
  readonly #send: (value: T) => void;
  readonly #keys = new Map<string, { lastAt: number; waiting: T | null; timer: NodeJS.Timeout | null }>();

  constructor(intervalMs: number, send: (value: T) => void) {
    this.#intervalMs = intervalMs;
    this.#send = send;
  }

  push(key: string, value: T): void {
    const now = Date.now();
    const entry = this.#keys.get(key) ?? { lastAt: 0, waiting: null, timer: null };
    this.#keys.set(key, entry);
    if (entry.timer) {
      entry.waiting = value;
      return;
    }
    const wait = entry.lastAt + this.#intervalMs - now;
    if (wait <= 0) {
      entry.lastAt = now;
      this.#send(value);
      return;
    }
    entry.waiting = value;
    entry.timer = setTimeout(() => {
      entry.timer = null;
      entry.lastAt = Date.now();
      const latest = entry.waiting as T;
      entry.waiting = null;
      this.#send(latest);
    }, wait);
  }

  /** Drops waiting values (the source went away). */
  clear(): void {
    for (const entry of this.#keys.values()) if (entry.timer) clearTimeout(entry.timer);
    this.#keys.clear();
  }
}
