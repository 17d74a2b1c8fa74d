import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Server } from 'socket.io';
import type { RedisClient } from '../platform/redis.ts';
import { splicingParser } from './serialized.ts';
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
    // Our clients speak WebSocket only (no sticky sessions for long-polling across nodes), and a
    // connection held for sending too much is held by pausing its TCP socket (tenant-namespace.ts).
    transports: ['websocket'],
    // Answers serialized once (a shared catalog snapshot) go out without being encoded again.
    parser: splicingParser,
    // Compress only large messages (the catalog snapshot asked on the socket by tools: ~16 MB of
    // JSON for 50,000 products, ~2.6 MB deflated; the POS takes it over HTTP); small ones such as sale acks stay uncompressed, off the CPU hot path. ws
    // honours the threshold only without context takeover (else it compresses every message).
    // Level 1: that snapshot takes ~120 ms of CPU to compress instead of ~220 ms at the default
    // level, for 13% more bytes; the CPU is what every tenant's sales share.
    perMessageDeflate: {
      threshold: 64 * 1024,
      serverNoContextTakeover: true,
      clientNoContextTakeover: true,
      zlibDeflateOptions: { level: 1 },
    },
  }) as AppServer;
}
