import type { NodeTills, OfflineTillOp, TillSyncOutcome } from '@erp/shared';
import type { MikroORM } from '@mikro-orm/postgresql';
import { applyOfflineTillOp, storeTillSessions } from '../cash/index.ts';
import { AppError, toErrorPayload } from '../platform/app-error.ts';
import type { Logger } from '../platform/logger.ts';
import { withTenant } from '../platform/orm.ts';
import { PendingEvents } from '../realtime/pending-events.ts';
import { SELLING_ROLES } from '../sales/index.ts';
import { tenantSettings } from '../tenancy/index.ts';
import type { HubActor } from './leases.ts';
import { sellingRoles } from './store-node.queries.ts';
import { storeTillNames } from './tills.queries.ts';

/**
 * Records one till operation the hub did offline (docs/store-node.md#tills-offline), in its own
 * transaction, as the person logged in at the till (who must work in the hub's store). The cash
 * domain applies it exactly once; a refusal is answered with its reason and logged.
 */
export async function syncTillOp(
  orm: MikroORM,
  logger: Logger,
  hub: HubActor,
  op: OfflineTillOp,
): Promise<{ outcome: TillSyncOutcome; events: PendingEvents | null }> {
  const events = new PendingEvents();
  try {
    const { status, session } = await withTenant(orm, hub.tenantId, async (em) => {
      const role = (await sellingRoles(em, [op.userId], hub.storeId)).get(op.userId);
      if (!role || !(SELLING_ROLES as readonly string[]).includes(role)) {
        throw AppError.forbidden('Quien operó la caja no trabaja en esta sucursal.');
      }
      const actor = { userId: op.userId, role, storeId: hub.storeId };
      return applyOfflineTillOp(em, actor, { deviceId: hub.deviceId, storeId: hub.storeId }, op, events);
    });
    return { outcome: { opId: op.opId, status, session }, events: status === 'recorded' ? events : null };
  } catch (error) {
    const payload = toErrorPayload(error);
    const where = { tenantId: hub.tenantId, deviceId: hub.deviceId, opId: op.opId, kind: op.kind };
    if (error instanceof AppError)
      logger.warn(
        { ...where, code: payload.code, reason: payload.message },
        'offline till operation refused',
      );
    else logger.error({ ...where, err: error }, 'offline till operation failed');
    return { outcome: { opId: op.opId, status: 'refused', error: payload }, events: null };
  }
}

/** The store's tills as its hub keeps them to answer offline. */
export function nodeTills(orm: MikroORM, hub: HubActor): Promise<NodeTills> {
  return withTenant(orm, hub.tenantId, async (em) => {
    const names = await storeTillNames(em, hub.storeId);
    const sessions = await storeTillSessions(em, hub.storeId);
    const settings = await tenantSettings(em);
    return {
      storeName: names.storeName,
      tolerance: settings.cashCloseTolerance,
      terminals: names.terminals.map((t) => ({
        ...t,
        session: sessions.find((s) => s.terminalId === t.id) ?? null,
      })),
      people: names.people,
    };
  });
}
