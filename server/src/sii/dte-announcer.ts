import type { DteMailView, DteStatusChange } from '@erp/shared';
import type { MikroORM } from '@mikro-orm/postgresql';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Server } from 'socket.io';
import type { z } from 'zod';
import { withTenant } from '../platform/orm.ts';
import type { RedisClient } from '../platform/redis.ts';
import { PendingEvents } from '../realtime/pending-events.ts';
import { rooms, tenantNamespace } from '../realtime/rooms.ts';
import type { AppServer } from '../realtime/types.ts';
import { tenantSlug } from './caf.queries.ts';

/**
 * Pushes `dte:status` from the worker to the tenant's back offices and walls. The worker serves no
 * sockets: a detached Socket.IO server on the same Redis stream hands the events to the API
 * servers, which deliver them to their clients. It has no engine to close: quitting the Redis
 * client ends it.
 */
export function createDteAnnouncer(orm: MikroORM, redis: RedisClient, streamName: string) {
  const io = new Server({ adapter: createAdapter(redis, { streamName }) }) as AppServer;
  const slugs = new Map<string, string>();

  async function slugOf(tenantId: string): Promise<string> {
    let slug = slugs.get(tenantId);
    if (!slug) {
      slug = await withTenant(orm, tenantId, tenantSlug);
      slugs.set(tenantId, slug);
    }
    return slug;
  }

  return {
    announce(tenantId: string, changes: DteStatusChange[]): Promise<void> {
      if (changes.length === 0) return Promise.resolve();
      return slugOf(tenantId).then((slug) => {
        const events = new PendingEvents();
        for (const change of changes) {
          events.collect([rooms.screen('backoffice'), rooms.screen('wall')], 'dte:status', change);
        }
        events.publish(io.of(tenantNamespace(slug)));
      });
    },
    announceMail(tenantId: string, documentId: string, mails: z.input<typeof DteMailView>[]): Promise<void> {
      return slugOf(tenantId).then((slug) => {
        const events = new PendingEvents();
        events.push(rooms.screen('backoffice'), 'dte:mail', { documentId, mails });
        events.publish(io.of(tenantNamespace(slug)));
      });
    },
  };
}
