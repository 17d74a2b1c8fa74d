import { SUPERVISOR_ROLES } from '@erp/shared';
import { withTenant } from '../platform/orm.ts';
import { onCommand } from '../realtime/commands.ts';
import type { HandlerRegistrar } from '../realtime/tenant-namespace.ts';
import { cashSessionDetail, listCashSessions } from './cash-history.service.ts';

/** Past and open cash sessions of every store: supervisors approve closes, so they read them too. */
export const registerCashHistoryHandlers: HandlerRegistrar = (socket, { orm, logger }) => {
  const { tenantId } = socket.data;

  onCommand(socket, logger, 'cash:sessions', { roles: SUPERVISOR_ROLES }, (query) =>
    withTenant(orm, tenantId, (em) => listCashSessions(em, query)),
  );
  onCommand(socket, logger, 'cash:session', { roles: SUPERVISOR_ROLES }, ({ sessionId }) =>
    withTenant(orm, tenantId, (em) => cashSessionDetail(em, sessionId)),
  );
};
