import { randomUUID } from 'node:crypto';
import { ADMIN_ROLES, SCREEN_ROLES } from '@erp/shared';
import { recordAudit } from '../audit/index.ts';
import { AppError } from '../platform/app-error.ts';
import { withTenant } from '../platform/orm.ts';
import { storeNewsOf } from '../realtime/after-commit.ts';
import { onCommand } from '../realtime/commands.ts';
import { withTenantEvents } from '../realtime/publish-after-commit.ts';
import { rooms } from '../realtime/rooms.ts';
import type { HandlerRegistrar } from '../realtime/tenant-namespace.ts';
import type { HubSocketData } from '../realtime/types.ts';
import { assertStoreScope } from '../tenancy/index.ts';
import { createHubCredential, renewHubCredential, revokeHubCredential } from './hub-credentials.ts';
import { listHubDevices } from './hub-device.queries.ts';
import { askStoreHub } from './hub-requests.ts';
import { createReprint, dismissPrintJob, terminalPrintJobs } from './print-spool.ts';
import { claimSaleDrawer } from './till-checks.ts';

/** Drawer kicks (and tare/zero) are dropped by the hub after this: a late kick never opens the drawer. */
const COMMAND_TTL_MS = 5000;
/** How long the server waits for the hub's answer beyond the command's deadline. */
const ANSWER_GRACE_MS = 2000;
const SCALE_ANSWER_TIMEOUT_MS = 3000;
/** People who run a till. */
const TILL_ROLES = SCREEN_ROLES.pos;

/** A deadline for a short-lived hub command: after it, the hub drops the command. */
const commandDeadline = () => ({
  commandId: randomUUID(),
  expiresAt: new Date(Date.now() + COMMAND_TTL_MS).toISOString(),
});

