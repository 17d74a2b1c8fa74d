import { EventEmitter } from 'node:events';
import type { Logger } from '../logger.ts';

export interface LinkMonitorOptions {
  /** The central server's HTTP origin (`https://erp.example.cl`). */
  serverUrl: string;
  logger: Logger;
  /** A heartbeat is asked this often. */
  heartbeatMs?: number;
  /** A heartbeat not answered within this counts as missed. */
  timeoutMs?: number;
  /** No answered heartbeat for this long: offline (a refused connection is offline at once). */
  offlineAfterMs?: number;
}

export interface LinkState {
  online: boolean;
  /** When the current state began. */
  since: Date;
}

interface LinkEvents {
  change: [LinkState];
}

/** Errors that mean nobody listens at the address: no need to wait for more missed heartbeats. */
const REFUSED = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND']);

/**
 * Says whether the central server is reachable: asks `GET /api/ping` (answered by the server
 * without touching the database) every second. A refused connection is offline at once;
 * timeouts or errors are offline once no heartbeat was answered for `offlineAfterMs`; the first
 * answer after that is online again. Starts offline until the first answer, so a hub started
 * without internet serves from its replica at once.
 */
export class LinkMonitor extends EventEmitter<LinkEvents> {
  readonly #url: string;
  readonly #logger: Logger;
  readonly #heartbeatMs: number;
  readonly #timeoutMs: number;
  readonly #offlineAfterMs: number;
  #state: LinkState = { online: false, since: new Date() };
  #lastAnswer = 0;
  #timer: NodeJS.Timeout | null = null;
  #probing = false;
  #stopped = false;

  constructor(options: LinkMonitorOptions) {
    super();
    this.#url = `${httpOrigin(options.serverUrl)}/api/ping`;
    this.#logger = options.logger;
    this.#heartbeatMs = options.heartbeatMs ?? 1000;
    this.#timeoutMs = options.timeoutMs ?? 1500;
    this.#offlineAfterMs = options.offlineAfterMs ?? 3000;
  }

  get state(): LinkState {
    return this.#state;
  }

  get online(): boolean {
    return this.#state.online;
  }

  /** Starts the heartbeats; resolves once the first one was answered or missed. */
  async start(): Promise<void> {
    this.#stopped = false;
    await this.probe();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /**
   * Asks now (e.g. when a relayed connection dropped) instead of waiting for the next beat;
   * resolves once the answer (or its absence) was taken into account.
   */
  async probe(): Promise<void> {
    if (this.#probing || this.#stopped) return;
    this.#probing = true;
    if (this.#timer) clearTimeout(this.#timer);
    try {
      const response = await fetch(this.#url, { signal: AbortSignal.timeout(this.#timeoutMs) });
      await response.body?.cancel();
      if (response.ok) {
        this.#lastAnswer = Date.now();
        this.#set(true, 'heartbeat answered');
      } else this.#missed(`answered ${response.status}`, false);
    } catch (error) {
      const code = (error as { cause?: { code?: string } }).cause?.code;
      this.#missed(code ?? (error as Error).name, code !== undefined && REFUSED.has(code));
    } finally {
      this.#probing = false;
      if (!this.#stopped) this.#timer = setTimeout(() => void this.probe(), this.#heartbeatMs);
    }
  }

  #missed(reason: string, refused: boolean): void {
    if (!this.#state.online) return;
    if (refused || Date.now() - this.#lastAnswer >= this.#offlineAfterMs) this.#set(false, reason);
  }

  #set(online: boolean, reason: string): void {
    if (this.#state.online === online) return;
    this.#state = { online, since: new Date() };
    this.#logger[online ? 'info' : 'warn'](
      { reason },
      online ? 'central server reachable' : 'central server unreachable: offline',
    );
    this.emit('change', this.#state);
  }
}

/** `wss://host` → `https://host`, `ws://` → `http://`, without a trailing slash. */
export function httpOrigin(serverUrl: string): string {
  return serverUrl.replace(/^ws(s?):/, 'http$1:').replace(/\/$/, '');
}
