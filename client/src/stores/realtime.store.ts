import { type ErrorPayload, fail, isErrorCode, ok, type Result } from '@erp/shared/errors';
import {
  type ClientCommands,
  type CommandName,
  type CommandPayload,
  type CommandResult,
  clientCommands,
  type ServerNotifications,
  serverNotifications,
} from '@erp/shared/events/index';
import type { Screen } from '@erp/shared/roles';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { z } from 'zod';
import { t } from '../i18n/es-CL.ts';
import { createTenantSocket, type TenantSocket, type TenantSocketOptions } from '../realtime/socket.ts';
import { STORE_IDS } from './ids.ts';
import { SESSION_ENDING_CODES, useSessionStore } from './session.store.ts';

export type NotificationName = keyof ServerNotifications;
export type NotificationPayload<K extends NotificationName> = z.output<ServerNotifications[K]>;
export type NotificationHandler<K extends NotificationName> = (payload: NotificationPayload<K>) => void;

/** idle: never connected · connecting: first attempt · reconnecting: lost, retrying · offline: retries keep failing or the server refused. */
export type ConnectionStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'offline';

export interface ConnectOptions {
  tenantSlug: string;
  token: string;
  storeId?: string | null;
  screen?: Screen | null;
  /** Extra socket options (tests pass `url`, `reconnectionDelay`). */
  socket?: TenantSocketOptions;
}

export interface CommandOptions {
  /** How long to wait for the ack; after that the outcome is unknown (TIMEOUT). */
  timeoutMs?: number;
}

export type ResyncCallback = () => void | Promise<void>;

export const DEFAULT_COMMAND_TIMEOUT_MS = 10_000;
/** Failed reconnection attempts after which the badge says "Sin conexión" instead of "Reconectando". */
const ATTEMPTS_BEFORE_OFFLINE = 3;

type ConnectError = Error & { data?: { code?: unknown; message?: unknown } };

/**
 * Owns the page's one socket (after n8n's pushConnection store and the Socket.IO CRUD example):
 * - every incoming notification is parsed with its shared zod schema before any listener sees
 *   it; malformed or unknown events are dropped and counted (`droppedEvents`);
 * - on every `connect` that did not recover the missed packets, the resync callbacks run so the
 *   domain stores re-fetch their snapshots;
 * - `command()` always resolves to a `Result`: offline, timeouts and a connection lost while
 *   waiting become Spanish errors instead of exceptions;
 * - a handshake refused for an expired/revoked/missing token ends the session (back to login);
 *   one refused for too many connections at once is tried again a little later; other
 *   refusals (wrong company, no access to the store) land in `fatalError`.
 * Commands are never queued while offline: Socket.IO's send buffer would replay them later.
 */