/** People's commands about the store's hardware: hub credentials, print jobs, the drawer, the scale. */
export const registerHardwareHandlers: HandlerRegistrar = (socket, deps) => {
  const { orm, logger } = deps;
  const { tenantId, userId } = socket.data;
  const storeOf = (): string => {
    if (!socket.data.storeId) throw AppError.validation(undefined, 'Seleccione una sucursal.');
    return socket.data.storeId;
  };

  onCommand(socket, logger, 'hub:create-credential', { roles: ADMIN_ROLES }, (input) =>
    withTenant(orm, tenantId, (em) => createHubCredential(em, input, userId, deps.hubCredentialTtlDays)),
  );

  onCommand(socket, logger, 'hub:renew', { roles: ADMIN_ROLES }, ({ deviceId }) =>
    withTenant(orm, tenantId, (em) => renewHubCredential(em, deviceId, userId, deps.hubCredentialTtlDays)),
  );

  onCommand(socket, logger, 'hub:revoke', { roles: ADMIN_ROLES }, async ({ deviceId }) => {
    const revokedAt = await withTenant(orm, tenantId, (em) => revokeHubCredential(em, deviceId));
    socket.nsp.in(rooms.hubDevice(deviceId)).disconnectSockets(true);
    return { deviceId, revokedAt };
  });

  onCommand(socket, logger, 'hub:list', { roles: ADMIN_ROLES }, async ({ storeId }) => {
    const [devices, connected] = await Promise.all([
      withTenant(orm, tenantId, (em) => listHubDevices(em, storeId)),
      socket.nsp.in(rooms.screen('hub')).fetchSockets(),
    ]);
    // Sockets in the hub room carry hub data (see tenant-namespace.ts), read from every server.
    const online = new Map(
      connected.map((hub) => [
        (hub.data as unknown as HubSocketData).deviceId,
        hub.data as unknown as HubSocketData,
      ]),
    );
    return {
      devices: devices.map((device) => {
        const hub = online.get(device.deviceId);
        return {
          ...device,
          online: hub !== undefined,
          announce: hub?.announce ?? null,
          printers: Object.values(hub?.printers ?? {}),
        };
      }),
    };
  });

  onCommand(socket, logger, 'print:reprint', { roles: TILL_ROLES }, async (input) => {
    const storeId = storeOf();
    const result = await withTenantEvents(orm, socket, (em, events) =>
      createReprint(em, { userId, storeId }, input, events),
    );
    deps.news.publish('reprint:committed', storeNewsOf(socket));
    return result;
  });

  onCommand(socket, logger, 'print:overview', { roles: TILL_ROLES }, async ({ terminalId }) => {
    const storeId = storeOf();
    const [jobs, hubs] = await Promise.all([
      withTenantEvents(orm, socket, async (em, events) => {
        await assertStoreScope(em, { storeId }, 'terminal', terminalId);
        return terminalPrintJobs(em, storeId, terminalId, events);
      }),
      socket.nsp.in(rooms.storeScreen(storeId, 'hub')).fetchSockets(),
    ]);
    // The store's hub socket carries hub data (see tenant-namespace.ts), read from every server.
    const hub = hubs[0]?.data as unknown as HubSocketData | undefined;
    return { hubOnline: hub !== undefined, printers: Object.values(hub?.printers ?? {}), jobs };
  });

  onCommand(socket, logger, 'print:dismiss', { roles: TILL_ROLES }, async ({ jobId }) => {
    const storeId = storeOf();
    return withTenantEvents(orm, socket, (em, events) =>
      dismissPrintJob(em, { userId, storeId }, jobId, events),
    );
  });

  onCommand(socket, logger, 'drawer:open', { roles: TILL_ROLES }, async ({ terminalId, reason, saleId }) => {
    const storeId = storeOf();
    const actor = { userId, storeId };
    const { commandId, expiresAt } = commandDeadline();
    // A sale's opening is taken and audited before the kick goes out: never an unrecorded kick,
    // never two for one sale. Every other opening is audited once the hub did it.
    if (saleId) {
      await withTenantEvents(orm, socket, async (em, events) => {
        const sale = await claimSaleDrawer(em, { saleId, terminalId, storeId, cashierId: userId });
        const details = { saleId, ...sale, commandId };
        await recordAudit(em, actor, terminalId, [{ kind: 'drawer_sale', details }], events);
      });
    } else {
      await withTenant(orm, tenantId, (em) => assertStoreScope(em, { storeId }, 'terminal', terminalId));
    }
    const done = await askStoreHub(
      socket.nsp,
      storeId,
      'drawer:kick',
      { commandId, expiresAt, reason },
      COMMAND_TTL_MS + ANSWER_GRACE_MS,
    );
    if (saleId) return done;
    await withTenantEvents(orm, socket, (em, events) =>
      recordAudit(
        em,
        actor,
        terminalId,
        [{ kind: 'drawer_open', details: { reason, commandId, executedAt: done.executedAt } }],
        events,
      ),
    );
    return done;
  });

  for (const action of ['scale:tare', 'scale:zero'] as const) {
    onCommand(socket, logger, action, { roles: TILL_ROLES }, async ({ scaleId }) =>
      askStoreHub(
        socket.nsp,
        storeOf(),
        action,
        { ...commandDeadline(), ...(scaleId ? { scaleId } : {}) },
        COMMAND_TTL_MS + ANSWER_GRACE_MS,
      ),
    );
  }

  /** Rooms this socket watches a scale through, each left when its watch runs out unrenewed. */
  const watches = new Map<string, NodeJS.Timeout>();
  onCommand(socket, logger, 'scale:watch', { roles: TILL_ROLES }, async (input) => {
    const storeId = storeOf();
    const reading = await askStoreHub(socket.nsp, storeId, 'scale:watch', input, SCALE_ANSWER_TIMEOUT_MS);
    const room = rooms.scaleWatch(storeId, input.scaleId ?? 'default');
    clearTimeout(watches.get(room));
    await socket.join(room);
    watches.set(
      room,
      setTimeout(() => {
        watches.delete(room);
        void socket.leave(room);
      }, input.durationMs),
    );
    return reading;
  });
  socket.on('disconnect', () => {
    for (const timer of watches.values()) clearTimeout(timer);
  });
};
