import { ALL_ROLES, STOCK_ROLES } from '@erp/shared';
import { withTenant } from '../platform/orm.ts';
import { onCommand } from '../realtime/commands.ts';
import { actorOf, withTenantEvents } from '../realtime/publish-after-commit.ts';
import type { HandlerRegistrar } from '../realtime/tenant-namespace.ts';
import { createReceipt, listSuppliers, saveSupplier } from './purchasing.service.ts';

export const registerPurchasingHandlers: HandlerRegistrar = (socket, { orm, logger }) => {
  const { tenantId } = socket.data;

  onCommand(socket, logger, 'supplier:list', { roles: ALL_ROLES }, () =>
    withTenant(orm, tenantId, listSuppliers),
  );
  onCommand(socket, logger, 'supplier:save', { roles: STOCK_ROLES }, (input) =>
    withTenant(orm, tenantId, (em) => saveSupplier(em, input)),
  );
  onCommand(socket, logger, 'receipt:create', { roles: STOCK_ROLES }, (input) =>
    withTenantEvents(orm, socket, (em, events) => createReceipt(em, input, events, actorOf(socket))),
  );
};
