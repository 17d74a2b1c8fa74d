import { ADMIN_ROLES, ALL_ROLES, chileMoment } from '@erp/shared';
import { recordAudit } from '../audit/index.ts';
import { AppError } from '../platform/app-error.ts';
import { withTenant } from '../platform/orm.ts';
import { onCommand } from '../realtime/commands.ts';
import { PendingEvents } from '../realtime/pending-events.ts';
import { rooms } from '../realtime/rooms.ts';
import type { HandlerRegistrar } from '../realtime/tenant-namespace.ts';
import { deletePromotion, listPromotions, savePromotion, storePromotions } from './promotion.queries.ts';

/**
 * Promotions: the back office lists, saves and deletes them (audited); every till that keeps a
 * catalog hears `promotion:changed` after the commit and asks for its store's again.
 */
export const registerPromotionHandlers: HandlerRegistrar = (socket, { orm, logger }) => {
  const { tenantId, userId, storeId } = socket.data;
  const actor = { userId, storeId };

  onCommand(socket, logger, 'promotion:list', { roles: ADMIN_ROLES }, () =>
    withTenant(orm, tenantId, (em) => listPromotions(em)),
  );

  onCommand(socket, logger, 'promotion:current', { roles: ALL_ROLES }, () => {
    if (!storeId) throw AppError.validation(undefined, 'Elija una sucursal para ver sus promociones.');
    return withTenant(orm, tenantId, (em) => storePromotions(em, storeId, chileMoment(new Date()).date));
  });

  onCommand(socket, logger, 'promotion:save', { roles: ADMIN_ROLES }, async (input) => {
    const events = new PendingEvents();
    const id = input.id ?? crypto.randomUUID();
    const saved = await withTenant(orm, tenantId, async (em) => {
      const promotion = await savePromotion(em, id, input, userId, input.id === undefined);
      if (!promotion) throw AppError.notFound('la promoción');
      await recordAudit(em, actor, null, [{ kind: 'promotion_save', details: { promotion } }], events);
      return promotion;
    });
    events.push(rooms.catalog(), 'promotion:changed', { id });
    events.publish(socket.nsp);
    return saved;
  });

  onCommand(socket, logger, 'promotion:delete', { roles: ADMIN_ROLES }, async ({ id }) => {
    const events = new PendingEvents();
    await withTenant(orm, tenantId, async (em) => {
      if (!(await deletePromotion(em, id))) throw AppError.notFound('la promoción');
      await recordAudit(em, actor, null, [{ kind: 'promotion_delete', details: { id } }], events);
    });
    events.push(rooms.catalog(), 'promotion:changed', { id });
    events.publish(socket.nsp);
    return { id };
  });
};
