import type { CommandEvents, hardwareCommands, hardwareRequests, RequestEvents } from '@erp/shared';
import { io, type Socket } from 'socket.io-client';
import type { Logger } from './logger.ts';

/** Events the hub receives (server requests it answers) and sends (commands the server acks). */
export type HubSocket = Socket<
  RequestEvents<typeof hardwareRequests>,
  CommandEvents<typeof hardwareCommands>
>;

export interface ConnectionSettings {
  serverUrl: string;
  tenantSlug: string;
  storeId: string;
  /** The hub's device token issued in the back office (revocable). */
  token: string;
  reconnectDelayMs?: number;
  reconnectDelayMaxMs?: number;
}

/**
 * Connects to the tenant namespace as the store's hub (`screen: 'hub'`, so the server puts it
 * in the store's hub room) and keeps reconnecting with exponential backoff and jitter.
 *
 * Socket.IO's manager retries lost connections by itself, but not a connection the server
 * refused (e.g. the tenant briefly unavailable) or closed on purpose: those are retried here
 * with the same backoff. Emits are never buffered while offline: the hub only emits when
 * connected and re-sends state on every connect (docs/hardware-protocols.md#exactly-once-printing).
 */
export function connectHub(settings: ConnectionSettings, logger: Logger): HubSocket {
  const minDelay = settings.reconnectDelayMs ?? 1000;
  const maxDelay = settings.reconnectDelayMaxMs ?? 30_000;
  const socket: HubSocket = io(`${settings.serverUrl.replace(/\/$/, '')}/t/${settings.tenantSlug}`, {
    auth: { token: settings.token, storeId: settings.storeId, screen: 'hub' },
    transports: ['websocket'],
    reconnectionDelay: minDelay,
    reconnectionDelayMax: maxDelay,
    randomizationFactor: 0.5,
  });
  let refusals = 0;
  let retry: NodeJS.Timeout | null = null;
  socket.on('connect', () => {
    refusals = 0;
    logger.info({ tenant: settings.tenantSlug, storeId: settings.storeId }, 'connected to server');
  });
  const retryLater = () => {
    const delay = Math.min(maxDelay, minDelay * 2 ** refusals++) * (0.5 + Math.random());
    retry = setTimeout(() => {
      retry = null;
      socket.connect();
    }, delay);
    return Math.round(delay);
  };
  socket.on('disconnect', (reason) => {
    logger.warn({ reason }, 'disconnected from server');
    // The server dropping the hub on purpose (a restart or deploy) is not retried by Socket.IO.
    if (reason === 'io server disconnect') retryLater();
  });
  socket.on('connect_error', (error) => {
    if (socket.active) {
      logger.warn({ err: error.message }, 'cannot reach server, retrying');
      return;
    }
    logger.warn({ err: error.message, retryInMs: retryLater() }, 'server refused the hub');
  });
  const close = socket.close.bind(socket);
  socket.close = () => {
    if (retry) clearTimeout(retry);
    return close();
  };
  return socket;
}
