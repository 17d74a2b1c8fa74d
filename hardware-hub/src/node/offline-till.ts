import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  blindCloseReport,
  type CashCloseReport,
  type CashSessionView,
  cashCommands,
  closeOutcome,
  countedCash,
  fail,
  NodeTills,
  type OfflineTillOp,
  ok,
  openingTotals,
  type Result,
  type Role,
  randomUuid,
  SUPERVISOR_ROLES,
  TillSyncAnswer,
  tillView,
  withMove,
  withSale,
} from '@erp/shared';
import type { z } from 'zod';
import type { Logger } from '../logger.ts';
import type { PrintSpool } from '../spool.ts';
import { writeDurably } from './durable-file.ts';
import type { SessionUser } from './known-sessions.ts';
import { type OfflineContext, offlineError } from './offline-commands.ts';
import type { JournaledTillOp, OfflineJournal, TillSyncStatus } from './offline-journal.ts';

type SessionView = z.infer<typeof CashSessionView>;
type CloseReport = z.infer<typeof CashCloseReport>;
type Ask = (event: string, payload: unknown, timeoutMs: number) => Promise<unknown>;

/** Who may work a till (the server's cash commands' roles). */
const CASH_ROLES: readonly string[] = ['owner', 'admin', 'supervisor', 'cashier'];
/** Till operations per `node:sync-till` batch (the contract's maximum). */
const SYNC_BATCH = 100;
/** Refusals that may pass by themselves: the run stops and the operation is sent again later. */
const RETRYABLE = new Set(['INTERNAL', 'RATE_LIMITED']);
/** A relayed answer that may have moved a till is followed by a fresh read after this long. */
const REFRESH_DELAY_MS = 500;
/** Commands whose answer at the central server may move a till's figures. */
const MOVES_A_TILL = /^(cash:|sale:commit$|sale:return$|customer:payment$)/;

/** What the hub keeps on disk: the store's tills as the server last told them, and as of which journal line. */
interface KnownTills {
  tills: NodeTills;
  /** The journal's line count when they were read: what was synchronised up to there is in them. */
  asOf: number;
}

/** A session as the hub sees it now: the server's figures plus what was done offline since. */
interface LiveSession {
  view: SessionView;
}

export interface OfflineTillOptions {
  dataDir: string;
  journal: OfflineJournal;
  spool: PrintSpool;
  logger: Logger;
}

/**
 * The store's tills on the store node (docs/store-node.md#tills-offline). While online it keeps
 * every till's session not yet closed, with every figure, as the server reads it (`node:tills`,
 * after each relayed answer that may move a till; on disk so a hub restarted offline knows them).
 * While offline it answers `cash:current`, `cash:report` (X), `cash:move`, `cash:close` and
 * `cash:open` itself: each session's figures are the server's plus what the journal holds since
 * (offline sales and till operations), tallied with the code the server tallies with
 * (`@erp/shared`'s cash arithmetic); each operation is journaled (fsync) before the POS hears
 * back, and sent to the server in journal order with the sales when it is back.
 */
export class OfflineTill {
  readonly #options: OfflineTillOptions;
  readonly #logger: Logger;
  readonly #path: string;
  #known: KnownTills | null = null;
  /** Offline till commands one at a time: each checks the figures the one before left. */
  #queue: Promise<unknown> = Promise.resolve();
  #refreshTimer: NodeJS.Timeout | null = null;

  constructor(options: OfflineTillOptions) {
    this.#options = options;
    this.#logger = options.logger.child({ part: 'offline-till' });
    this.#path = join(options.dataDir, 'tills.json');
  }

  async load(): Promise<void> {
    const text = await readFile(this.#path, 'utf8').catch(() => null);
    if (!text) return;
    try {
      const stored = JSON.parse(text) as KnownTills;
      this.#known = { tills: NodeTills.parse(stored.tills), asOf: Number(stored.asOf) };
    } catch {
      this.#logger.warn('known tills unreadable; ignored');
    }
  }

  /**
   * Reads the store's tills from the server. An answer read while the journal moved (a sync
   * wrote an outcome) is set aside and read again: what it holds and what the journal adds to it
   * must not overlap.
   */
  async refresh(ask: Ask): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const asOf = this.#options.journal.lines;
      const answer = (await ask('node:tills', {}, 15_000)) as { ok?: boolean; data?: unknown };
      if (!answer?.ok) throw new Error(`tills not read: ${JSON.stringify(answer)}`);
      if (this.#options.journal.lines !== asOf) continue;
      this.#known = { tills: NodeTills.parse(answer.data), asOf };
      await writeDurably(this.#path, JSON.stringify(this.#known));
      return;
    }
  }

  /** A command relayed to the server was answered: the tills are read again shortly after. */
  relayed(event: string, ask: Ask): void {
    if (!MOVES_A_TILL.test(event) || this.#refreshTimer) return;
    this.#refreshTimer = setTimeout(() => {
      this.#refreshTimer = null;
      this.refresh(ask).catch((error: Error) =>
        this.#logger.warn({ err: error.message }, 'tills not refreshed'),
      );
    }, REFRESH_DELAY_MS);
  }

