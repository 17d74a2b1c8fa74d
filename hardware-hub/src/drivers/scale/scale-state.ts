import type { ScaleReading } from '@erp/shared';
import type { ScaleInfo, WeightFrame } from './scale.ts';

const sameReading = (a: ScaleReading, b: ScaleReading) =>
  a.weight === b.weight &&
  a.unit === b.unit &&
  a.stable === b.stable &&
  a.net === b.net &&
  a.overload === b.overload &&
  a.underZero === b.underZero &&
  a.connected === b.connected;

/**
 * A scale's current reading and who hears about it: readings are numbered, kept as state, and
 * passed on only while someone watches and only when something changed (a streaming scale
 * repeats the same frame many times a second).
 */
export class ScaleState {
  readonly #info: ScaleInfo;
  readonly #listeners = new Set<(reading: ScaleReading) => void>();
  #seq = 0;
  #latest: ScaleReading | null = null;
  #published: ScaleReading | null = null;
  #watchUntil = 0;

  constructor(info: ScaleInfo) {
    this.#info = info;
  }

  get watching(): boolean {
    return Date.now() < this.#watchUntil;
  }

  watch(durationMs: number): void {
    this.#watchUntil = Math.max(this.#watchUntil, Date.now() + durationMs);
    this.#published = null;
  }

  latest(): ScaleReading | null {
    return this.#latest;
  }

  /** Records a frame, or `null` when the scale went silent (disconnected). */
  update(frame: WeightFrame | null): void {
    const base = frame ?? {
      weight: null,
      unit: this.#latest?.unit ?? 'kg',
      stable: false,
      net: false,
      overload: false,
      underZero: false,
    };
    const reading: ScaleReading = {
      scaleId: this.#info.id,
      seq: this.#seq++,
      ...base,
      connected: frame !== null,
      at: new Date().toISOString(),
    };
    this.#latest = reading;
    if (!this.watching || (this.#published && sameReading(this.#published, reading))) return;
    this.#published = reading;
    for (const listener of this.#listeners) listener(reading);
  }

  onReading(listener: (reading: ScaleReading) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
