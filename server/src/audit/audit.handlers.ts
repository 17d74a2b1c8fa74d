import { ADMIN_ROLES } from '@erp/shared';
import { withTenant } from '../platform/orm.ts';
import { onCommand } from '../realtime/commands.ts';
import type { HandlerRegistrar } from '../realtime/tenant-namespace.ts';
import { listAudit } from './audit-log.service.ts';

/** Reading the audit log: owner and admins. */
export const registerAuditHandlers: HandlerRegistrar = (socket, { orm, logger }) => {
  const { tenantId } = socket.data;
  onCommand(socket, logger, 'audit:list', { roles: ADMIN_ROLES }, (query) =>
    withTenant(orm, tenantId, (em) => listAudit(em, query)),
  );
};
