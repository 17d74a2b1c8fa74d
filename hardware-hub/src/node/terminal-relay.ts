import { fail, type Result } from '@erp/shared';
import type { Socket as TerminalSocket } from 'socket.io';
import type { Socket as UpstreamSocket } from 'socket.io-client';
import type { Logger } from '../logger.ts';
import { OFFLINE_PREFIX } from './offline-commands.ts';

/** A relayed command the central server has not answered after this is answered TIMEOUT. */
const RELAY_TIMEOUT_MS = 120_000;

type Ack = (answer: unknown) => void;

export interface RelayHooks {
  /** Whether the central server is reachable (the link monitor's view). */
  online(): boolean;
  /** The hub's own answer to a command it always serves itself (scale), or null to relay it. */
  local(event: string, payload: unknown): Promise<Result<unknown>> | null;
  /** The hub's answer while offline. */
  offline(event: string, payload: unknown): Promise<Result<unknown>>;
  /** A command the central server answered (the catalog replica reads some answers). */
  answered(event: string, payload: unknown, answer: unknown): void;
  /** A notification from the central server to this terminal (the replica reads some). */
  notified(event: string, payload: unknown): void;
  /** The upstream connection dropped for a reason other than the server closing it. */
  dropped(): void;
}

/** A relayed command whose answer was lost: it may or may not have run at the central server. */
const lostAnswer = () =>
  fail(
    'TIMEOUT',
    `${OFFLINE_PREFIX}: se perdió la conexión antes de recibir la respuesta. Revise si la operación se realizó antes de reintentar.`,
  );

/**
 * One terminal connected to the store node, and its own connection to the central server (same
 * token, store, screen and namespace): while online every command and its ack, and every event
 * from the server, pass unchanged, so rooms and the contract are the server's as if the terminal
 * were connected directly. The scale is served by the hub itself; while offline, commands get
 * the hub's own answer (or OFFLINE) at once. A command is never left without an answer: one
 * whose answer was lost (connection dropped, hub went offline) is answered TIMEOUT.
 */
export class TerminalRelay {
  readonly #upstream: UpstreamSocket;
  readonly #hooks: RelayHooks;
  readonly #logger: Logger;
  readonly #pending = new Set<Ack>();

  constructor(terminal: TerminalSocket, upstream: UpstreamSocket, hooks: RelayHooks, logger: Logger) {
    this.#upstream = upstream;
    this.#hooks = hooks;
    this.#logger = logger;
    terminal.onAny((event: string, ...args: unknown[]) => this.#command(event, args));
    terminal.on('disconnect', () => {
      upstream.offAny();
      upstream.removeAllListeners();
      upstream.close();
      this.failPending();
    });
    upstream.onAny((event: string, ...args: unknown[]) => {
      this.#hooks.notified(event, args[0]);
      terminal.emit(event, ...args);
    });
    upstream.on('disconnect', (reason) => {
      this.failPending();
      // The server closed the session on purpose (logout, revoked token): so does the hub, and the
      // terminal's next handshake goes to the server, which tells it why.
      if (reason === 'io server disconnect') terminal.disconnect(true);
      else this.#hooks.dropped();
    });
  }

  /** Answers every relayed command still waiting with TIMEOUT (the central server is gone). */
  failPending(): void {
    for (const ack of [...this.#pending]) ack(lostAnswer());
    this.#pending.clear();
  }

  #command(event: string, args: unknown[]): void {
    const last = args.at(-1);
    const reply = typeof last === 'function' ? (last as Ack) : undefined;
    const payloadArgs = reply ? args.slice(0, -1) : args;
    const local = this.#hooks.local(event, payloadArgs[0]);
    if (local) {
      void local.then((answer) => reply?.(answer));
      return;
    }
    if (!this.#hooks.online() || !this.#upstream.connected) {
      void this.#hooks.offline(event, payloadArgs[0]).then((answer) => reply?.(answer));
      return;
    }
    if (!reply) {
      this.#upstream.emit(event, ...payloadArgs);
      return;
    }
    let answered = false;
    const once: Ack = (answer) => {
      if (answered) return;
      answered = true;
      this.#pending.delete(once);
      reply(answer);
    };
    this.#pending.add(once);
    this.#upstream
      .timeout(RELAY_TIMEOUT_MS)
      .emit(event, ...payloadArgs, (error: Error | null, answer: unknown) => {
        if (error) {
          this.#logger.warn({ event, err: error.message }, 'relayed command not answered');
          return once(lostAnswer());
        }
        this.#hooks.answered(event, payloadArgs[0], answer);
        once(answer);
      });
  }
}
