import type { EntityManager } from '@mikro-orm/postgresql';
import { withTenant } from '../platform/orm.ts';
import { onCommand } from '../realtime/commands.ts';
import { PendingEvents } from '../realtime/pending-events.ts';
import type { HandlerRegistrar } from '../realtime/tenant-namespace.ts';
import { waitingTickets } from './parked-tickets.queries.ts';
import { discardTicket, parkTicket, resumeTicket } from './parked-tickets.service.ts';
import { SELLING_ROLES, sellerOf } from './seller.ts';

/** Parked tickets at the tills: park, list, resume and discard, in the store the socket serves. */
export const registerParkedTicketHandlers: HandlerRegistrar = (socket, { orm, logger }) => {
  const { tenantId } = socket.data;

  /** Runs a change in one tenant transaction; the store's tills hear of it after the commit. */
  async function change<T>(work: (em: EntityManager, events: PendingEvents) => Promise<T>): Promise<T> {
    const events = new PendingEvents();
    const result = await withTenant(orm, tenantId, (em) => work(em, events));
    events.publish(socket.nsp);
    return result;
  }

  onCommand(socket, logger, 'ticket:park', { roles: SELLING_ROLES }, (input) =>
    change((em, events) => parkTicket(em, sellerOf(socket.data), input, events)),
  );
  onCommand(socket, logger, 'ticket:parked-list', { roles: SELLING_ROLES }, () =>
    withTenant(orm, tenantId, (em) => waitingTickets(em, sellerOf(socket.data).storeId)),
  );
  onCommand(socket, logger, 'ticket:resume', { roles: SELLING_ROLES }, (input) =>
    change((em, events) => resumeTicket(em, sellerOf(socket.data), input, events)),
  );
  onCommand(socket, logger, 'ticket:discard', { roles: SELLING_ROLES }, (input) =>
    change((em, events) => discardTicket(em, sellerOf(socket.data), input, events)),
  );
};
