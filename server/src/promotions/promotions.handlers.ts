import { ADMIN_ROLES, ALL_ROLES, chileMoment } from '@erp/shared';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit } from '../audit/index.ts';
import { AppError } from '../platform/app-error.ts';
import { withTenant } from '../platform/orm.ts';
import { onCommand } from '../realtime/commands.ts';
import { PendingEvents } from '../realtime/pending-events.ts';
import { rooms } from '../realtime/rooms.ts';
import type { HandlerRegistrar } from '../realtime/tenant-namespace.ts';
import { assertSameStore } from '../tenancy/index.ts';
import {
  deletePromotion,
  listPromotions,
  promotionStore,
  savePromotion,
  storePromotions,
} from './promotion.queries.ts';

/**
 * Promotions: the back office lists, saves and deletes them (audited); every till that keeps a
 * catalog hears `promotion:changed` after the commit and asks for its store's again. A socket
 * that serves one store edits only that store's promotions (STORE_SCOPE for another's or all).
 */
export const registerPromotionHandlers: HandlerRegistrar = (socket, { orm, logger }) => {
  const { tenantId, userId, storeId } = socket.data;
  const actor = { userId, storeId: storeId ?? null };

  /** A saved promotion this socket may change: NOT_FOUND when there is none, STORE_SCOPE when another store's. */
  async function assertStoreOf(em: EntityManager, id: string): Promise<void> {
    const store = await promotionStore(em, id);
    if (store === undefined) throw AppError.notFound('la promoción');
    assertSameStore(actor, store, 'promotion');
  }

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
    assertSameStore(actor, input.storeId, 'promotion');
    const saved = await withTenant(orm, tenantId, async (em) => {
      if (input.id) await assertStoreOf(em, input.id);
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
      await assertStoreOf(em, id);
      if (!(await deletePromotion(em, id))) throw AppError.notFound('la promoción');
      await recordAudit(em, actor, null, [{ kind: 'promotion_delete', details: { id } }], events);
    });
    events.push(rooms.catalog(), 'promotion:changed', { id });
    events.publish(socket.nsp);
    return { id };
  });
};