  stop(): void {
    if (this.#refreshTimer) clearTimeout(this.#refreshTimer);
  }

  /**
   * Every session as it stands: the server's last figures, then, in journal order, each offline
   * sale and till operation not yet in them (not synchronised when they were read).
   */
  #sessions(): Map<string, LiveSession> {
    const sessions = new Map<string, LiveSession>();
    const known = this.#known;
    if (!known) return sessions;
    for (const t of known.tills.terminals) if (t.session) sessions.set(t.session.id, { view: t.session });
    const pendingAt = (item: { syncedAt?: number }) =>
      item.syncedAt === undefined || item.syncedAt > known.asOf;
    const journal = this.#options.journal;
    const items: { seq: number; apply: () => void }[] = [];
    for (const sale of journal.all()) {
      if (!pendingAt(sale)) continue;
      items.push({
        seq: sale.seq,
        apply: () => {
          const live = sessions.get(sale.offline.sale.cashSessionId);
          if (live?.view.status !== 'open') return;
          const { paidCash, paidCard, paidFiado } = sale.result;
          live.view = {
            ...live.view,
            totals: withSale(live.view.totals, { cash: paidCash, card: paidCard, fiado: paidFiado ?? 0 }),
          };
        },
      });
    }
    for (const till of journal.tillOps()) {
      if (!pendingAt(till)) continue;
      items.push({ seq: till.seq, apply: () => applyOp(sessions, till) });
    }
    items.sort((a, b) => a.seq - b.seq);
    for (const item of items) item.apply();
    return sessions;
  }

  #current(terminalId: string): LiveSession | null {
    for (const live of this.#sessions().values())
      if (live.view.terminalId === terminalId && live.view.status !== 'closed') return live;
    return null;
  }

