import { HandshakeAuth, SCREEN_ROLES } from '@erp/shared';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { ExtendedError } from 'socket.io';
import { assertStoreHubFree, authenticateHub } from '../hardware/index.ts';
import { AppError } from '../platform/app-error.ts';
import type { Logger } from '../platform/logger.ts';
import { withTenant } from '../platform/orm.ts';
import type { SecretBox } from '../platform/secrets.ts';
import { type ApprovalService, type AuthService, type MembershipRow, Store } from '../tenancy/index.ts';
import type { AfterCommit } from './after-commit.ts';
import type { BudgetHolder, CommandLimits } from './command-limits.ts';
import { limitCommands } from './commands.ts';
import type { HandshakeThrottle } from './handshake-throttle.ts';
import type { HeavyReads } from './heavy-reads.ts';
import { rooms, TENANT_NAMESPACE_PATTERN } from './rooms.ts';
import type { AppServer, AppSocket, HubSocket, HubSocketData } from './types.ts';

export interface RealtimeDeps {
  orm: MikroORM;
  auth: AuthService;
  /** Supervisor approvals with their PIN at someone else's till. */
  approvals: ApprovalService;
  logger: Logger;
  /** Seals and opens secrets at rest (CAF keys, certificates). */
  secrets: SecretBox;
  /** News of committed changes for other domains (receipts to print, walls to refresh). */
  news: AfterCommit;
  /** Days a hub credential issued or renewed now stays valid. */
  hubCredentialTtlDays: number;
  /** Snapshots, reports and exports: their own pool, a turn per tenant, answers shared. */
  heavy: HeavyReads;
  /** The budgets every connection's commands draw on. */
  limits: CommandLimits;
  /** Handshakes per client address and per tenant, before the database is asked anything. */
  handshakes: HandshakeThrottle;
}

/** A domain's socket handlers; called once per connection (see sales.handlers.ts etc.). */
export type HandlerRegistrar = (socket: AppSocket, deps: RealtimeDeps) => void;
/** Handlers of a store hub's connection (see hardware/hub.handlers.ts). */
export type HubHandlerRegistrar = (socket: HubSocket, deps: RealtimeDeps) => void;

function connectError(error: AppError): ExtendedError {
  const err = new Error(error.message) as ExtendedError;
  err.data = { code: error.code, message: error.message };
  return err;
}

/**
 * The store a socket serves: the one requested if a membership covers it (bound to it, or
 * tenant-wide and the store exists), else the store of a store-bound membership, else none.
 */
export async function resolveStore(
  deps: Pick<RealtimeDeps, 'orm'>,
  memberships: MembershipRow[],
  requested: string | undefined,
): Promise<string | null> {
  const tenantWide = memberships.find((m) => m.storeId === null);
  if (requested === undefined) return tenantWide ? null : memberships[0]!.storeId;
  if (memberships.some((m) => m.storeId === requested)) return requested;
  if (!tenantWide) throw AppError.forbidden('No tiene acceso a esa sucursal.');
  const exists = await withTenant(deps.orm, tenantWide.tenantId, (em) => em.count(Store, { id: requested }));
  if (!exists) throw AppError.notFound('la sucursal');
  return requested;
}

/**
 * A hub proves a device credential of this tenant; it serves the credential's store only (a
 * different `storeId` in the handshake is refused rather than silently replaced).
 */
async function hubSocketData(
  deps: RealtimeDeps,
  token: string,
  slug: string,
  requestedStore: string | undefined,
): Promise<HubSocketData> {
  const hub = await authenticateHub(deps.orm, token);
  // A person's token (or any other) never opens the hub screen.
  if (!hub) throw AppError.forbidden('Solo un hub con credencial de dispositivo puede abrir esta pantalla.');
  if (hub.tenantSlug !== slug) throw new AppError('WRONG_TENANT');
  if (requestedStore && requestedStore !== hub.storeId) {
    throw AppError.forbidden('Esta credencial es de otra sucursal.');
  }
  return { ...hub, screen: 'hub', announce: null, printers: {} };
}

/**
 * One namespace per tenant, `/t/<slug>`. The handshake proves the token, that the user belongs
 * to this tenant (a token of tenant A on B's namespace is refused with WRONG_TENANT) and which
 * store and screen the socket serves; then the socket joins its rooms and gets the handlers.
 * Registered before the server listens: child namespaces copy middlewares at creation.
 */
