import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import {
  catalogNotifications,
  fail,
  type NodeState,
  ok,
  type Result,
  type ScaleReading,
  ScaleWatch,
} from '@erp/shared';
import { Server, type Socket as TerminalSocket } from 'socket.io';
import { io as connectUpstream, type Socket as UpstreamSocket } from 'socket.io-client';
import type { LocalDevices } from '../local-devices.ts';
import type { Logger } from '../logger.ts';
import type { PrintSpool } from '../spool.ts';
import { CatalogReplica } from './catalog-replica.ts';
import { httpFront } from './http-front.ts';
import { KnownSessions } from './known-sessions.ts';
import { httpOrigin, type LinkMonitor } from './link-monitor.ts';
import {
  answerOffline,
  type OfflineContext,
  type OfflineHandler,
  offlineCommands,
} from './offline-commands.ts';
import { OfflineLog } from './offline-log.ts';
import { ReadCache } from './read-cache.ts';
import { TerminalRelay } from './terminal-relay.ts';

export interface StoreNodeOptions {
  serverUrl: string;
  tenantSlug: string;
  storeId: string;
  httpPort: number;
  httpHost: string;
  clientDist: string;
  dataDir: string;
  link: LinkMonitor;
  spool: PrintSpool;
  devices: LocalDevices;
  logger: Logger;
  /** Offline implementations plugged into the seam (`OFFLINE_SELLING_COMMANDS`). */
  offline?: Partial<Record<string, OfflineHandler>>;
  /** Sales taken offline and not yet synchronised (0 until offline sales exist). */
  pendingSales?: () => number;
  /** A terminal's command was relayed and answered by the central server (the tills read again). */
  relayed?: (event: string) => void;
}

/** How long a handshake waits for the central server before the hub admits the terminal offline. */
const UPSTREAM_HANDSHAKE_MS = 5000;
/** The replica refreshes its snapshot at most this often (a 304 when the version did not move). */
const REFRESH_EVERY_MS = 30_000;
/** Readings per second and scale sent to the watching terminals (as the server throttles them). */
const SCALE_READING_INTERVAL_MS = 100;
/** A tare or zero from a terminal gets the server's deadline: a late one is dropped. */
const SCALE_COMMAND_TTL_MS = 5000;

/** A connected terminal: its relay, and the state it was last told. */
interface Terminal {
  relay: TerminalRelay;
  upstream: UpstreamSocket;
  told: NodeState | null;
}

interface TerminalAuth {
  token: string;
  storeId: string | null;
  screen: string | null;
}

type RefusalError = Error & { data?: unknown };

function refusal(code: 'OFFLINE' | 'WRONG_TENANT' | 'UNAUTHENTICATED', message?: string): RefusalError {
  const answer = fail(code, message).error;
  return Object.assign(new Error(answer.message), { data: answer });
}

/**
 * The store node: the hub serving the store's terminals on its network (`HUB_HTTP_PORT`), with
 * the built client, the API forwarded to the central server, and one relayed Socket.IO
 * connection per terminal (README, "Store node"). Pushes `node:state` to every terminal.
 */
export class StoreNode {
  readonly #options: StoreNodeOptions;
  readonly #logger: Logger;
  readonly replica: CatalogReplica;
  readonly #sessions: KnownSessions;
  readonly #reads: ReadCache;
  readonly #offline: Partial<Record<string, OfflineHandler>>;
  /** What the hub did offline for the server to audit (`node:audit` on catching up). */
  readonly offlineLog: OfflineLog;
  readonly #terminals = new Map<TerminalSocket, Terminal>();
  /** Terminals watching a scale (key: scale id or 'default'), until the watch runs out. */
  readonly #watchers = new Map<TerminalSocket, Map<string, number>>();
  readonly #lastReadingSent = new Map<string, number>();
  readonly #readingTimers = new Map<string, NodeJS.Timeout>();
  #http: HttpServer | null = null;
  #io: Server | null = null;
  #lastRefresh = 0;
  #refreshing = false;

