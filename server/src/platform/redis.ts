import { createClient } from 'redis';

/**
 * A Redis connection that keeps reconnecting (short, capped backoff) so a Redis restart only
 * pauses what needs Redis. Errors are reported to the caller's logger, never thrown unhandled.
 */
export async function connectRedis(url: string, onError: (error: Error) => void) {
  const client = createClient({
    url,
    socket: { reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 2_000), connectTimeout: 2_000 },
  });
  client.on('error', onError);
  await client.connect();
  return client;
}

export type RedisClient = Awaited<ReturnType<typeof connectRedis>>;
