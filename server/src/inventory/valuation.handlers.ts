import { COST_ROLES } from '@erp/shared';
import { withTenant } from '../platform/orm.ts';
import { onCommand } from '../realtime/commands.ts';
import type { HandlerRegistrar } from '../realtime/tenant-namespace.ts';
import { kardexPage } from './valuation.queries.ts';
import { stockValuation, valuedStock } from './valuation.service.ts';

/** Stock at PPP: whoever may see costs (their tablets show PPP too); never the tills. */
export const registerValuationHandlers: HandlerRegistrar = (socket, { orm, logger }) => {
  const { tenantId } = socket.data;

  onCommand(socket, logger, 'stock:valuation', { roles: COST_ROLES }, () =>
    withTenant(orm, tenantId, stockValuation),
  );
  onCommand(socket, logger, 'stock:levels', { roles: COST_ROLES }, (query) =>
    withTenant(orm, tenantId, (em) => valuedStock(em, query)),
  );
  onCommand(socket, logger, 'stock:kardex-page', { roles: COST_ROLES }, (query) =>
    withTenant(orm, tenantId, (em) => kardexPage(em, query)),
  );
};