  constructor(options: StoreNodeOptions) {
    this.#options = options;
    this.#logger = options.logger.child({ part: 'store-node' });
    this.replica = new CatalogReplica(
      join(options.dataDir, 'catalog-replica.json'),
      { tenantSlug: options.tenantSlug, storeId: options.storeId },
      this.#logger,
    );
    this.#sessions = new KnownSessions(join(options.dataDir, 'known-sessions.json'), this.#logger);
    this.#reads = new ReadCache(join(options.dataDir, 'cached-reads.json'), this.#logger);
    this.#offline = offlineCommands(options.offline ?? {});
    this.offlineLog = new OfflineLog(join(options.dataDir, 'offline-log.jsonl'));
  }

  /** The store's state: the central server reachable or not, since when, sales waiting. */
  state(): NodeState {
    const { online, since } = this.#options.link.state;
    return { online, since: since.toISOString(), pendingSales: this.#options.pendingSales?.() ?? 0 };
  }

  /**
   * Tells a terminal the state when it changed for it: online only once its own connection to
   * the central server is up too, so a POS that re-reads its data on coming back online reaches
   * the server and not the hub's offline answers.
   */
  #tell(socket: TerminalSocket, terminal: Terminal): void {
    const store = this.state();
    const online = store.online && terminal.upstream.connected;
    const told = terminal.told;
    if (told && told.online === online && told.pendingSales === store.pendingSales) return;
    let since: string;
    if (told && told.online === online)
      since = told.since; // only the pending count moved
    else if (!told || !store.online)
      since = store.since; // the store's link changed (or first word)
    else since = new Date().toISOString(); // this terminal's own connection changed
    terminal.told = { online, since, pendingSales: store.pendingSales };
    socket.emit('node:state', terminal.told);
  }