export const useRealtimeStore = defineStore(STORE_IDS.REALTIME, () => {
  const status = ref<ConnectionStatus>('idle');
  const recovered = ref(false);
  /** Why the server refused the connection; retrying will not help until the user acts. */
  const fatalError = ref<ErrorPayload | null>(null);
  const droppedEvents = ref(0);
  const reconnectAttempts = ref(0);
  /**
   * The store node's state when the page is connected through the store's hub (null when
   * connected straight to the central server): online or not, since when, sales pending.
   */
  const nodeState = ref<NotificationPayload<'node:state'> | null>(null);
  // Not state: kept private so no one bypasses validation by listening on the raw socket.
  let socket: TenantSocket | null = null;

  const isConnected = computed(() => status.value === 'connected');

  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const resyncCallbacks = new Set<ResyncCallback>();

  function runResync(callbacks: Iterable<ResyncCallback>): Promise<void> {
    return Promise.allSettled(
      [...callbacks].map(async (callback) => {
        await callback();
      }),
    ).then((results) => {
      for (const r of results) if (r.status === 'rejected') console.error('resync failed', r.reason);
    });
  }

  /**
   * The hub answered for the central server meanwhile: when it reaches the server again the
   * page re-reads its snapshots, as after a reconnection (its own connection never dropped).
   */
  function onNodeState(state: NotificationPayload<'node:state'>): void {
    const wasOffline = nodeState.value !== null && !nodeState.value.online;
    nodeState.value = state;
    if (wasOffline && state.online) void runResync(resyncCallbacks);
  }

  function dispatch(event: string, args: unknown[]): void {
    if (!Object.hasOwn(serverNotifications, event)) {
      droppedEvents.value++;
      console.warn(`realtime: unknown event "${event}" dropped`);
      return;
    }
    const schema = serverNotifications[event as NotificationName];
    const parsed = schema.safeParse(args[0]);
    if (!parsed.success) {
      droppedEvents.value++;
      console.warn(`realtime: malformed "${event}" dropped`, parsed.error.issues);
      return;
    }
    if (event === 'node:state') onNodeState(parsed.data as NotificationPayload<'node:state'>);
    for (const handler of listeners.get(event) ?? []) {
      try {
        handler(parsed.data);
      } catch (error) {
        console.error(`realtime: listener of "${event}" failed`, error);
      }
    }
  }

  function onConnectError(error: ConnectError): void {
    const code = error.data?.code;
    if (!isErrorCode(code) || code === 'RATE_LIMITED') {
      // Transport failure (server down, network): the manager keeps retrying. Too many
      // connections at once from here or to this company (every till after a restart) is a
      // refusal the manager does not retry, but waiting is the cure: ask again at a random
      // moment within its reconnection delays, so the tills do not come back all together.
      reconnectAttempts.value++;
      status.value = reconnectAttempts.value >= ATTEMPTS_BEFORE_OFFLINE ? 'offline' : 'reconnecting';
      const refused = socket;
      if (code === 'RATE_LIMITED' && refused) {
        const { io: manager } = refused;
        const delay = manager.reconnectionDelay() + Math.random() * manager.reconnectionDelayMax();
        setTimeout(() => {
          if (socket === refused && !refused.connected) refused.connect();
        }, delay);
      }
      return;
    }
    // Refused by the server's middleware: Socket.IO does not retry these.
    const message = typeof error.data?.message === 'string' ? error.data.message : undefined;
    fatalError.value = fail(code, message).error;
    status.value = 'offline';
    if (SESSION_ENDING_CODES.includes(code)) useSessionStore().end(code, message);
  }

  /**
   * Opens the page's socket (closing a previous one). Listeners and resync callbacks stay
   * registered across reconnections and across `connect` calls.
   */
  function connect(options: ConnectOptions): void {
    disconnect();
    const next = createTenantSocket(
      options.tenantSlug,
      {
        token: options.token,
        ...(options.storeId ? { storeId: options.storeId } : {}),
        ...(options.screen ? { screen: options.screen } : {}),
      },
      options.socket,
    );
    socket = next;
    fatalError.value = null;
    status.value = 'connecting';

    next.on('connect', () => {
      status.value = 'connected';
      reconnectAttempts.value = 0;
      // socket.io-client leaves `recovered` undefined when the server has no state recovery.
      recovered.value = next.recovered === true;
      if (!recovered.value) void runResync(resyncCallbacks);
    });
    next.on('disconnect', (reason) => {
      if (socket !== next) return;
      status.value = 'reconnecting';
      recovered.value = false;
      // The server closed us on purpose (e.g. logout in another tab revoked the token): ask
      // once more, so the handshake tells us why (TOKEN_REVOKED → login) instead of hanging.
      if (reason === 'io server disconnect') next.connect();
    });
    next.on('connect_error', onConnectError);
    next.onAny((event: string, ...args: unknown[]) => dispatch(event, args));
    next.connect();
  }

  function disconnect(): void {
    const current = socket;
    if (!current) return;
    socket = null;
    current.removeAllListeners();
    current.offAny();
    current.disconnect();
    status.value = 'idle';
    recovered.value = false;
    reconnectAttempts.value = 0;
    nodeState.value = null;
  }

  /**
   * Listens to one server notification; the handler only ever sees payloads that passed the
   * shared schema. Returns the unsubscribe function.
   * @example
   * const off = realtime.addEventListener('user:created', (user) => users.value.push(user));
   * onScopeDispose(off);
   */
  function addEventListener<K extends NotificationName>(
    event: K,
    handler: NotificationHandler<K>,
  ): () => void {
    let set = listeners.get(event);
    if (!set) {
      set = new Set();
      listeners.set(event, set);
    }
    const entry = handler as (payload: unknown) => void;
    set.add(entry);
    return () => {
      listeners.get(event)?.delete(entry);
    };
  }

  /**
   * Registers a snapshot re-fetch. It runs after every connection that did not recover the
   * missed events (the first connection included), and right away if already connected, so a
   * store created late still loads its snapshot. Returns the unregister function.
   */
  function onResync(callback: ResyncCallback): () => void {
    resyncCallbacks.add(callback);
    if (status.value === 'connected') void runResync([callback]);
    return () => {
      resyncCallbacks.delete(callback);
    };
  }

  /**
   * Sends a command and resolves with its `Result`, never throwing. The answer is parsed with
   * the command's shared result schema.
   * @example
   * const info = await realtime.command('session:info', {});
   * if (info.ok) console.log(info.data.role); else banner.value = info.error;
   */
  async function command<K extends CommandName>(
    name: K,
    payload: CommandPayload<ClientCommands, K>,
    options: CommandOptions = {},
  ): Promise<Result<CommandResult<ClientCommands, K>>> {
    const current = socket;
    if (!current?.connected) return fail('OFFLINE');
    let answer: unknown;
    try {
      // Socket.IO's typed emit cannot follow a generic K; the contract types are enforced above.
      const emitter = current.timeout(options.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS) as unknown as {
        emitWithAck(event: string, payload: unknown): Promise<unknown>;
      };
      answer = await emitter.emitWithAck(name, payload);
    } catch {
      // Timed out, or the connection dropped while waiting: the server may or may not have run it.
      return current.connected ? fail('TIMEOUT') : fail('TIMEOUT', t.connection.lostDuringCommand);
    }
    if (typeof answer === 'object' && answer !== null && (answer as { ok?: unknown }).ok === false) {
      const error = (answer as { error?: { code?: unknown; message?: unknown; details?: unknown } }).error;
      if (isErrorCode(error?.code)) {
        // `details` travels on (e.g. PRICE_CHANGED's current prices); callers parse it with its schema.
        return fail(error.code, typeof error.message === 'string' ? error.message : undefined, error.details);
      }
    } else if (typeof answer === 'object' && answer !== null && (answer as { ok?: unknown }).ok === true) {
      const parsed = clientCommands[name].result.safeParse((answer as { data?: unknown }).data);
      if (parsed.success) return ok(parsed.data as CommandResult<ClientCommands, K>);
    }
    console.warn(`realtime: unexpected answer to "${name}"`, answer);
    return fail('INTERNAL', t.connection.unexpectedAnswer);
  }

  /** Resolves once connected (true), or false when refused or still not connected after `ms`. */
  function whenConnected(ms = 8000): Promise<boolean> {
    const current = socket;
    if (!current || fatalError.value) return Promise.resolve(false);
    if (status.value === 'connected') return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (value: boolean) => {
        clearTimeout(timer);
        current.off('connect', onConnect);
        current.off('connect_error', onError);
        resolve(value);
      };
      const onConnect = () => done(true);
      const onError = () => {
        if (fatalError.value) done(false);
      };
      const timer = setTimeout(() => done(false), ms);
      current.on('connect', onConnect);
      current.on('connect_error', onError);
    });
  }

  return {
    status,
    recovered,
    fatalError,
    droppedEvents,
    reconnectAttempts,
    nodeState,
    isConnected,
    connect,
    disconnect,
    addEventListener,
    onResync,
    command,
    whenConnected,
  };
});
