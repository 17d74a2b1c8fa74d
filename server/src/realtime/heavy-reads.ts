import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { AppError } from '../platform/app-error.ts';
import { withTenant } from '../platform/orm.ts';
import { Serialized } from './serialized.ts';

export interface HeavyReadsConfig {
  /** Heavy reads one tenant may run at once. */
  perTenant: number;
  /** More of them that may wait for a turn; beyond, RATE_LIMITED. */
  waitingPerTenant: number;
  /** Memory for serialized answers kept for the next identical request. */
  cacheBytes: number;
}

interface Gate {
  running: number;
  waiting: (() => void)[];
}

/**
 * Reads that scan a tenant's whole catalog or sales (snapshots, reports, exports), kept apart
 * from the work that must stay fast:
 * - they run on their own small pool (`orm`, same role, same `withTenant`, so row-level
 *   security applies as everywhere), so a burst of them waits there and never for the
 *   connections sales use;
 * - a tenant runs at most `perTenant` at once in this process, the next few wait their turn and
 *   the rest are answered RATE_LIMITED, so one company cannot fill even that pool;
 * - an answer that many sockets ask for alike (the catalog at a version) is computed and
 *   serialized once: requests for it while it is computed share the computation, and later ones
 *   get the same text from a cache bounded by bytes (least recently used goes first).
 */
export class HeavyReads {
  /** The heavy reads' pool. */
  readonly orm: MikroORM;
  readonly #config: HeavyReadsConfig;
  readonly #gates = new Map<string, Gate>();
  readonly #pending = new Map<string, Promise<Serialized<unknown>>>();
  /** In use order, least recent first (a Map keeps insertion order; a hit is moved to the end). */
  readonly #cache = new Map<string, Serialized<unknown>>();
  #cachedBytes = 0;

  constructor(orm: MikroORM, config: HeavyReadsConfig) {
    this.orm = orm;
    this.#config = config;
  }

  /** Runs `work` in the tenant's transaction on the heavy reads' pool, in the tenant's turn. */
  read<T>(tenantId: string, work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.#inTurn(tenantId, () => withTenant(this.orm, tenantId, work));
  }

  /**
   * The tenant's answer known as `key`, serialized: cached, or being computed for another
   * request, or computed now by `compute` (which should read through `read`). The key must name
   * everything the answer depends on, such as the catalog version it was read at.
   */
  shared<T>(tenantId: string, key: string, compute: () => Promise<T>): Promise<Serialized<T>> {
    const id = `${tenantId}:${key}`;
    const hit = this.#cache.get(id);
    if (hit) {
      this.#cache.delete(id);
      this.#cache.set(id, hit);
      return Promise.resolve(hit as Serialized<T>);
    }
    let pending = this.#pending.get(id) as Promise<Serialized<T>> | undefined;
    if (!pending) {
      pending = compute()
        .then((value) => this.#remember(id, Serialized.of(value)))
        .finally(() => this.#pending.delete(id));
      this.#pending.set(id, pending);
    }
    return pending;
  }

  async close(): Promise<void> {
    this.#cache.clear();
    await this.orm.close(true);
  }

  #remember<T>(id: string, answer: Serialized<T>): Serialized<T> {
    if (answer.bytes > this.#config.cacheBytes) return answer;
    for (const [oldest, old] of this.#cache) {
      if (this.#cachedBytes + answer.bytes <= this.#config.cacheBytes) break;
      this.#cache.delete(oldest);
      this.#cachedBytes -= old.bytes;
    }
    this.#cache.set(id, answer);
    this.#cachedBytes += answer.bytes;
    return answer;
  }

  async #inTurn<T>(tenantId: string, work: () => Promise<T>): Promise<T> {
    let gate = this.#gates.get(tenantId);
    if (!gate) {
      gate = { running: 0, waiting: [] };
      this.#gates.set(tenantId, gate);
    }
    if (gate.running < this.#config.perTenant) {
      gate.running++;
    } else {
      if (gate.waiting.length >= this.#config.waitingPerTenant) throw new AppError('RATE_LIMITED');
      // The finishing read hands its turn over without counting it out and in again.
      await new Promise<void>((resolve) => gate.waiting.push(resolve));
    }
    try {
      return await work();
    } finally {
      const next = gate.waiting.shift();
      if (next) next();
      else if (--gate.running === 0) this.#gates.delete(tenantId);
    }
  }
}
