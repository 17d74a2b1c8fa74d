import type { ClientToServerEvents, Role, Screen, ServerToClientEvents } from '@erp/shared';
import type { Namespace, Server, Socket } from 'socket.io';

/** What the handshake established about a connection; handlers trust only this. */
export interface SocketData {
  userId: string;
  sessionId: string;
  tenantId: string;
  tenantSlug: string;
  role: Role;
  storeId: string | null;
  screen: Screen | null;
}

// biome-ignore lint/complexity/noBannedTypes: Socket.IO's InterServerEvents slot; we define none.
type InterServerEvents = {};

export type AppServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type AppNamespace = Namespace<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;
