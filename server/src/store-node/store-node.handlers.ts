import { SUPERVISOR_ROLES } from '@erp/shared';
import { announceCash } from '../cash/index.ts';
import { AppError } from '../platform/app-error.ts';
import { withTenant } from '../platform/orm.ts';
import { withTenantSql } from '../platform/sql-session.ts';
import { onCommand } from '../realtime/commands.ts';
import { PendingEvents } from '../realtime/pending-events.ts';
import type { HandlerRegistrar, HubHandlerRegistrar } from '../realtime/tenant-namespace.ts';
import type { AppNamespace } from '../realtime/types.ts';
import { tenantSettings } from '../tenancy/index.ts';
import {
  grantLeases,
  leaseSettings,
  leaseViews,
  saveLeaseSettings,
  sealLeases,
  unusedFolios,
} from './leases.ts';
import { recordNodeAudit } from './node-audit.ts';
import { hubConnected, NODE_STATE_WATCHERS, stateView, storeNodeStates } from './node-state.ts';
import { syncOfflineSales } from './offline-sync.ts';
import { nodeTills, syncTillOp } from './offline-till.ts';
import { keepRefusedSales } from './refusals.ts';
import { writeNodeDisconnected, writeNodeReport } from './store-node.queries.ts';

const HUB_ONLY = { roles: [], devices: true } as const;
const ADMIN_ROLES = ['owner', 'admin'] as const;

/**
 * A store hub as the store's node: its folio leases, the synchronisation of its offline sales
 * and till operations, and its reports of being cut off (docs/store-node.md).
 */
export const registerStoreNodeHubHandlers: HubHandlerRegistrar = (socket, deps) => {
  const { orm, logger, secrets, news } = deps;
  const hub = {
    tenantId: socket.data.tenantId,
    deviceId: socket.data.deviceId,
    storeId: socket.data.storeId,
  };
  const nsp = socket.nsp as unknown as AppNamespace;

  onCommand(socket, logger, 'node:lease', HUB_ONLY, async (request) => {
    const events = new PendingEvents();
    const granted = await withTenantSql(orm, hub.tenantId, (sql) =>
      grantLeases(sql, secrets, hub, request, events),
    );
    events.publish(nsp);
    // Sealed after commit: the folio counter's row lock is not held for the cryptography.
    return sealLeases(granted, hub, request.publicKey);
  });

  // In order, each sale in its savepoint of a transaction per 50; a repeat answers what was stored.
  // The hub sends its next batch before this one's answer: batches run one after another in the
  // order they came, and one queued behind a batch that failed is refused unrun, so the hub sends
  // again from the failed one and the sales are still recorded in order.
  let syncing: Promise<unknown> = Promise.resolve();
  let failures = 0;
  onCommand(socket, logger, 'node:sync', HUB_ONLY, ({ sales }) => {
    const failuresBefore = failures;
    const run = syncing.then(async () => {
      if (failures !== failuresBefore) {
        throw new AppError('CONFLICT', 'Un lote anterior no se registró: envíe de nuevo desde ese lote.');
      }
      try {
        const outcomes = await syncOfflineSales(orm, secrets, logger, hub, sales, (committed) => {
          for (const events of committed) events.publish(nsp);
        });
        if (outcomes.some((o) => o.status === 'recorded')) {
          news.publish('sale:committed', { nsp, tenantId: hub.tenantId, storeId: hub.storeId });
        }
        await keepRefusedSales(orm, hub, sales, outcomes);
        return { outcomes };
      } catch (error) {
        failures++;
        throw error;
      }
    });
    syncing = run.catch(() => undefined);
    return run;
  });

  onCommand(socket, logger, 'node:tills', HUB_ONLY, () => nodeTills(orm, hub));

  // Till operations done offline, in order, each in its own transaction; a repeat answers duplicate.
  onCommand(socket, logger, 'node:sync-till', HUB_ONLY, async ({ ops }) => {
    const outcomes = [];
    for (const op of ops) {
      const { outcome, events } = await syncTillOp(orm, logger, hub, op);
      events?.publish(nsp);
      outcomes.push(outcome);
    }
    // The walls see the drawers as they now stand (the last state of each session).
    const changed = new Map(
      outcomes.flatMap((o) => (o.status === 'recorded' ? [[o.session.id, o.session] as const] : [])),
    );
    if (changed.size > 0) {
      const { cashDropThreshold } = await withTenant(orm, hub.tenantId, (em) => tenantSettings(em));
      announceCash(nsp, [...changed.values()], cashDropThreshold);
    }
    return { outcomes };
  });

  // What the hub did offline besides sales and tills (its drawer openings), audited once each.
  onCommand(socket, logger, 'node:audit', HUB_ONLY, async ({ entries }) => {
    const events = new PendingEvents();
    const counts = await recordNodeAudit(orm, logger, hub, entries, events);
    events.publish(nsp);
    return counts;
  });

  onCommand(socket, logger, 'node:status', HUB_ONLY, async (report) => {
    const row = await withTenantSql(orm, hub.tenantId, (sql) => writeNodeReport(sql, hub.storeId, report));
    nsp.to(NODE_STATE_WATCHERS).emit('store-node:state', stateView(row, true));
    return {};
  });

  socket.on('disconnect', async () => {
    try {
      // Another socket of the store's hub is up (unknown counts as not: the hub reports again).
      if (await hubConnected(nsp, hub.storeId)) return;
      const row = await withTenantSql(orm, hub.tenantId, (sql) => writeNodeDisconnected(sql, hub.storeId));
      nsp.to(NODE_STATE_WATCHERS).emit('store-node:state', stateView(row, false));
    } catch (err) {
      logger.warn({ err, storeId: hub.storeId }, 'store node state not recorded');
    }
  });
};

/** The wall's and back office's view of the store nodes, and the back office's lease screens. */
export const registerStoreNodeHandlers: HandlerRegistrar = (socket, deps) => {
  const { orm, logger } = deps;
  const { tenantId } = socket.data;
  const nsp = socket.nsp;

  onCommand(socket, logger, 'store-node:states', { roles: SUPERVISOR_ROLES }, async () => ({
    stores: await withTenantSql(orm, tenantId, (sql) => storeNodeStates(sql, nsp)),
  }));

  onCommand(socket, logger, 'folio-lease:list', { roles: ADMIN_ROLES }, async ({ storeId }) => ({
    leases: await withTenantSql(orm, tenantId, (sql) => leaseViews(sql, storeId ?? null)),
  }));

  onCommand(socket, logger, 'folio-lease:unused', { roles: ADMIN_ROLES }, ({ storeId }) =>
    withTenantSql(orm, tenantId, (sql) => unusedFolios(sql, storeId ?? null)),
  );

  onCommand(socket, logger, 'folio-lease:settings', { roles: ADMIN_ROLES }, () =>
    withTenantSql(orm, tenantId, (sql) => leaseSettings(sql)),
  );

  onCommand(socket, logger, 'folio-lease:save-settings', { roles: ADMIN_ROLES }, ({ storeId, sizes }) =>
    withTenantSql(orm, tenantId, (sql) => saveLeaseSettings(sql, storeId, sizes)),
  );
};
