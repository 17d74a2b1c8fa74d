import { ADMIN_ROLES, ALL_ROLES } from '@erp/shared';
import { withTenant } from '../platform/orm.ts';
import { onCommand } from '../realtime/commands.ts';
import { rooms } from '../realtime/rooms.ts';
import type { HandlerRegistrar } from '../realtime/tenant-namespace.ts';
import { createUser, listStores, listUsers } from './tenancy.service.ts';

export const registerTenancyHandlers: HandlerRegistrar = (socket, { orm, logger }) => {
  const { tenantId } = socket.data;

  onCommand(socket, logger, 'session:info', { roles: ALL_ROLES }, async () => {
    const { userId, role, storeId, screen } = socket.data;
    return { userId, tenantId, role, storeId, screen };
  });

  onCommand(socket, logger, 'store:list', { roles: ALL_ROLES }, () => withTenant(orm, tenantId, listStores));

  onCommand(socket, logger, 'user:list', { roles: ADMIN_ROLES }, () => withTenant(orm, tenantId, listUsers));

  onCommand(socket, logger, 'user:create', { roles: ADMIN_ROLES }, async (payload) => {
    const user = await withTenant(orm, tenantId, (em) => createUser(em, payload));
    socket.nsp.to(rooms.screen('backoffice')).emit('user:created', user);
    return user;
  });
};
