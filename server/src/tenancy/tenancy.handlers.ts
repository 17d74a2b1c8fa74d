import { ADMIN_ROLES, ALL_ROLES, SCREEN_ROLES, SUPERVISOR_ROLES } from '@erp/shared';
import { withTenant } from '../platform/orm.ts';
import { onCommand } from '../realtime/commands.ts';
import { withTenantEvents } from '../realtime/publish-after-commit.ts';
import { rooms } from '../realtime/rooms.ts';
import type { HandlerRegistrar } from '../realtime/tenant-namespace.ts';
import { approvalActor } from './approvals.service.ts';
import { getTenantProfile, saveTenantProfile } from './company.service.ts';
import { listTerminals, listUsers } from './tenancy.queries.ts';
import { listStores, saveStore, saveTerminal } from './tenancy.service.ts';
import { createUser, setMembershipActive, updateMembership } from './users.service.ts';

export const registerTenancyHandlers: HandlerRegistrar = (socket, { orm, logger, approvals }) => {
  const { tenantId } = socket.data;
  const actor = () => ({ userId: socket.data.userId, role: socket.data.role, storeId: socket.data.storeId });
  /** A user whose access changed gets new sockets: the role and store are read at the handshake. */
  const reconnectUser = (userId: string) => socket.nsp.in(rooms.user(userId)).disconnectSockets(true);

  onCommand(socket, logger, 'session:info', { roles: ALL_ROLES }, async () => {
    const { userId, role, storeId, screen } = socket.data;
    return { userId, tenantId, role, storeId, screen };
  });

  onCommand(socket, logger, 'store:list', { roles: ALL_ROLES }, () =>
    withTenant(orm, tenantId, (em) => listStores(em, actor())),
  );

  onCommand(socket, logger, 'store:save', { roles: ADMIN_ROLES }, (input) =>
    withTenant(orm, tenantId, (em) => saveStore(em, input)),
  );

  onCommand(socket, logger, 'tenant:get', { roles: ADMIN_ROLES }, () =>
    withTenant(orm, tenantId, getTenantProfile),
  );

  onCommand(socket, logger, 'tenant:save', { roles: ADMIN_ROLES }, (input) =>
    withTenantEvents(orm, socket, (em, events) => saveTenantProfile(em, input, actor(), events)),
  );

  onCommand(socket, logger, 'terminal:list', { roles: ADMIN_ROLES }, (input) =>
    withTenant(orm, tenantId, (em) => listTerminals(em, input)),
  );

  onCommand(socket, logger, 'terminal:save', { roles: ADMIN_ROLES }, (input) =>
    withTenant(orm, tenantId, (em) => saveTerminal(em, input)),
  );

  onCommand(socket, logger, 'user:list', { roles: ADMIN_ROLES }, (input) =>
    withTenant(orm, tenantId, (em) => listUsers(em, input)),
  );

  onCommand(socket, logger, 'user:create', { roles: ADMIN_ROLES }, async (payload) => {
    const user = await withTenant(orm, tenantId, (em) => createUser(em, payload, actor()));
    socket.nsp.to(rooms.screen('backoffice')).emit('user:created', user);
    return user;
  });

  onCommand(socket, logger, 'user:update', { roles: ADMIN_ROLES }, async (input) => {
    const { before, after } = await withTenantEvents(orm, socket, (em, events) =>
      updateMembership(em, input, actor(), events),
    );
    if (before.role !== after.role || before.storeId !== after.storeId) reconnectUser(after.id);
    return after;
  });

  onCommand(socket, logger, 'user:set-active', { roles: ADMIN_ROLES }, async (input) => {
    const user = await withTenantEvents(orm, socket, (em, events) =>
      setMembershipActive(em, input, actor(), events),
    );
    if (!user.active) reconnectUser(user.id);
    return user;
  });

  // Approval PINs: a till lists who may authorize there; approvers set their own PIN.
  onCommand(socket, logger, 'approval:approvers', { roles: SCREEN_ROLES.pos }, () =>
    approvals.approvers(approvalActor(socket)),
  );

  onCommand(socket, logger, 'approval:pin-status', { roles: SUPERVISOR_ROLES }, () =>
    approvals.pinStatus(approvalActor(socket)),
  );

  onCommand(socket, logger, 'approval:set-pin', { roles: SUPERVISOR_ROLES }, (input) =>
    approvals.setPin(approvalActor(socket), input),
  );

  onCommand(socket, logger, 'approval:clear-pin', { roles: ADMIN_ROLES }, ({ userId }) =>
    approvals.clearPin(approvalActor(socket), userId),
  );
};
