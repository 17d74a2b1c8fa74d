import { ADMIN_ROLES } from '@erp/shared';
import { withTenant } from '../platform/orm.ts';
import { onCommand } from '../realtime/commands.ts';
import type { HandlerRegistrar } from '../realtime/tenant-namespace.ts';
import { salesReport } from './reports.service.ts';
import { salesReportCsv } from './reports-csv.ts';

/** Sales reports show costs and margins: the owner's and admins' business, not the floor's. */
export const registerReportHandlers: HandlerRegistrar = (socket, { orm, logger }) => {
  const { tenantId } = socket.data;

  onCommand(socket, logger, 'report:sales', { roles: ADMIN_ROLES }, ({ offset, limit, ...query }) =>
    withTenant(orm, tenantId, (em) => salesReport(em, query, { offset, limit })),
  );
  onCommand(socket, logger, 'report:csv', { roles: ADMIN_ROLES }, async (query) =>
    salesReportCsv(query, await withTenant(orm, tenantId, (em) => salesReport(em, query, null))),
  );
};
