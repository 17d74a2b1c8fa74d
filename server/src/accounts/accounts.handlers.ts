import { SUPERVISOR_ROLES } from '@erp/shared';
import { AppError } from '../platform/app-error.ts';
import { withTenant } from '../platform/orm.ts';
import { storeNewsOf } from '../realtime/after-commit.ts';
import { onCommand } from '../realtime/commands.ts';
import { PendingEvents } from '../realtime/pending-events.ts';
import type { HandlerRegistrar } from '../realtime/tenant-namespace.ts';
import { accountViews } from './accounts.queries.ts';
import { accountStatement, recordPayment, upsertAccount } from './accounts.service.ts';

/** Who sees accounts and takes abonos: whoever sells at a till, and the back office. */
const TILL_ROLES = ['owner', 'admin', 'supervisor', 'cashier'] as const;

export const registerAccountHandlers: HandlerRegistrar = (socket, deps) => {
  const { orm, logger, news } = deps;
  const { tenantId } = socket.data;
  const actor = () => ({ userId: socket.data.userId, role: socket.data.role, storeId: socket.data.storeId });

  onCommand(socket, logger, 'customer-account:list', { roles: TILL_ROLES }, (filter) =>
    withTenant(orm, tenantId, (em) => accountViews(em, filter)),
  );

  onCommand(socket, logger, 'customer-account:save', { roles: SUPERVISOR_ROLES }, async (input) => {
    const events = new PendingEvents();
    const account = await withTenant(orm, tenantId, (em) => upsertAccount(em, actor(), input, events));
    events.publish(socket.nsp);
    return account;
  });

  onCommand(socket, logger, 'customer-account:statement', { roles: TILL_ROLES }, ({ accountId }) =>
    withTenant(orm, tenantId, (em) => accountStatement(em, accountId)),
  );

  // The voucher goes to the store's hub and the walls read the drawer again, after commit.
  onCommand(socket, logger, 'customer:payment', { roles: TILL_ROLES }, async (input) => {
    const { storeId } = socket.data;
    if (!storeId) throw AppError.validation(undefined, 'Seleccione una sucursal para recibir abonos.');
    const events = new PendingEvents();
    const result = await withTenant(orm, tenantId, (em) =>
      recordPayment(em, { ...actor(), storeId }, input, events),
    );
    events.publish(socket.nsp);
    news.publish('account-payment:committed', storeNewsOf(socket));
    return result;
  });
};
