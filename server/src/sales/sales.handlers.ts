import { ALL_ROLES } from '@erp/shared';
import { recordAudit } from '../audit/index.ts';
import { AppError } from '../platform/app-error.ts';
import { withTenant } from '../platform/orm.ts';
import { withTenantSql } from '../platform/sql-session.ts';
import { storeNewsOf } from '../realtime/after-commit.ts';
import { onCommand } from '../realtime/commands.ts';
import { PendingEvents } from '../realtime/pending-events.ts';
import type { HandlerRegistrar } from '../realtime/tenant-namespace.ts';
import { approvalActor } from '../tenancy/index.ts';
import { fillCustomerBlanks, findCustomerByRut, insertCustomer } from './customer.queries.ts';
import { grantFiado } from './fiado.ts';
import { findReturnableSale, returnSale } from './returns.service.ts';
import { grantDiscount } from './sale-discounts.ts';
import { commitSale } from './sales.service.ts';
import { SELLING_ROLES, sellerOf } from './seller.ts';
import { storeContext } from './store-context.ts';

export const registerSalesHandlers: HandlerRegistrar = (socket, deps) => {
  const { orm, logger, secrets, approvals, news } = deps;
  const { tenantId } = socket.data;
  const seller = () => sellerOf(socket.data);

  onCommand(socket, logger, 'sale:commit', { roles: SELLING_ROLES }, async (input) => {
    const events = new PendingEvents();
    // SQL only, on the lean session: the sale is the hot path (see withTenantSql).
    const result = await withTenantSql(orm, tenantId, (sql) =>
      commitSale(sql, secrets, seller(), input, events),
    );
    // The cashier's ack goes out first; the wall, stock and receipt news right after it.
    setImmediate(() => {
      events.publish(socket.nsp);
      news.publish('sale:committed', storeNewsOf(socket));
    });
    return result;
  });

  onCommand(socket, logger, 'sale:return', { roles: SELLING_ROLES }, async (input) => {
    const selling = seller();
    const { userId: supervisor } = await approvals.verify(approvalActor(socket), input.approval, {
      storeId: selling.storeId,
      terminalId: input.terminalId,
      action: 'return',
    });
    const events = new PendingEvents();
    const result = await withTenant(orm, tenantId, (em) =>
      returnSale(em, secrets, selling, supervisor, input, events),
    );
    events.publish(socket.nsp);
    news.publish('return:committed', storeNewsOf(socket));
    return result;
  });

  onCommand(socket, logger, 'sale:find', { roles: SELLING_ROLES }, ({ original }) =>
    withTenant(orm, tenantId, (em) => findReturnableSale(em, original)),
  );

  onCommand(socket, logger, 'customer:find', { roles: ALL_ROLES }, ({ rut }) =>
    withTenant(orm, tenantId, (em) => findCustomerByRut(em, rut)),
  );

  // Creates only: a RUT already registered is refused and left as it is (the POS then uses it).
  onCommand(socket, logger, 'customer:create', { roles: SELLING_ROLES }, async (input) => {
    const created = await withTenant(orm, tenantId, (em) => insertCustomer(em, input));
    if (!created) throw new AppError('CUSTOMER_EXISTS');
    return created;
  });

  // The one change the till makes to a stored customer: blanks filled in, audited; set values stay.
  onCommand(socket, logger, 'customer:complete', { roles: SELLING_ROLES }, async (input) => {
    const events = new PendingEvents();
    const customer = await withTenant(orm, tenantId, async (em) => {
      const { customer, filled } = await fillCustomerBlanks(em, input);
      if (filled.length > 0) {
        const actor = { userId: socket.data.userId, storeId: socket.data.storeId };
        const details = { customerId: customer.id, rut: customer.rut, filled };
        await recordAudit(em, actor, null, [{ kind: 'customer_complete', details }], events);
      }
      return customer;
    });
    events.publish(socket.nsp);
    return customer;
  });

  // The same settings (and cache) the sale is checked with, so the till gates a ticket as the server will.
  onCommand(socket, logger, 'sale:settings', { roles: ALL_ROLES }, async () => {
    const { storeId, role } = seller();
    const { settings } = await withTenantSql(orm, tenantId, (sql) => storeContext(sql, tenantId, storeId));
    return { uf: settings.uf, discountLimitPercent: settings.discountLimitPercent[role] };
  });

  // A supervisor's PIN at the till approves one discount above the seller's limit; the sale,
  // which may wait in the till's outbox, names the approval instead of carrying the PIN.
  onCommand(socket, logger, 'sale:approve-discount', { roles: SELLING_ROLES }, async (input) => {
    const selling = seller();
    const approver = await approvals.verify(approvalActor(socket), input.approval, {
      storeId: selling.storeId,
      terminalId: input.terminalId,
      action: 'discount',
    });
    return withTenantSql(orm, tenantId, async (sql) => {
      const { settings } = await storeContext(sql, tenantId, selling.storeId);
      return grantDiscount(sql, { ...selling, limits: settings.discountLimitPercent }, approver, input);
    });
  });

  // The same PIN at the till approves a fiado above the account's limit (or on a blocked account).
  onCommand(socket, logger, 'sale:approve-fiado', { roles: SELLING_ROLES }, async (input) => {
    const selling = seller();
    const approver = await approvals.verify(approvalActor(socket), input.approval, {
      storeId: selling.storeId,
      terminalId: input.terminalId,
      action: 'fiado',
    });
    return withTenantSql(orm, tenantId, (sql) => grantFiado(sql, selling, approver, input));
  });
};