  /** Runs offline till commands one after the other. */
  #serial = (run: () => Promise<Result<unknown>>): Promise<Result<unknown>> => {
    const next = this.#queue.then(run, run);
    this.#queue = next.catch(() => undefined);
    return next;
  };

  /** The offline answers for the store node's seam. */
  readonly handlers = {
    'cash:current': (payload: unknown, ctx: OfflineContext) => {
      const input = cashCommands['cash:current'].payload.safeParse(payload);
      if (!input.success) return fail('VALIDATION', undefined, input.error.issues);
      const refused = this.#refusal(ctx, input.data.terminalId);
      if (refused) return refused;
      const live = this.#current(input.data.terminalId);
      return ok(live ? tillView(live.view, ctx.user()!.role) : null);
    },

    'cash:report': (payload: unknown, ctx: OfflineContext) => {
      const input = cashCommands['cash:report'].payload.safeParse(payload);
      if (!input.success) return fail('VALIDATION', undefined, input.error.issues);
      const refused = this.#refusal(ctx, null);
      if (refused) return refused;
      const live = this.#sessions().get(input.data.sessionId);
      if (!live) return fail('NOT_FOUND', 'No se encontró la sesión de caja.');
      const user = ctx.user()!;
      return mayOperate(user, live.view) ?? ok(tillView(live.view, user.role));
    },

    'cash:move': (payload: unknown, ctx: OfflineContext) =>
      this.#serial(async () => {
        const input = cashCommands['cash:move'].payload.safeParse(payload);
        if (!input.success) return fail('VALIDATION', undefined, input.error.issues);
        const refused = this.#refusal(ctx, null);
        if (refused) return refused;
        const user = ctx.user()!;
        const live = this.#sessions().get(input.data.sessionId);
        if (!live) return fail('NOT_FOUND', 'No se encontró la sesión de caja.');
        const forbidden = mayOperate(user, live.view);
        if (forbidden) return forbidden;
        if (live.view.status !== 'open') return fail('CASH_SESSION_REQUIRED', 'La caja no está abierta.');
        if (input.data.kind === 'out' && input.data.amount > live.view.totals.expectedCash)
          return fail('VALIDATION', 'No hay suficiente efectivo en la caja para ese retiro.');
        const op: OfflineTillOp = {
          kind: 'move',
          opId: randomUuid(),
          sessionId: input.data.sessionId,
          userId: user.userId,
          at: new Date().toISOString(),
          moveKind: input.data.kind,
          amount: input.data.amount,
          reason: input.data.reason,
        };
        const view = { ...live.view, totals: withMove(live.view.totals, input.data) };
        return this.#journal(op, tillView(view, user.role));
      }),

    'cash:close': (payload: unknown, ctx: OfflineContext) =>
      this.#serial(async () => {
        const input = cashCommands['cash:close'].payload.safeParse(payload);
        if (!input.success) return fail('VALIDATION', undefined, input.error.issues);
        const refused = this.#refusal(ctx, null);
        if (refused) return refused;
        const user = ctx.user()!;
        const live = this.#sessions().get(input.data.sessionId);
        if (!live) return fail('NOT_FOUND', 'No se encontró la sesión de caja.');
        const forbidden = mayOperate(user, live.view);
        if (forbidden) return forbidden;
        if (live.view.status !== 'open')
          return fail('CONFLICT', 'La caja ya fue cerrada o espera aprobación.');
        const at = new Date().toISOString();
        const cash = countedCash(input.data.denominations);
        const tolerance = this.#known!.tills.tolerance;
        const outcome = closeOutcome(live.view, { cash, card: input.data.countedCard, tolerance }, user);
        const report: CloseReport = {
          session: { ...live.view, status: outcome.closesNow ? 'closed' : 'pending_approval' },
          // The Z number is the central server's to give, when it hears of the close.
          zNumber: null,
          countedCash: cash,
          countedCard: input.data.countedCard,
          cashDifference: outcome.cashDifference,
          cardDifference: outcome.cardDifference,
          tolerance,
          approvedBy: outcome.approves ? user.userId : null,
          closedAt: outcome.closesNow ? at : null,
        };
        const op: OfflineTillOp = {
          kind: 'close',
          opId: randomUuid(),
          sessionId: input.data.sessionId,
          userId: user.userId,
          at,
          denominations: input.data.denominations,
          countedCard: input.data.countedCard,
        };
        const sees = SUPERVISOR_ROLES.includes(user.role as Role);
        const answer = await this.#journal(op, report);
        if (!answer.ok) return answer;
        this.#printClose(op.opId, report, user, sees, at);
        return ok(sees ? report : blindCloseReport(report));
      }),

    'cash:open': (payload: unknown, ctx: OfflineContext) =>
      this.#serial(async () => {
        const input = cashCommands['cash:open'].payload.safeParse(payload);
        if (!input.success) return fail('VALIDATION', undefined, input.error.issues);
        const refused = this.#refusal(ctx, input.data.terminalId);
        if (refused) return refused;
        const user = ctx.user()!;
        if (!CASH_ROLES.includes(user.role)) return fail('FORBIDDEN');
        if (this.#current(input.data.terminalId))
          return fail('CONFLICT', 'Ya hay una caja abierta en este terminal.');
        const sessionId = randomUuid();
        const at = new Date().toISOString();
        const op: OfflineTillOp = {
          kind: 'open',
          opId: sessionId,
          sessionId,
          userId: user.userId,
          at,
          terminalId: input.data.terminalId,
          openingFloat: input.data.openingFloat,
        };
        return this.#journal(op, tillView(openedView(op, ctx.storeId), user.role));
      }),
  };

  /** What keeps the hub from answering a till offline; the terminal, when given, must be the store's. */
  #refusal(ctx: OfflineContext, terminalId: string | null): Result<never> | null {
    if (!this.#known)
      return offlineError(
        'las cajas de esta tienda aún no se conocen en el hub. Espere a que vuelva la conexión.',
      );
    if (ctx.terminal.storeId !== null && ctx.terminal.storeId !== ctx.storeId)
      return offlineError('esta caja es de otra tienda.');
    if (!ctx.user())
      return offlineError('no se sabe quién atiende esta caja. Inicie sesión cuando vuelva la conexión.');
    if (terminalId && !this.#known.tills.terminals.some((t) => t.id === terminalId))
      return fail('STORE_SCOPE');
    return null;
  }

  /** Journals the operation (fsync) before answering; the answer is what the POS is told. */
  async #journal(op: OfflineTillOp, answer: unknown): Promise<Result<unknown>> {
    try {
      await this.#options.journal.appendTillOp(op, answer);
    } catch (error) {
      this.#logger.error({ err: error, opId: op.opId }, 'offline till operation not journaled');
      return offlineError('la operación de caja no se pudo guardar en el hub. Intente de nuevo.');
    }
    this.#logger.info({ kind: op.kind, sessionId: op.sessionId, opId: op.opId }, 'offline till operation');
    return ok(answer);
  }

  /**
   * The close's Z receipt through the spool, once (the close id is the job id). A cashier's
   * count is blind: their receipt prints what they counted, not what the drawer should hold.
   */
  #printClose(jobId: string, report: CloseReport, user: SessionUser, sees: boolean, at: string): void {
    const tills = this.#known!.tills;
    const { session } = report;
    const { totals } = session;
    const name = (userId: string) => tills.people.find((p) => p.userId === userId)?.name ?? '';
    const document = {
      kind: 'cash_close',
      report: 'Z',
      storeName: tills.storeName,
      terminal: tills.terminals.find((t) => t.id === session.terminalId)?.name ?? '',
      cashier: name(session.cashierId) || name(user.userId),
      openedAt: session.openedAt,
      closedAt: at,
      openingFloat: totals.openingFloat,
      salesCount: totals.ticketCount,
      salesByMethod: sees
        ? [
            { method: 'cash', amount: totals.cashSales },
            { method: 'card', amount: totals.cardSales },
          ]
        : [{ method: 'card', amount: totals.cardSales }],
      cashIn: totals.cashIn,
      cashOut: totals.cashOut,
      ...(sees ? { expectedCash: totals.expectedCash } : {}),
      countedCash: report.countedCash,
    };
    if (this.#options.spool.knows(jobId)) return;
    this.#options.spool
      .submit({ jobId, document })
      .catch((error: Error) =>
        this.#logger.error({ err: error.message, jobId }, 'close receipt not printed'),
      );
  }

  /**
   * Sends the till operations journaled before line `before`, in order, in batches of 100
   * (`node:sync-till`). A refusal that may pass (INTERNAL, RATE_LIMITED) stops the run: what comes
   * after it may depend on it. Other refusals are kept for a person.
   */
  async syncBefore(ask: Ask, before: number): Promise<void> {
    for (;;) {
      const batch = this.#options.journal
        .tillOps()
        .filter((t) => t.seq < before && waiting(t))
        .slice(0, SYNC_BATCH);
      if (batch.length === 0) return;
      const answer = (await ask('node:sync-till', { ops: batch.map((t) => t.op) }, 30_000)) as {
        ok?: boolean;
        data?: unknown;
        error?: { code: string };
      };
      if (!answer?.ok) throw new Error(`till sync refused: ${answer?.error?.code ?? 'no answer'}`);
      const { outcomes } = TillSyncAnswer.parse(answer.data);
      await this.#options.journal.appendTillOutcomes(
        outcomes.map((o) =>
          o.status === 'refused'
            ? { opId: o.opId, status: 'refused' as TillSyncStatus, error: o.error }
            : { opId: o.opId, status: o.status },
        ),
      );
      const refused = outcomes.filter((o) => o.status === 'refused');
      if (refused.length > 0)
        this.#logger.error({ refused }, 'offline till operations refused at sync: kept for a person');
      this.#logger.info({ sent: batch.length }, 'offline till operations synchronised');
      if (refused.some((o) => RETRYABLE.has(o.error.code)))
        throw new Error('till sync interrupted by a passing failure');
    }
  }

  /** The journal line of the first till operation still to send (none: infinity). */
  nextPending(): number {
    const next = this.#options.journal.tillOps().find(waiting);
    return next ? next.seq : Number.POSITIVE_INFINITY;
  }
}

