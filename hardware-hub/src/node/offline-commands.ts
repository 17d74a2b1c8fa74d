import { randomUUID } from 'node:crypto';
import { type CommandName, DrawerOpen, fail, ok, type Result } from '@erp/shared';
import type { LocalDevices } from '../local-devices.ts';
import type { Logger } from '../logger.ts';
import type { PrintSpool } from '../spool.ts';
import type { CatalogReplica } from './catalog-replica.ts';
import type { SessionUser } from './known-sessions.ts';
import type { OfflineLog } from './offline-log.ts';

/** What an offline answer may use: the terminal that asked and the store node's own parts. */
export interface OfflineContext {
  terminal: { storeId: string | null; screen: string | null };
  /** Who is logged in at the terminal, as the server said while online (null: never heard). */
  user: () => SessionUser | null;
  storeId: string;
  replica: CatalogReplica;
  devices: LocalDevices;
  spool: PrintSpool;
  logger: Logger;
  /** Append-only log (fsync'ed) of what the hub did offline that the server must hear of later. */
  offlineLog: OfflineLog;
}

export type OfflineHandler = (
  payload: unknown,
  ctx: OfflineContext,
) => Result<unknown> | Promise<Result<unknown>>;

/** Every offline answer starts with this, so the cashier knows why. */
export const OFFLINE_PREFIX = 'Sin conexión con la central';

export const offlineError = (what: string) => fail('OFFLINE', `${OFFLINE_PREFIX}: ${what}`);

/**
 * THE SEAM for offline selling: the commands a store needs to keep selling without the central
 * server. Each answers OFFLINE at once unless the store node plugs in its implementation (the
 * sale with a leased folio: offline-selling.ts; the till's open, close, cash in/out and X report:
 * offline-till.ts) through `offlineCommands(overrides)`.
 */
export const OFFLINE_SELLING_COMMANDS = [
  'sale:commit',
  'cash:open',
  'cash:current',
  'cash:move',
  'cash:close',
  'cash:report',
] as const satisfies readonly CommandName[];

const NOT_YET: Record<(typeof OFFLINE_SELLING_COMMANDS)[number], string> = {
  'sale:commit': 'la venta no se pudo registrar. Espere a que vuelva la conexión.',
  'cash:open': 'no se puede abrir la caja hasta que vuelva la conexión.',
  'cash:current': 'no se puede consultar la caja hasta que vuelva la conexión.',
  'cash:move': 'no se puede registrar el ingreso o retiro de efectivo hasta que vuelva la conexión.',
  'cash:close': 'no se puede cerrar la caja hasta que vuelva la conexión.',
  'cash:report': 'el informe X no está disponible hasta que vuelva la conexión.',
};

/** Why a command the hub cannot answer offline needs the central server, when a cashier meets it. */
const NEEDS_CENTRAL: Partial<Record<CommandName, string>> = {
  'sale:find':
    'las devoluciones con nota de crédito necesitan la central. Intente cuando vuelva la conexión.',
  'sale:return':
    'las devoluciones con nota de crédito necesitan la central. Intente cuando vuelva la conexión.',
  'customer:find': 'los datos de clientes están en la central. Emita una boleta sin comprador.',
  'customer:create': 'los datos de clientes están en la central. Emita una boleta sin comprador.',
};

/** A drawer kick's deadline, as the server gives one: a late kick never opens the drawer. */
const DRAWER_TTL_MS = 5000;

/** What the hub answers by itself while offline, besides the scale (always local). */
const OFFLINE_COMMANDS: Partial<Record<CommandName, OfflineHandler>> = {
  ...Object.fromEntries(
    OFFLINE_SELLING_COMMANDS.map((name): [CommandName, OfflineHandler] => [
      name,
      () => offlineError(NOT_YET[name]),
    ]),
  ),
  'catalog:snapshot': (_payload, { replica }) => {
    const feed = replica.feed(null);
    return feed ? ok(feed) : offlineError('el catálogo aún no está disponible en esta tienda.');
  },
  'catalog:changes': (payload, { replica }) => {
    const since = (payload as { since?: unknown })?.since;
    if (typeof since !== 'number' || !Number.isInteger(since) || since < 0) return fail('VALIDATION');
    const feed = replica.feed(since);
    return feed ? ok(feed) : offlineError('el catálogo aún no está disponible en esta tienda.');
  },
  'label:rules': (_payload, { replica }) =>
    replica.labelRules
      ? ok(replica.labelRules)
      : offlineError('las reglas de etiquetas no están disponibles.'),
  'product:lookup': (payload, { replica }) => {
    const code = (payload as { code?: unknown })?.code;
    if (typeof code !== 'string' || !code.trim()) return fail('VALIDATION');
    const product = replica.lookup(code.trim());
    return product ? ok(product) : fail('NOT_FOUND', 'No se encontró un producto con ese código.');
  },
  'print:overview': (_payload, { spool }) => ok({ hubOnline: true, printers: spool.statuses(), jobs: [] }),
  'drawer:open': async (payload, ctx) => {
    const open = DrawerOpen.safeParse(payload);
    if (!open.success) return fail('VALIDATION');
    // Every opening is audited with who did it: none without a known person at the till.
    const user = ctx.user();
    if (!user)
      return offlineError('no se sabe quién atiende esta caja. Inicie sesión cuando vuelva la conexión.');
    const commandId = randomUUID();
    const expiresAt = new Date(Date.now() + DRAWER_TTL_MS).toISOString();
    const done = await ctx.devices.drawerKick({ commandId, expiresAt, reason: open.data.reason });
    // Sent to the server (`node:audit`) when it is back, so the supervisor sees it as any other.
    if (done.ok)
      await ctx.offlineLog.append({
        kind: 'drawer_open',
        ...open.data,
        commandId,
        userId: user.userId,
        at: done.data.executedAt,
      });
    return done;
  },
};

/** The offline answers, with the seam's entries replaced by the given implementations. */
export function offlineCommands(
  overrides: Partial<Record<CommandName, OfflineHandler>> = {},
): Partial<Record<CommandName, OfflineHandler>> {
  return { ...OFFLINE_COMMANDS, ...overrides };
}

/** Answers a command while the central server is unreachable: the hub's own answer, or OFFLINE at once. */
export async function answerOffline(
  handlers: Partial<Record<CommandName, OfflineHandler>>,
  event: string,
  payload: unknown,
  ctx: OfflineContext,
): Promise<Result<unknown>> {
  const handler = Object.hasOwn(handlers, event) ? handlers[event as CommandName] : undefined;
  if (!handler) {
    const why = Object.hasOwn(NEEDS_CENTRAL, event) ? NEEDS_CENTRAL[event as CommandName] : undefined;
    return offlineError(why ?? 'esta operación necesita la central. Intente cuando vuelva la conexión.');
  }
  try {
    return await handler(payload, ctx);
  } catch (error) {
    ctx.logger.error({ err: error, event }, 'offline command failed');
    return fail('INTERNAL');
  }
}
