import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Server } from 'socket.io';
import type { RedisClient } from '../platform/redis.ts';
import type { AppServer } from './types.ts';

/**
 * The Socket.IO server. Several server processes share rooms through the Redis Streams adapter,
 * which (unlike the pub/sub adapter) survives Redis disconnections and supports connection-state
 * recovery, so a client that blips reconnects with its rooms and missed events.
 */
export function createIo(httpServer: HttpServer, redis: RedisClient, streamName: string): AppServer {
  return new Server(httpServer, {
    adapter: createAdapter(redis, { streamName }),
    cleanupEmptyChildNamespaces: true,
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60 * 1000, skipMiddlewares: false },
    serveClient: false,
  }) as AppServer;
}
