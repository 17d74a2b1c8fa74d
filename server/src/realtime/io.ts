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
    // Compress only large messages (a POS's catalog snapshot: ~16 MB of JSON for 50,000 products,
    // ~2 MB deflated); small ones such as sale acks stay uncompressed, off the CPU hot path. ws
    // honours the threshold only without context takeover (else it compresses every message).
    perMessageDeflate: { threshold: 64 * 1024, serverNoContextTakeover: true, clientNoContextTakeover: true },
  }) as AppServer;
}
