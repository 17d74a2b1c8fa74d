import {
  type ClientCommands,
  type CommandName,
  clientCommands,
  fail,
  ok,
  type Result,
  type Role,
} from '@erp/shared';
import type { z } from 'zod';
import { AppError, toErrorPayload } from '../platform/app-error.ts';
import type { Logger } from '../platform/logger.ts';
import type { CommandBudget } from './command-limits.ts';
import { Serialized } from './serialized.ts';
import type { AppSocket, HubSocket } from './types.ts';

type Payload<K extends CommandName> = z.output<ClientCommands[K]['payload']>;
type ResultOf<K extends CommandName> = z.input<ClientCommands[K]['result']>;

export interface CommandOptions {
  /** Roles allowed to run the command; checked on the server for every call. */
  roles: readonly Role[];
  /** A store hub's command: only device sockets may run it (and people only commands without it). */
  devices?: boolean;
  /** Tokens the command takes from the socket's and the tenant's budgets (default 1). */
  cost?: number;
}

/**
 * Costs of the reads that scan a tenant's catalog or sales. A whole catalog or report (megabytes
 * to serialize, compress and send) costs what two hundred plain commands do: with the default
 * budget a socket gets five at once (a back office exporting a few reports in a row, a POS
 * reloading), then one every two seconds. A report page or the catalog's changes since a
 * version cost twenty.
 */
export const WHOLE_READ_COST = 200;
export const HEAVY_READ_COST = 20;

/** Names of every command registered on a connection, for the contract-wide validation test. */
export const registeredCommands = new Set<CommandName>();
/** The same for commands registered on store hub connections. */
export const registeredHubCommands = new Set<CommandName>();

const budgets = new WeakMap<AppSocket | HubSocket, CommandBudget>();

/** Gives a connection the budget its commands draw on; before any handler is registered on it. */
export function limitCommands(socket: AppSocket | HubSocket, budget: CommandBudget): void {
  budgets.set(socket, budget);
}

function allowed(socket: AppSocket | HubSocket, options: CommandOptions): boolean {
  if ('deviceId' in socket.data) return options.devices === true;
  return options.devices !== true && options.roles.includes(socket.data.role);
}

/**
 * Registers a command on a socket: validates the payload with the shared schema (malformed →
 * VALIDATION, never a crash), checks the role (or, for hub commands, that a hub sends it), draws
 * the command's cost from the connection's budget (spent → RATE_LIMITED), runs the handler, and
 * answers through the ack with `Result`. Unknown errors are logged as INTERNAL. Commands refused
 * before the budget do no work (nor do unknown event names, which no listener takes), so only
 * the ones that would run are counted. A handler may answer with its result already
 * `Serialized`, sent as is.
 */
export function onCommand<K extends CommandName>(
  socket: AppSocket | HubSocket,
  logger: Logger,
  name: K,
  options: CommandOptions,
  handler: (payload: Payload<K>) => Promise<ResultOf<K> | Serialized<ResultOf<K>>>,
): void {
  (options.devices ? registeredHubCommands : registeredCommands).add(name);
  const budget = budgets.get(socket);
  if (!budget) throw new Error(`onCommand(${name}): the connection has no command budget`);
  const schema = clientCommands[name].payload;
  // Socket.IO's typed `on` cannot follow a generic K; the contract types are enforced above.
  (socket.on as (event: string, listener: (...args: unknown[]) => void) => void)(
    name,
    async (...args: unknown[]) => {
      const ack = args.at(-1);
      const reply = (result: Result<unknown> | Serialized<unknown>) => {
        if (typeof ack === 'function') ack(result);
      };
      const raw = typeof ack === 'function' && args.length === 1 ? undefined : args[0];
      const parsed = schema.safeParse(raw);
      if (!parsed.success) {
        reply(
          fail(
            'VALIDATION',
            undefined,
            parsed.error.issues.map((i) => ({ path: i.path, message: i.message })),
          ),
        );
        return;
      }
      if (!allowed(socket, options)) {
        reply(fail('FORBIDDEN'));
        return;
      }
      let release: (() => void) | undefined;
      try {
        release = budget.admit(options.cost ?? 1);
        const result = await handler(parsed.data as Payload<K>);
        reply(result instanceof Serialized ? result : ok(result));
      } catch (error) {
        if (!(error instanceof AppError)) {
          logger.error({ err: error, command: name, tenantId: socket.data.tenantId }, 'command failed');
        }
        reply({ ok: false, error: toErrorPayload(error) });
      } finally {
        release?.();
      }
    },
  );
}
