import { STOCK_ROLES } from '@erp/shared';
import { withTenant } from '../platform/orm.ts';
import { onCommand } from '../realtime/commands.ts';
import type { HandlerRegistrar } from '../realtime/tenant-namespace.ts';
import { listReceipts, supplierPage } from './purchasing.queries.ts';
import { deleteSupplier, receiptDetail } from './purchasing-history.service.ts';

/** Past receipts and the supplier list: whoever receives goods (never the tills). */
export const registerPurchasingHistoryHandlers: HandlerRegistrar = (socket, { orm, logger }) => {
  const { tenantId } = socket.data;

  onCommand(socket, logger, 'receipt:list', { roles: STOCK_ROLES }, (query) =>
    withTenant(orm, tenantId, (em) => listReceipts(em, query)),
  );
  onCommand(socket, logger, 'receipt:get', { roles: STOCK_ROLES }, ({ receiptId }) =>
    withTenant(orm, tenantId, (em) => receiptDetail(em, receiptId)),
  );
  onCommand(socket, logger, 'supplier:page', { roles: STOCK_ROLES }, (query) =>
    withTenant(orm, tenantId, (em) => supplierPage(em, query)),
  );
  onCommand(socket, logger, 'supplier:delete', { roles: STOCK_ROLES }, ({ supplierId }) =>
    withTenant(orm, tenantId, (em) => deleteSupplier(em, supplierId)),
  );
};
