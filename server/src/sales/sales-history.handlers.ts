import { SUPERVISOR_ROLES } from '@erp/shared';
import { withTenant } from '../platform/orm.ts';
import { onCommand } from '../realtime/commands.ts';
import type { HandlerRegistrar } from '../realtime/tenant-namespace.ts';
import { listSales, saleDetail } from './sales-history.service.ts';

/** Reading past sales: supervisors too (they authorize returns). */
export const registerSalesHistoryHandlers: HandlerRegistrar = (socket, { orm, logger }) => {
  const { tenantId } = socket.data;

  onCommand(socket, logger, 'sale:list', { roles: SUPERVISOR_ROLES }, (query) =>
    withTenant(orm, tenantId, (em) => listSales(em, query)),
  );
  onCommand(socket, logger, 'sale:detail', { roles: SUPERVISOR_ROLES }, ({ saleId }) =>
    withTenant(orm, tenantId, (em) => saleDetail(em, saleId)),
  );
};
