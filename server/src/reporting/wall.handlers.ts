import { SCREEN_ROLES } from '@erp/shared';
import { withTenant } from '../platform/orm.ts';
import { onCommand } from '../realtime/commands.ts';
import { rooms } from '../realtime/rooms.ts';
import type { HandlerRegistrar } from '../realtime/tenant-namespace.ts';
import type { HubSocketData } from '../realtime/types.ts';
import { type ConnectedHub, readWallSnapshot } from './wall.service.ts';

/** The sales wall's commands; its live updates come from wall-feed.ts. */
export const registerWallHandlers: HandlerRegistrar = (socket, { orm, logger }) => {
  onCommand(socket, logger, 'wall:snapshot', { roles: SCREEN_ROLES.wall }, async () => {
    // Hubs of this tenant's namespace only, connected to any server.
    const hubs = await socket.nsp.in(rooms.screen('hub')).fetchSockets();
    const connected: ConnectedHub[] = hubs.map((hub) => {
      const data = hub.data as unknown as HubSocketData;
      return { storeId: data.storeId, printers: Object.values(data.printers) };
    });
    return withTenant(orm, socket.data.tenantId, (em) => readWallSnapshot(em, connected));
  });
};