  /** Loads what the hub kept on disk, then listens; resolves with the port. */
  async start(): Promise<number> {
    await Promise.all([this.replica.load(), this.#sessions.load(), this.#reads.load()]);
    const { link } = this.#options;
    const http = createServer(
      httpFront({
        clientDist: this.#options.clientDist,
        serverOrigin: httpOrigin(this.#options.serverUrl),
        tenantSlug: this.#options.tenantSlug,
        storeId: this.#options.storeId,
        link,
        replica: this.replica,
        sessions: this.#sessions,
        logger: this.#logger,
      }),
    );
    const io = new Server(http, { transports: ['websocket'], serveClient: false });
    this.#http = http;
    this.#io = io;
    const tenants = io.of(/^\/t\/[a-z0-9-]+$/);
    tenants.use(
      (socket, next) =>
        void this.#admit(socket).then(
          () => next(),
          (error: RefusalError) => next(error),
        ),
    );
    tenants.on('connection', (socket) => this.#connected(socket));
    link.on('change', (state) => {
      if (state.online) this.#lastRefresh = 0; // back online: the replica catches up with the next terminal
      for (const [socket, terminal] of this.#terminals) {
        if (!state.online) terminal.relay.failPending();
        this.#tell(socket, terminal);
      }
    });
    for (const scale of this.#options.devices.scales()) scale.onReading((reading) => this.#reading(reading));
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(this.#options.httpPort, this.#options.httpHost, () => resolve());
    });
    const port = (http.address() as AddressInfo).port;
    this.#logger.info({ port, urls: storeUrls(this.#options.httpHost, port) }, 'store node listening');
    return port;
  }

  /** Tells the terminals again (e.g. the pending count changed). */
  broadcastState(): void {
    for (const [socket, terminal] of this.#terminals) this.#tell(socket, terminal);
  }

  async stop(): Promise<void> {
    for (const timer of this.#readingTimers.values()) clearTimeout(timer);
    this.#io?.close();
    await new Promise<void>((resolve) => (this.#http ? this.#http.close(() => resolve()) : resolve()));
    await Promise.all([this.replica.flush(), this.#sessions.flush(), this.#reads.flush()]);
  }

  /**
   * The handshake: the terminal's own connection to the central server is opened with its auth.
   * Online, the server's answer is the hub's (a refusal is relayed with its code and message);
   * offline (or no answer in time), only a session the server accepted through this hub lately
   * is admitted, and its upstream connection keeps trying in the background.
   */
  async #admit(socket: TerminalSocket): Promise<void> {
    if (socket.nsp.name !== `/t/${this.#options.tenantSlug}`) {
      throw refusal('WRONG_TENANT', 'Este hub atiende a otra empresa.');
    }
    const raw = socket.handshake.auth as Record<string, unknown>;
    if (typeof raw.token !== 'string' || !raw.token) throw refusal('UNAUTHENTICATED');
    const auth: TerminalAuth = {
      token: raw.token,
      storeId: typeof raw.storeId === 'string' ? raw.storeId : null,
      screen: typeof raw.screen === 'string' ? raw.screen : null,
    };
    const upstream = connectUpstream(`${httpOrigin(this.#options.serverUrl)}${socket.nsp.name}`, {
      auth: socket.handshake.auth,
      transports: ['websocket'],
      forceNew: true,
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
    });
    const early: unknown[][] = [];
    const keep = (...args: unknown[]) => early.push(args);
    upstream.onAny(keep);
    const outcome = this.#options.link.online
      ? await firstAnswer(upstream)
      : { kind: 'unreachable' as const };
    if (outcome.kind === 'refused') {
      upstream.close();
      const code = (outcome.data as { code?: unknown } | undefined)?.code;
      if (code === 'TOKEN_REVOKED' || code === 'TOKEN_EXPIRED' || code === 'UNAUTHENTICATED') {
        this.#sessions.forget(auth.token);
      }
      throw Object.assign(new Error(outcome.message), { data: outcome.data });
    }
    if (outcome.kind === 'connected') this.#sessions.accepted(auth.token, auth.storeId, auth.screen);
    else if (!this.#sessions.admits(auth.token, auth.storeId, auth.screen)) {
      upstream.close();
      throw refusal('OFFLINE', 'Sin conexión con la central: inicie sesión cuando vuelva la conexión.');
    }
    // What the server sends before the terminal's connection is set up goes to it right after.
    socket.data = { auth, upstream, early, keep };
  }

  #connected(socket: TerminalSocket): void {
    const { auth, upstream, early, keep } = socket.data as {
      auth: TerminalAuth;
      upstream: UpstreamSocket;
      early: unknown[][];
      keep: (...args: unknown[]) => void;
    };
    upstream.offAny(keep);
    const context: OfflineContext = {
      terminal: { storeId: auth.storeId, screen: auth.screen },
      user: () => this.#sessions.user(auth.token),
      storeId: this.#options.storeId,
      replica: this.replica,
      devices: this.#options.devices,
      spool: this.#options.spool,
      logger: this.#logger,
      offlineLog: this.offlineLog,
    };
    const inStore = auth.storeId === null || auth.storeId === this.#options.storeId;
    const relay = new TerminalRelay(
      socket,
      upstream,
      {
        online: () => this.#options.link.online,
        local: (event, payload) => (inStore ? this.#localDevice(socket, event, payload) : null),
        offline: (event, payload) => {
          const cached = this.#reads.get(auth.token, event, payload);
          return cached
            ? Promise.resolve(ok(cached.data))
            : answerOffline(this.#offline, event, payload, context);
        },
        answered: (event, payload, answer) => {
          const result = answer as { ok?: boolean; data?: unknown } | undefined;
          if (result?.ok) {
            this.#reads.put(auth.token, event, payload, result.data);
            this.#options.relayed?.(event);
          }
          this.#tapAnswer(event, answer);
        },
        notified: (event, payload) => this.#tapNotification(event, payload),
        dropped: () => void this.#options.link.probe(),
      },
      this.#logger,
    );
    const terminal: Terminal = { relay, upstream, told: null };
    this.#terminals.set(socket, terminal);
    for (const [event, ...args] of early) socket.emit(event as string, ...args);
    upstream.on('connect', () => {
      this.#sessions.accepted(auth.token, auth.storeId, auth.screen);
      void this.#identify(upstream, auth.token);
      this.#tell(socket, terminal);
      if (inStore) void this.#refreshReplica(auth.token);
    });
    upstream.on('disconnect', () => this.#tell(socket, terminal));
    if (upstream.connected) void this.#identify(upstream, auth.token);
    if (upstream.connected && inStore) void this.#refreshReplica(auth.token);
    socket.on('disconnect', () => {
      this.#terminals.delete(socket);
      this.#watchers.delete(socket);
    });
    this.#tell(socket, terminal);
  }

  /**
   * Asks the server who the session is, so an offline sale names its cashier and the discount
   * limit of their role (kept with the known session, on disk).
   */
  async #identify(upstream: UpstreamSocket, token: string): Promise<void> {
    try {
      const answer = (await upstream.timeout(10_000).emitWithAck('session:info', {})) as {
        ok?: boolean;
        data?: { userId?: unknown; role?: unknown };
      };
      const { userId, role } = answer?.data ?? {};
      if (answer?.ok && typeof userId === 'string' && typeof role === 'string')
        this.#sessions.identified(token, { userId, role });
    } catch (error) {
      this.#logger.warn({ err: (error as Error).message }, 'session not identified');
    }
  }

  /**
   * The scale is the hub's own device: its commands never travel to the central server and back,
   * and readings go from the hub straight to the terminals watching.
   */
  #localDevice(socket: TerminalSocket, event: string, payload: unknown): Promise<Result<unknown>> | null {
    const { devices } = this.#options;
    switch (event) {
      case 'scale:watch': {
        const watch = ScaleWatch.safeParse(payload);
        const answer = devices.scaleWatch(payload);
        if (answer.ok && watch.success) {
          const watching = this.#watchers.get(socket) ?? new Map<string, number>();
          watching.set(watch.data.scaleId ?? 'default', Date.now() + watch.data.durationMs);
          this.#watchers.set(socket, watching);
        }
        return Promise.resolve(answer);
      }
      case 'scale:tare':
      case 'scale:zero': {
        const scaleId = (payload as { scaleId?: unknown } | undefined)?.scaleId;
        return devices.scaleCommand(
          {
            commandId: crypto.randomUUID(),
            expiresAt: new Date(Date.now() + SCALE_COMMAND_TTL_MS).toISOString(),
            ...(typeof scaleId === 'string' ? { scaleId } : {}),
          },
          event === 'scale:tare' ? 'tare' : 'zero',
        );
      }
      default:
        return null;
    }
  }

  /** Sends the latest reading of a scale to its watchers, at most every 100 ms (the last one always). */
  #reading(reading: ScaleReading): void {
    const wait = (this.#lastReadingSent.get(reading.scaleId) ?? 0) + SCALE_READING_INTERVAL_MS - Date.now();
    clearTimeout(this.#readingTimers.get(reading.scaleId));
    if (wait > 0) {
      this.#readingTimers.set(
        reading.scaleId,
        setTimeout(() => this.#reading(reading), wait),
      );
      return;
    }
    this.#lastReadingSent.set(reading.scaleId, Date.now());
    const first = this.#options.devices.scales()[0]?.info.id;
    const now = Date.now();
    for (const [socket, watching] of this.#watchers) {
      const until = Math.max(
        watching.get(reading.scaleId) ?? 0,
        first === reading.scaleId ? (watching.get('default') ?? 0) : 0,
      );
      if (until > now) socket.emit('scale:reading', { storeId: this.#options.storeId, ...reading });
    }
  }

  #tapAnswer(event: string, answer: unknown): void {
    const result = answer as { ok?: boolean; data?: unknown } | undefined;
    if (!result?.ok) return;
    if (event === 'catalog:changes') this.replica.applyChanges(result.data);
    else if (event === 'catalog:snapshot') this.replica.applySnapshot(result.data, null);
    else if (event === 'label:rules') this.replica.setLabelRules(result.data);
  }

  #tapNotification(event: string, payload: unknown): void {
    if (event === 'product:changed') {
      const parsed = catalogNotifications['product:changed'].safeParse(payload);
      if (parsed.success) this.replica.applyProductChanged(parsed.data.changes);
    } else if (event === 'price:changed') {
      const parsed = catalogNotifications['price:changed'].safeParse(payload);
      if (parsed.success) this.replica.applyPriceChanged(parsed.data.changes);
    }
  }

  /**
   * Brings the replica up to the central catalog with a terminal's session (the one the POS
   * uses for the same snapshot): a whole snapshot the first time, then a revalidation by ETag
   * that costs a 304 while the catalog version did not move.
   */
  async #refreshReplica(token: string): Promise<void> {
    if (this.#refreshing || Date.now() - this.#lastRefresh < REFRESH_EVERY_MS) return;
    this.#refreshing = true;
    this.#lastRefresh = Date.now();
    try {
      const url = `${httpOrigin(this.#options.serverUrl)}/api/t/${this.#options.tenantSlug}/catalog/snapshot?store=${this.#options.storeId}`;
      const headers: Record<string, string> = { authorization: `Bearer ${token}` };
      if (this.replica.etag) headers['if-none-match'] = this.replica.etag;
      const response = await fetch(url, { headers, signal: AbortSignal.timeout(60_000) });
      if (response.status !== 200) {
        await response.body?.cancel();
        return;
      }
      const answer = (await response.json()) as { ok?: boolean; data?: unknown };
      if (answer.ok && this.replica.applySnapshot(answer.data, response.headers.get('etag'))) {
        this.#logger.info(
          { version: this.replica.version, products: this.replica.size },
          'catalog replica refreshed',
        );
      }
    } catch (error) {
      this.#logger.warn({ err: (error as Error).message }, 'catalog replica not refreshed');
    } finally {
      this.#refreshing = false;
    }
  }
}

type UpstreamOutcome =
  | { kind: 'connected' }
  | { kind: 'refused'; message: string; data: unknown }
  | { kind: 'unreachable' };

/** The central server's answer to a relayed handshake: accepted, refused (with why), or none. */
function firstAnswer(upstream: UpstreamSocket): Promise<UpstreamOutcome> {
  return new Promise((resolve) => {
    const done = (outcome: UpstreamOutcome) => {
      clearTimeout(timer);
      upstream.off('connect', onConnect);
      upstream.off('connect_error', onError);
      resolve(outcome);
    };
    const onConnect = () => done({ kind: 'connected' });
    // A refusal by the server's middleware carries `data` and is not retried by Socket.IO; a
    // transport error (no server) is, in the background.
    const onError = (error: Error & { data?: unknown }) =>
      done(
        upstream.active
          ? { kind: 'unreachable' }
          : { kind: 'refused', message: error.message, data: error.data },
      );
    const timer = setTimeout(() => done({ kind: 'unreachable' }), UPSTREAM_HANDSHAKE_MS);
    upstream.on('connect', onConnect);
    upstream.on('connect_error', onError);
  });
}

/** The addresses terminals can open (every non-internal IPv4 address when listening on all). */
export function storeUrls(host: string, port: number): string[] {
  if (host !== '0.0.0.0' && host !== '::') return [`http://${host}:${port}/`];
  return Object.values(networkInterfaces())
    .flat()
    .filter((address) => address && address.family === 'IPv4' && !address.internal)
    .map((address) => `http://${address!.address}:${port}/`);
}
