import { gramsToKg, type ScaleDriver, type ScaleInfo } from '../drivers/scale/scale.ts';
import { ScaleState } from '../drivers/scale/scale-state.ts';

/** Loads put on the simulated scale in turn, in grams. */
const LOADS = [754, 1234, 0, 325, 2080, 0];
const TICK_MS = 300;
/** Ticks a load wobbles before it settles, and how long it stays. */
const SETTLE_TICKS = 4;
const STAY_TICKS = 15;

function formatGrams(grams: number): string {
  const kg = gramsToKg(String(Math.abs(grams)));
  return grams < 0 ? `-${kg}` : kg;
}

/**
 * A scale for demos: while watched it cycles through a few loads, wobbling before each settles,
 * and supports tare and zero like a real indicator. Weights are integer grams internally.
 */
export class VirtualScale implements ScaleDriver {
  readonly info: ScaleInfo;
  readonly #state: ScaleState;
  #timer: NodeJS.Timeout | null = null;
  #tick = 0;
  #tare = 0;
  #zero = 0;

  constructor(id: string) {
    this.info = { id, name: `Balanza simulada ${id}`, protocol: 'virtual' };
    this.#state = new ScaleState(this.info);
  }

  #load(): number {
    return LOADS[Math.floor(this.#tick / STAY_TICKS) % LOADS.length]!;
  }

  #step(): void {
    if (!this.#state.watching) {
      if (this.#timer) clearInterval(this.#timer);
      this.#timer = null;
      return;
    }
    const settling = this.#tick % STAY_TICKS < SETTLE_TICKS;
    const load = this.#load();
    const wobble = settling && load > 0 ? ((this.#tick % 3) - 1) * 17 : 0;
    const net = load + wobble - this.#zero - this.#tare;
    this.#state.update({
      weight: formatGrams(net),
      unit: 'kg',
      stable: !settling || load === 0,
      net: this.#tare !== 0,
      overload: false,
      underZero: net < 0,
    });
    this.#tick++;
  }

  watch(durationMs: number): void {
    this.#state.watch(durationMs);
    this.#timer ??= setInterval(() => this.#step(), TICK_MS);
    this.#step();
  }

  latest() {
    return this.#state.latest();
  }

  onReading(listener: Parameters<ScaleState['onReading']>[0]) {
    return this.#state.onReading(listener);
  }

  async tare(beforeSend: () => void): Promise<void> {
    beforeSend();
    this.#tare = this.#load() - this.#zero;
  }

  async zero(beforeSend: () => void): Promise<void> {
    beforeSend();
    this.#zero = this.#load();
    this.#tare = 0;
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
  }
}
