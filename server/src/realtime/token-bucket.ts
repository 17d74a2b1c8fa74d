/** A refill rate and a capacity: `burst` tokens at once, then `perSecond` on average. */
export interface BucketLimit {
  perSecond: number;
  burst: number;
}

/**
 * One token bucket: it starts full with `burst` tokens, regains `perSecond` tokens a second up
 * to `burst`, and `take` spends `cost` of them if it has them. A cost above the capacity could
 * never pass, so it costs the whole (full) bucket instead.
 */
export class TokenBucket {
  readonly #limit: BucketLimit;
  #tokens: number;
  #at: number;

  constructor(limit: BucketLimit, now = performance.now()) {
    this.#limit = limit;
    this.#tokens = limit.burst;
    this.#at = now;
  }

  /** Whether `take(cost)` would pass now, without spending. */
  has(cost: number, now = performance.now()): boolean {
    this.#refill(now);
    return this.#tokens >= Math.min(cost, this.#limit.burst);
  }

  /** Spends `cost` tokens and says true, or leaves them and says false. */
  take(cost: number, now = performance.now()): boolean {
    if (!this.has(cost, now)) return false;
    this.#tokens -= Math.min(cost, this.#limit.burst);
    return true;
  }

  /** Full again by now: as good as a new bucket, so a map of buckets may forget it. */
  full(now = performance.now()): boolean {
    this.#refill(now);
    return this.#tokens >= this.#limit.burst;
  }

  #refill(now: number): void {
    const { burst, perSecond } = this.#limit;
    this.#tokens = Math.min(burst, this.#tokens + ((now - this.#at) / 1000) * perSecond);
    this.#at = now;
  }
}

/** Keys held before the full buckets are first forgotten. */
const PRUNE_AT = 10_000;

/**
 * Token buckets by key (a tenant, a client address). Memory stays bounded whatever keys
 * callers invent (a namespace name is the client's choice): once many keys are held, the
 * buckets that are full again are dropped, since a full bucket is the same as none. A bucket
 * refills within `burst / perSecond` seconds, so the keys held stay about what arrives in
 * that time; the next sweep waits until the map has doubled, so sweeping costs O(1) per key.
 */
export class TokenBuckets {
  readonly #limit: BucketLimit;
  readonly #buckets = new Map<string, TokenBucket>();
  #pruneAt = PRUNE_AT;

  constructor(limit: BucketLimit) {
    this.#limit = limit;
  }

  of(key: string, now = performance.now()): TokenBucket {
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      if (this.#buckets.size >= this.#pruneAt) {
        for (const [k, b] of this.#buckets) if (b.full(now)) this.#buckets.delete(k);
        this.#pruneAt = Math.max(PRUNE_AT, this.#buckets.size * 2);
      }
      bucket = new TokenBucket(this.#limit, now);
      this.#buckets.set(key, bucket);
    }
    return bucket;
  }
}
