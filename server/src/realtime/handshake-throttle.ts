import type { IncomingMessage } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';
import { AppError } from '../platform/app-error.ts';
import type { Config } from '../platform/config.ts';
import { type BucketLimit, TokenBuckets } from './token-bucket.ts';

export interface HandshakeLimits {
  address: BucketLimit;
  tenant: BucketLimit;
}

/**
 * Socket handshakes per client address and per tenant namespace, counted before the handshake
 * reads anything (the token's session, the memberships, a hub's credential), so a client
 * reconnecting in a loop, or many aimed at one company, cost the database nothing past the
 * budget. The address is the one the login throttle sees: the connection's peer, or the client
 * named by `X-Forwarded-For` when the peer is a proxy `TRUST_PROXY` trusts.
 */
export class HandshakeThrottle {
  readonly #addresses: TokenBuckets;
  readonly #tenants: TokenBuckets;
  readonly #trust: (address: string, hop: number) => boolean;

  constructor(limits: HandshakeLimits, trustProxy: Config['TRUST_PROXY']) {
    this.#addresses = new TokenBuckets(limits.address);
    this.#tenants = new TokenBuckets(limits.tenant);
    // As Fastify reads the same setting for `request.ip`.
    this.#trust =
      typeof trustProxy === 'function'
        ? trustProxy
        : Array.isArray(trustProxy)
          ? proxyAddr.compile(trustProxy)
          : () => trustProxy;
  }

  /** Counts a handshake of `request` on the tenant `slug`'s namespace, or throws RATE_LIMITED. */
  admit(request: IncomingMessage, slug: string): void {
    const now = performance.now();
    const address = this.#addresses.of(proxyAddr(request, this.#trust), now);
    const tenant = this.#tenants.of(slug, now);
    if (!address.has(1, now) || !tenant.has(1, now)) throw new AppError('RATE_LIMITED');
    address.take(1, now);
    tenant.take(1, now);
  }
}
