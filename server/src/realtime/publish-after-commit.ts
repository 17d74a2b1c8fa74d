import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { withTenant } from '../platform/orm.ts';
import { PendingEvents } from './pending-events.ts';
import type { AppSocket } from './types.ts';

/**
 * A socket command's unit of work whose notifications go out only once it has committed (and
 * not at all if it rolls back), coalesced per room.
 */
export async function withTenantEvents<T>(
  orm: MikroORM,
  socket: AppSocket,
  work: (em: EntityManager, events: PendingEvents) => Promise<T>,
): Promise<T> {
  const events = new PendingEvents();
  const result = await withTenant(orm, socket.data.tenantId, (em) => work(em, events));
  events.publish(socket.nsp);
  return result;
}

/**
 * Who acts through a socket: the user and their login session, as written on ledger rows, and
 * the store the socket serves, which bounds the stores they may reach.
 */
export const actorOf = (socket: AppSocket) => ({
  userId: socket.data.userId,
  deviceId: socket.data.sessionId,
  storeId: socket.data.storeId,
});