export function setupTenantNamespaces(
  io: AppServer,
  deps: RealtimeDeps,
  registrars: HandlerRegistrar[],
  hubRegistrars: HubHandlerRegistrar[] = [],
): void {
  // The main namespace serves nothing: every connection belongs to exactly one tenant.
  io.of('/').use((_socket, next) => next(connectError(new AppError('WRONG_TENANT'))));
  const tenants = io.of(TENANT_NAMESPACE_PATTERN);

  tenants.use(async (socket, next) => {
    try {
      const slug = TENANT_NAMESPACE_PATTERN.exec(socket.nsp.name)![1]!;
      deps.handshakes.admit(socket.request, slug);
      const auth = HandshakeAuth.safeParse(socket.handshake.auth);
      if (!auth.success) throw new AppError('UNAUTHENTICATED');
      if (auth.data.screen === 'hub') {
        const hub = socket as unknown as HubSocket;
        hub.data = await hubSocketData(deps, auth.data.token, slug, auth.data.storeId);
        await assertStoreHubFree(hub.nsp, hub.data.storeId);
        return next();
      }
      const session = await deps.auth.verify(auth.data.token);
      const memberships = (await deps.auth.memberships(session.userId)).filter((m) => m.tenantSlug === slug);
      if (memberships.length === 0) throw new AppError('WRONG_TENANT');
      const storeId = await resolveStore(deps, memberships, auth.data.storeId);
      const membership =
        memberships.find((m) => m.storeId === storeId) ?? memberships.find((m) => m.storeId === null)!;
      const screen = auth.data.screen ?? null;
      if (screen && !SCREEN_ROLES[screen].includes(membership.role)) {
        throw AppError.forbidden('Su rol no puede abrir esta pantalla.');
      }
      socket.data = {
        userId: session.userId,
        sessionId: session.sessionId,
        sessionExpiresAt: session.expiresAt,
        tenantId: membership.tenantId,
        tenantSlug: slug,
        role: membership.role,
        storeId,
        screen,
      };
      next();
    } catch (error) {
      if (error instanceof AppError) return next(connectError(error));
      deps.logger.error({ err: error }, 'socket handshake failed');
      next(connectError(new AppError('INTERNAL')));
    }
  });

  tenants.on('connection', (socket: AppSocket) => {
    limitCommands(socket, deps.limits.forSocket(budgetHolder(socket, deps.logger)));
    if (socket.data.screen === 'hub') {
      // Only a device credential gets the hub screen (the handshake set HubSocketData). The
      // store's hub room, where jobs go, is joined once the hub handlers claimed the store.
      const hub = socket as unknown as HubSocket;
      hub.join([rooms.screen('hub'), rooms.hubDevice(hub.data.deviceId)]);
      closeAtExpiry(hub, hub.data.expiresAt);
      for (const register of hubRegistrars) register(hub, deps);
      return;
    }
    const { storeId, screen, sessionId, userId } = socket.data;
    const joined = [rooms.session(sessionId), rooms.user(userId)];
    if (storeId) joined.push(rooms.store(storeId));
    if (screen) joined.push(rooms.screen(screen));
    if (storeId && screen) joined.push(rooms.storeScreen(storeId, screen));
    socket.join(joined);
    closeAtExpiry(socket, socket.data.sessionExpiresAt);
    for (const register of registrars) register(socket, deps);
  });
}

/**
 * How long a connection that keeps sending after its refusals ran out is not read. Holding it
 * costs the server nothing: its messages wait in the network's buffers, and then the client's,
 * instead of being decoded and refused one by one; it is not closed, so it does not come back
 * through the handshake in a loop either.
 */
const HOLD_MS = 1000;

/** A connection's command budget is its session's, or its hub's. */
function budgetHolder(socket: AppSocket | HubSocket, logger: Logger): BudgetHolder {
  const key = 'deviceId' in socket.data ? `hub:${socket.data.deviceId}` : `session:${socket.data.sessionId}`;
  const { tenantId } = socket.data;
  return {
    key,
    tenantId,
    hold() {
      // The WebSocket's own TCP connection (WebSocket is the only transport, see io.ts).
      const connection = socket.request.socket;
      if (connection.isPaused()) return;
      logger.warn({ tenantId, key }, 'connection held: it kept sending commands after RATE_LIMITED');
      connection.pause();
      setTimeout(() => connection.resume(), HOLD_MS).unref();
    },
  };
}

/** setTimeout's longest delay; a later expiry is checked again after it. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A token that expires ends its connections too: the handshake checked it once, and a socket
 * could otherwise keep acting for days on a dead session (or a hub on an expired credential).
 * The reconnection then meets TOKEN_EXPIRED: the client asks the user to sign in again, the hub
 * logs why it is refused.
 */
function closeAtExpiry(socket: AppSocket | HubSocket, expiresAt: number): void {
  const wait = () => {
    const left = expiresAt - Date.now();
    if (left <= 0) return void socket.disconnect(true);
    timer = setTimeout(wait, Math.min(left, MAX_TIMER_MS));
  };
  let timer: NodeJS.Timeout | undefined;
  wait();
  socket.once('disconnect', () => clearTimeout(timer));
}
