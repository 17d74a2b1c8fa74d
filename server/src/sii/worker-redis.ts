import { createClient } from 'redis';

export interface RedisLinkEvents {
  /** The connection dropped: Redis is unreachable until `restored`. */
  lost(cause: Error): void;
  /** Ready again after a loss (Redis may have restarted empty). */
  restored(): void;
}

/**
 * The SII workers' Redis connection, watched. Commands wait while it reconnects (node-redis'
 * offline queue: what `maxRetriesPerRequest: null` is for ioredis, which BullMQ requires of
 * workers), with a capped exponential backoff between attempts. Transitions are reported once
 * each, not per failed attempt: the caller pauses its workers on `lost` and resumes them on
 * `restored`, so no worker keeps asking a dead connection for jobs. (BullMQ's fetch loop retries
 * without any delay the errors it does not class as connection errors, such as node-redis'
 * `ECONNRESET` or "Socket closed unexpectedly": left running through an outage, a worker can
 * busy-loop.)
 */
export async function connectWorkerRedis(url: string, events: RedisLinkEvents) {
  const client = createClient({
    url,
    socket: { reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 1_000), connectTimeout: 2_000 },
  });
  let state: 'connecting' | 'up' | 'down' = 'connecting';
  client.on('error', (error: Error) => {
    // An error while the socket stays ready (none expected) is not an outage.
    if (state !== 'up' || client.isReady) return;
    state = 'down';
    events.lost(error);
  });
  client.on('ready', () => {
    const wasDown = state === 'down';
    state = 'up';
    if (wasDown) events.restored();
  });
  await client.connect();
  return {
    client,
    get up() {
      return state === 'up';
    },
  };
}
