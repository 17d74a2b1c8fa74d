import type { ClientToServerEvents, ServerToClientEvents } from '@erp/shared/events/index';
import type { Screen } from '@erp/shared/roles';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';

/** A socket on one tenant's namespace, typed by the shared contract. */
export type TenantSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** What the server's handshake reads (`HandshakeAuth` in @erp/shared). */
export interface TenantSocketAuth {
  token: string;
  storeId?: string;
  screen?: Screen;
}

export interface TenantSocketOptions extends Partial<ManagerOptions & SocketOptions> {
  /** Server origin; the page's own origin when absent (the Vite dev proxy or the API server). */
  url?: string;
}

/**
 * Creates (without connecting) the socket of a tenant namespace `/t/<tenantSlug>`.
 * WebSocket only: with several server nodes there is no sticky session for HTTP long-polling.
 * @example
 * const socket = createTenantSocket('acme', { token, storeId, screen: 'pos' });
 * socket.connect();
 */
export function createTenantSocket(
  tenantSlug: string,
  auth: TenantSocketAuth,
  options: TenantSocketOptions = {},
): TenantSocket {
  const { url = '', ...rest } = options;
  const handshake: TenantSocketAuth = { token: auth.token };
  if (auth.storeId) handshake.storeId = auth.storeId;
  if (auth.screen) handshake.screen = auth.screen;
  return io(`${url}/t/${encodeURIComponent(tenantSlug)}`, {
    auth: handshake,
    transports: ['websocket'],
    autoConnect: false,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
    ...rest,
  });
}
