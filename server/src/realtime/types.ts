import type {
  ClientToServerEvents,
  HubAnnounce,
  PrinterStatus,
  Role,
  Screen,
  ServerToClientEvents,
} from '@erp/shared';
import type { Namespace, Server, Socket } from 'socket.io';
import type { z } from 'zod';

/** What the handshake established about a connection; handlers trust only this. */
export interface SocketData {
  userId: string;
  sessionId: string;
  /** The session's expiry (ms since the epoch): the connection is closed then. */
  sessionExpiresAt: number;
  tenantId: string;
  tenantSlug: string;
  role: Role;
  storeId: string | null;
  screen: Screen | null;
}

/**
 * A store hub's connection (`screen: 'hub'`): it proves a device credential, not a person, so
 * it has no user, session or role. Only hub handlers are registered on it; people's handlers
 * never see it (no person may open the hub screen, see SCREEN_ROLES).
 */
export interface HubSocketData {
  deviceId: string;
  tenantId: string;
  tenantSlug: string;
  storeId: string;
  /** The credential's expiry (ms since the epoch): the connection is closed then. */
  expiresAt: number;
  /** The credential this one renewed, revoked once this hub serves the store. */
  replaces: string | null;
  screen: 'hub';
  /** What the hub reported about itself, for the back office's list (read across servers). */
  announce: z.output<typeof HubAnnounce> | null;
  printers: Record<string, PrinterStatus>;
}

// biome-ignore lint/complexity/noBannedTypes: Socket.IO's InterServerEvents slot; we define none.
type InterServerEvents = {};

export type AppServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type HubSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, HubSocketData>;
export type AppNamespace = Namespace<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;