/** Not yet at the server, and not refused for good. */
const waiting = (t: JournaledTillOp) =>
  t.syncedAt === undefined && (t.status !== 'refused' || RETRYABLE.has(t.error?.code ?? ''));

function openedView(op: Extract<OfflineTillOp, { kind: 'open' }>, storeId: string): SessionView {
  return {
    id: op.sessionId,
    storeId,
    terminalId: op.terminalId,
    cashierId: op.userId,
    status: 'open',
    openedAt: op.at,
    totals: openingTotals(op.openingFloat),
  };
}

/** A journaled till operation on the sessions (the close as the hub decided it then). */
function applyOp(sessions: Map<string, LiveSession>, till: JournaledTillOp): void {
  const { op } = till;
  if (op.kind === 'open') {
    const storeId = (till.answer as { storeId: string }).storeId;
    sessions.set(op.sessionId, { view: openedView(op, storeId) });
    return;
  }
  const live = sessions.get(op.sessionId);
  if (live?.view.status !== 'open') return;
  if (op.kind === 'move') {
    live.view = {
      ...live.view,
      totals: withMove(live.view.totals, { kind: op.moveKind, amount: op.amount }),
    };
  } else {
    live.view = { ...live.view, status: (till.answer as CloseReport).session.status };
  }
}

/** The cashier of a session, or a supervisor, may act on it (as at the server). */
function mayOperate(user: SessionUser, session: SessionView): Result<never> | null {
  if (session.cashierId !== user.userId && !SUPERVISOR_ROLES.includes(user.role as Role))
    return fail('FORBIDDEN', 'Solo el cajero de esta caja o un supervisor pueden operarla.');
  return null;
}
