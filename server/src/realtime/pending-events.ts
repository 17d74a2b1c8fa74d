import type { ServerNotifications } from '@erp/shared';
import type { z } from 'zod';
import { BroadcastThrottle } from './broadcast-throttle.ts';
import type { AppNamespace } from './types.ts';

type Name = keyof ServerNotifications;
type Payload<K extends Name> = z.input<ServerNotifications[K]>;
/** Notifications whose payload is `{ changes: Item[] }` can be coalesced item by item. */
type CoalescibleName = { [K in Name]: Payload<K> extends { changes: readonly unknown[] } ? K : never }[Name];
type Item<K extends CoalescibleName> = Payload<K> extends { changes: readonly (infer I)[] } ? I : never;

/**
 * Stock changes reach every POS and tablet of a store after every sale: they are throttled per
 * room across sales (see BroadcastThrottle), keyed by warehouse and product.
 */
const stockChanges = new BroadcastThrottle((change) => {
  const { warehouseId, productId } = change as { warehouseId: string; productId: string };
  return `${warehouseId}/${productId}`;
});

/**
 * Notifications produced inside a unit of work, held until it commits so nothing is announced
 * that might roll back. Changes to many rows become one message per room and event.
 *
 * @example
 *   const events = new PendingEvents();
 *   await withTenant(orm, tenantId, (em) => service.receive(em, input, events));
 *   events.publish(socket.nsp);
 */
export class PendingEvents {
  private readonly single: { room: string; event: Name; payload: unknown }[] = [];
  private readonly coalesced = new Map<string, { room: string; event: Name; changes: unknown[] }>();

  /** Queues a notification to be sent as it is. */
  push<K extends Name>(room: string, event: K, payload: Payload<K>): void {
    this.single.push({ room, event, payload });
  }

  /** Queues one change; all changes of a room and event go out as one `{ changes }` message. */
  collect<K extends CoalescibleName>(rooms: string[], event: K, item: Item<K>): void {
    for (const room of rooms) {
      const key = `${room}\u0000${event}`;
      let entry = this.coalesced.get(key);
      if (!entry) {
        entry = { room, event, changes: [] };
        this.coalesced.set(key, entry);
      }
      entry.changes.push(item);
    }
  }

  get size(): number {
    return this.single.length + this.coalesced.size;
  }

  /** Sends everything (call after commit) through the tenant's namespace, to every server. */
  publish(nsp: AppNamespace): void {
    for (const { room, event, payload } of this.single) {
      (nsp.to(room).emit as (e: string, p: unknown) => boolean)(event, payload);
    }
    for (const { room, event, changes } of this.coalesced.values()) {
      if (event === 'stock:changed') stockChanges.send(nsp, room, event, changes);
      else (nsp.to(room).emit as (e: string, p: unknown) => boolean)(event, { changes });
    }
    this.single.length = 0;
    this.coalesced.clear();
  }
}
