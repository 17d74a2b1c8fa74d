import { AppError } from '../platform/app-error.ts';
import { type BucketLimit, TokenBuckets } from './token-bucket.ts';

export interface CommandLimitsConfig {
  /** The budget of one session's (or hub's) connections. */
  socket: BucketLimit;
  /** The budget of all of a tenant's connections together. */
  tenant: BucketLimit;
  /** Commands one connection may have running at once. */
  inFlight: number;
}

/**
 * Refusals a connection may collect before it is no longer read for a while: a client that keeps
 * sending after RATE_LIMITED (a loop that does not look at the answer) would otherwise cost the
 * event loop thousands of refusals a second. Far beyond what a person's screen ever gets.
 */
const REFUSALS: BucketLimit = { perSecond: 10, burst: 100 };

/** What a connection's commands draw on; `admit` is called by `onCommand` before a handler runs. */
export interface CommandBudget {
  /** Counts a command of `cost` tokens in, or throws RATE_LIMITED; call the release once it ends. */
  admit(cost: number): () => void;
}

/** Who a connection acts for: the budget follows `key` (a session, a hub) across reconnections. */
export interface BudgetHolder {
  key: string;
  tenantId: string;
  /** Stops reading the connection for a while: it kept sending after its refusals ran out. */
  hold(): void;
}

/**
 * The command budgets of one server process: a token bucket per session (or hub) and per
 * tenant, and a cap on the commands a connection has running. A socket looping an expensive
 * read, or firing commands without waiting for the answers, is answered RATE_LIMITED instead of
 * taking the pool and the event loop every tenant's sales share, and held if it goes on; the
 * tenant's bucket stops the same from many sockets. The session's bucket is not refilled by
 * reconnecting. Counted per process, like the pool they protect.
 */
export class CommandLimits {
  readonly #config: CommandLimitsConfig;
  readonly #holders: TokenBuckets;
  readonly #refusals = new TokenBuckets(REFUSALS);
  readonly #tenants: TokenBuckets;

  constructor(config: CommandLimitsConfig) {
    this.#config = config;
    this.#holders = new TokenBuckets(config.socket);
    this.#tenants = new TokenBuckets(config.tenant);
  }

  /** A new connection's budget. */
  forSocket(holder: BudgetHolder): CommandBudget {
    const limits = this;
    let inFlight = 0;
    return {
      admit(cost) {
        const now = performance.now();
        const own = limits.#holders.of(holder.key, now);
        const tenant = limits.#tenants.of(holder.tenantId, now);
        // Both must have the tokens before either is charged: a refusal costs nothing.
        if (inFlight >= limits.#config.inFlight || !own.has(cost, now) || !tenant.has(cost, now)) {
          if (!limits.#refusals.of(holder.key, now).take(1, now)) holder.hold();
          throw new AppError('RATE_LIMITED');
        }
        own.take(cost, now);
        tenant.take(cost, now);
        inFlight++;
        return () => {
          inFlight--;
        };
      },
    };
  }
}
