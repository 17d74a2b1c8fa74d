import type { ScaleReading } from '@erp/shared';
import { AppError } from '../platform/app-error.ts';
import { onCommand } from '../realtime/commands.ts';
import { LatestThrottle } from '../realtime/latest-throttle.ts';
import { rooms } from '../realtime/rooms.ts';
import type { HubHandlerRegistrar } from '../realtime/tenant-namespace.ts';
import type { AppNamespace } from '../realtime/types.ts';
import { claimStore, STORE_HUB_BUSY } from './hub-admission.ts';
import { retireReplacedCredentials } from './hub-credentials.ts';
import { applyPrintReport, deliverPrintJobs, type SpoolContext } from './print-spool.ts';

/** Unacknowledged jobs are looked for this often while the hub is connected. */
const SWEEP_MS = 10_000;
/** At most this many readings per second and scale reach the watching POS. */
const SCALE_READINGS_PER_SECOND = 10;
const HUB_ONLY = { roles: [], devices: true } as const;

/**
 * A store hub's connection: claims the store (one hub per store), announces it online, sends it
 * every print job it has not finished, re-sends unacknowledged jobs periodically, and relays its
 * reports to the store's screens.
 */
export const registerHubHandlers: HubHandlerRegistrar = (socket, deps) => {
  const { orm, logger } = deps;
  const { tenantId, storeId } = socket.data;
  // The tenant's namespace; typed for people's sockets, which only changes what fetchSockets reads.
  const nsp = socket.nsp as unknown as AppNamespace;
  const spool: SpoolContext = { orm, logger, nsp, tenantId, storeId };
  const watchers = [rooms.screen('backoffice'), rooms.screen('wall'), rooms.storeScreen(storeId, 'pos')];

  // Handlers are registered at once, so nothing the hub sends on connecting is lost; each one
  // waits for the claim, and a hub refused meanwhile gets CONFLICT.
  const admission = claimStore(socket);
  const serving = async () => {
    if (!(await admission)) throw new AppError('CONFLICT', STORE_HUB_BUSY);
  };
  let sweep: NodeJS.Timeout | null = null;
  void admission.then(async (admitted) => {
    if (!admitted || !socket.connected) return;
    // A renewed credential in service: the one it renewed is revoked (before the back office
    // hears the hub is online and reads the list again).
    const retired = await retireReplacedCredentials(orm, socket.data).catch((err: Error) => {
      logger.error({ err, deviceId: socket.data.deviceId }, 'replaced hub credential not revoked');
      return [];
    });
    for (const deviceId of retired) nsp.in(rooms.hubDevice(deviceId)).disconnectSockets(true);
    if (!socket.connected) return; // gone meanwhile: its disconnect handler has run already
    nsp.to(watchers).emit('hub:status', { storeId, online: true, since: new Date().toISOString() });
    void deliverPrintJobs(spool, 'unfinished');
    sweep = setInterval(() => void deliverPrintJobs(spool, 'due'), SWEEP_MS);
  });

  const readings = new LatestThrottle<ScaleReading>(1000 / SCALE_READINGS_PER_SECOND, (reading) => {
    const watching = [rooms.scaleWatch(storeId, reading.scaleId)];
    if (socket.data.announce?.scales[0]?.scaleId === reading.scaleId) {
      watching.push(rooms.scaleWatch(storeId, 'default'));
    }
    nsp.to(watching).emit('scale:reading', { storeId, ...reading });
  });

  onCommand(socket, logger, 'hub:announce', HUB_ONLY, async (announce) => {
    await serving();
    socket.data.announce = announce;
    return {};
  });

  onCommand(socket, logger, 'printer:status', HUB_ONLY, async (status) => {
    await serving();
    socket.data.printers = { ...socket.data.printers, [status.printerId]: status };
    nsp.to(watchers).emit('printer:status', { storeId, ...status });
    return {};
  });

  onCommand(socket, logger, 'scale:reading', HUB_ONLY, async (reading) => {
    await serving();
    readings.push(reading.scaleId, reading);
    return {};
  });

  // Re-sent by the hub until acknowledged: a repeat finds the state already recorded.
  onCommand(socket, logger, 'print:state', HUB_ONLY, async (report) => {
    await serving();
    await applyPrintReport(spool, report);
    return {};
  });

  socket.on('disconnect', async () => {
    if (sweep) clearInterval(sweep);
    readings.clear();
    if (!(await admission)) return;
    const others = await nsp.in(rooms.storeScreen(storeId, 'hub')).fetchSockets();
    if (others.length === 0) {
      nsp.to(watchers).emit('hub:status', { storeId, online: false, since: new Date().toISOString() });
    }
  });
};
