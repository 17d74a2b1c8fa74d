import { join } from 'node:path';
import {
  chileMoment,
  discountLabel,
  fail,
  type LeaseDocType,
  type OfflineSale,
  ok,
  type Result,
  SaleCommit,
  type SaleResult,
  SyncAnswer,
  type SyncOutcome,
} from '@erp/shared';
import {
  assertBuyerIdentified,
  chileTimestamp,
  computeAmounts,
  DteError,
  discountOf,
  discountPlace,
  finalDocType,
  type PricingProduct,
  priceLines,
  promoteLines,
  promotionDiscounts,
  receiptDocument,
  saleDocument,
  saleReductions,
  saleSummary,
  settlePayments,
  stampDocumentTed,
  ticketDiscountOf,
  ticketDiscountText,
  tillLineAmount,
  withinDiscountLimit,
} from '@erp/sii-core';
import type { z } from 'zod';
import type { Logger } from '../logger.ts';
import type { PrintSpool } from '../spool.ts';
import type { CatalogReplica } from './catalog-replica.ts';
import type { SessionUser } from './known-sessions.ts';
import { type AskServer, LeaseHolder } from './lease-holder.ts';
import { OFFLINE_PREFIX, type OfflineContext, offlineError } from './offline-commands.ts';
import { type JournaledSale, OfflineJournal, type SyncStatus } from './offline-journal.ts';

/** Sales per `node:sync` batch (the contract's maximum). */
export const SYNC_BATCH = 100;
/** A batch of 100 takes the server under a second, a few under load: wait this long, then send it again. */
const SYNC_TIMEOUT_MS = 45_000;

type Ask = (event: string, payload: unknown, timeoutMs: number) => Promise<unknown>;

export interface OfflineSellingOptions {
  dataDir: string;
  storeId: string;
  spool: PrintSpool;
  logger: Logger;
}

/** The till operations journaled between the sales (offline-till.ts), sent in journal order with them. */
export interface TillSync {
  /** Sends every till operation journaled before line `before`. */
  syncBefore(ask: Ask, before: number): Promise<void>;
  /** The journal line of the next till operation to send (none: infinity). */
  nextPending(): number;
}

/**
 * Offline selling on the store node (docs/store-node.md#offline-sales): takes `sale:commit` while
 * the central server cannot be reached, pricing with the catalog replica and the same sale rules
 * the server runs (`@erp/sii-core`), a folio of the hub's lease and the TED stamped with the
 * lease's CAF key; journals the sale (fsync) before acknowledging, prints the receipt through the
 * spool (its journal prints a job id once), and synchronises the journal when the server is back.
 */
export class OfflineSelling {
  readonly leases: LeaseHolder;
  readonly journal: OfflineJournal;
  readonly #options: OfflineSellingOptions;
  readonly #logger: Logger;
  /** Commits under way by sale id: a repeat while the first is being written waits for it. */
  readonly #inFlight = new Map<string, Promise<Result<unknown>>>();
  #syncing: Promise<void> | null = null;
  #listeners = new Set<() => void>();

  constructor(options: OfflineSellingOptions) {
    this.#options = options;
    this.#logger = options.logger.child({ part: 'offline-selling' });
    this.leases = new LeaseHolder(options.dataDir, options.logger);
    this.journal = new OfflineJournal(join(options.dataDir, 'offline-sales.jsonl'));
  }

  /**
   * Reads the key, the leases and the journal; moves the lease cursors past every journaled
   * folio; and hands the spool any journaled receipt it never received (a crash between the
   * journal write and the print).
   */
  async load(): Promise<void> {
    await Promise.all([this.leases.load(), this.journal.load()]);
    for (const sale of this.journal.all()) this.leases.used(sale.offline.leaseId, sale.offline.folio);
    for (const sale of this.journal.all()) this.#print(sale);
  }

  get pending(): number {
    return this.journal.pending;
  }

  /** Called whenever the pending count may have moved. */
  onPendingChange(listener: () => void): void {
    this.#listeners.add(listener);
  }

  /** The `sale:commit` handler for the store node's offline seam. */
  readonly commit = (payload: unknown, ctx: OfflineContext): Promise<Result<unknown>> => {
    const saleId = (payload as { saleId?: unknown } | null)?.saleId;
    if (typeof saleId === 'string') {
      const running = this.#inFlight.get(saleId);
      if (running) return running;
    }
    const answer = this.#commit(payload, ctx);
    if (typeof saleId === 'string') {
      this.#inFlight.set(saleId, answer);
      void answer.finally(() => this.#inFlight.delete(saleId));
    }
    return answer;
  };

  async #commit(payload: unknown, ctx: OfflineContext): Promise<Result<unknown>> {
    const parsed = SaleCommit.safeParse(payload);
    if (!parsed.success) return fail('VALIDATION', undefined, parsed.error.issues);
    const input = parsed.data;
    const known = this.journal.get(input.saleId);
    if (known) return ok(known.result);

    const refused = offlineRefusal(input, ctx);
    if (refused) return refused;
    if (!this.leases.store || !this.leases.identity)
      return offlineError(
        'esta tienda aún no recibe folios para vender sin conexión. Espere a que vuelva la conexión.',
      );
    const user = ctx.user()!;
    const store = this.leases.store!;
    const identity = this.leases.identity!;
    let built: ReturnType<typeof buildSale>;
    try {
      built = buildSale(input, ctx.replica, store, user, ctx.storeId);
    } catch (error) {
      if (error instanceof DteError) {
        return fail(
          error.code,
          error.code === 'DISCOUNT_NOT_ALLOWED' ? `${OFFLINE_PREFIX}: ${error.message}` : error.message,
          error.details,
        );
      }
      throw error;
    }
    const { document, amounts, lines, summary, payments, issuedAt, stampedAt } = built;
    const type = document.type as LeaseDocType;
    const taken = this.leases.take(type);
    if (!taken) {
      return offlineError(
        `no quedan folios de ${type === 41 ? 'boleta exenta' : 'boleta'} en esta tienda. Espere a que vuelva la conexión.`,
      );
    }
    const ted = stampDocumentTed(document, taken.folio, amounts, taken.caf, stampedAt);
    const totals = {
      net: amounts.totals.net ?? 0,
      iva: amounts.totals.iva ?? 0,
      exempt: amounts.totals.exempt ?? 0,
      total: amounts.totals.total,
    };
    const result: z.input<typeof SaleResult> = {
      saleId: input.saleId,
      docType: type,
      folio: taken.folio,
      issuedAt: issuedAt.toISOString(),
      ...totals,
      ted,
      toPay: payments.toPay,
      cashRounding: payments.cashRounding,
      paidCash: payments.paidCash,
      paidCard: payments.paidCard,
      paidFiado: payments.paidFiado,
      change: payments.change,
      discounts: [
        ...lines.flatMap((l) =>
          l.given
            ? [{ lineNo: l.lineNo, label: discountLabel(discountOf(l.given)), amount: l.discount }]
            : [],
        ),
        ...(input.discount
          ? [
              {
                lineNo: null,
                label: discountLabel(discountOf(input.discount)),
                amount: summary.ticketDiscount,
              },
            ]
          : []),
        ...promotionDiscounts(lines),
      ],
    };
    const offline: OfflineSale = {
      sale: payload as OfflineSale['sale'],
      cashierId: user.userId,
      leaseId: taken.lease.leaseId,
      docType: type,
      folio: taken.folio,
      issuedAt: issuedAt.toISOString(),
      prices: uniquePrices(lines),
      ted,
      totals,
    };
    const receipt = receiptDocument({
      type,
      folio: taken.folio,
      issuedAt,
      issuer: store.issuer,
      receiver: null,
      lines,
      amounts,
      ...(input.discount
        ? {
            discounts: [
              { label: ticketDiscountText(discountOf(input.discount)), amount: summary.ticketDiscount },
            ],
          }
        : {}),
      ted,
      cashRounding: payments.cashRounding,
      paidCash: payments.paidCash,
      paidCard: payments.paidCard,
      paidFiado: payments.paidFiado,
      change: payments.change,
    });
    try {
      await this.journal.appendSale({ offline, result, receipt });
    } catch (error) {
      this.leases.giveBack(taken);
      this.#logger.error({ err: error, saleId: input.saleId }, 'offline sale not journaled');
      return offlineError('la venta no se pudo guardar en el hub. Intente de nuevo.');
    }
    // The journal is the record; one line per sale only when debugging.
    this.#logger.debug(
      {
        saleId: input.saleId,
        docType: type,
        folio: taken.folio,
        total: totals.total,
        identity: identity.deviceId,
      },
      'offline sale taken',
    );
    this.#print(this.journal.get(input.saleId)!);
    this.#changed();
    return ok(result);
  }

  /** The receipt, once: the spool's journal answers a job id it knows without printing it again. */
  #print(sale: JournaledSale): void {
    const saleId = sale.offline.sale.saleId;
    if (this.#options.spool.knows(saleId)) return;
    this.#options.spool
      .submit({ jobId: saleId, document: sale.receipt })
      .catch((error: Error) =>
        this.#logger.error({ err: error.message, saleId }, 'offline receipt not printed'),
      );
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }

  /**
   * Online again (or after a sale synced): sends the journal's unsynced sales in order, in batches
   * of 100, re-sending a batch whose answer did not come (nothing doubles at the server), marks each
   * outcome, and asks for leases with the new cursors. One run at a time.
   */
  sync(ask: Ask, tills?: TillSync): Promise<void> {
    this.#syncing ??= this.#sync(ask, tills).finally(() => {
      this.#syncing = null;
    });
    return this.#syncing;
  }

  async #sync(ask: Ask, tills?: TillSync): Promise<void> {
    // A sale refused by a passing failure (INTERNAL, RATE_LIMITED) is sent again in a later run.
    const tried = new Set<string>();
    // Journal order across sales and till operations (docs/store-node.md#tills-offline): the till
    // operations before the next sale go first, then the sales up to the next till operation.
    for (;;) {
      const next = this.journal.unsynced().find((s) => !tried.has(s.offline.sale.saleId));
      await tills?.syncBefore(ask, next?.seq ?? Number.POSITIVE_INFINITY);
      if (!next) break;
      await this.#sendSales(ask, tried, tills?.nextPending() ?? Number.POSITIVE_INFINITY);
    }
    await this.leases.refresh((event, payload) => ask(event, payload, 15_000));
  }

  /** Sends the sales journaled before `barrier`, in batches, each sent before the last one's answer is read. */
  async #sendSales(ask: Ask, tried: Set<string>, barrier: number): Promise<void> {
    const send = () => {
      const batch = this.journal
        .unsynced()
        .filter((s) => !tried.has(s.offline.sale.saleId) && s.seq < barrier)
        .slice(0, SYNC_BATCH);
      if (batch.length === 0) return null;
      for (const s of batch) tried.add(s.offline.sale.saleId);
      const answer = ask('node:sync', { sales: batch.map((s) => s.offline) }, SYNC_TIMEOUT_MS);
      answer.catch(() => undefined); // read in its turn, or dropped with a run that failed before
      return { batch, answer };
    };
    // The next batch goes out before this one's answer is read, so the server never waits for
    // the hub between batches; it runs them in the order they came (docs/store-node.md).
    for (let sent = send(); sent; ) {
      const following = send();
      const { batch } = sent;
      const answer = (await sent.answer) as {
        ok?: boolean;
        data?: unknown;
        error?: { code: string; message: string };
      };
      if (!answer?.ok) throw new Error(`sync refused: ${answer?.error?.code ?? 'no answer'}`);
      const { outcomes } = SyncAnswer.parse(answer.data);
      await this.journal.appendOutcomes(outcomes.map(outcomeEntry));
      const refused = outcomes.filter((o) => o.status === 'refused');
      if (refused.length > 0)
        this.#logger.error({ refused }, 'offline sales refused at sync: listed in the back office');
      const superseded = outcomes.filter((o) => o.status === 'superseded');
      if (superseded.length > 0) {
        this.#logger.warn(
          {
            superseded: superseded.map((o) => ({
              saleId: o.saleId,
              folio: this.journal.get(o.saleId)?.offline.folio,
            })),
          },
          'offline folios left unused (sale committed online first): annul them at the SII',
        );
      }
      this.#logger.info({ sent: batch.length, pending: this.pending }, 'offline sales synchronised');
      this.#changed();
      sent = following;
    }
  }

  /** Asks for leases (on connecting). */
  refreshLeases(ask: AskServer): Promise<void> {
    return this.leases.refresh(ask);
  }

  close(): Promise<void> {
    return this.journal.close();
  }
}

function outcomeEntry(o: SyncOutcome): {
  saleId: string;
  status: SyncStatus;
  error?: { code: string; message: string };
} {
  return o.status === 'refused'
    ? { saleId: o.saleId, status: o.status, error: o.error }
    : { saleId: o.saleId, status: o.status };
}

/** What the hub cannot do offline, refused before anything is taken. */
function offlineRefusal(input: z.output<typeof SaleCommit>, ctx: OfflineContext): Result<never> | null {
  if (input.payments.some((p) => p.method === 'fiado'))
    return offlineError('el fiado necesita la central. Cobre en efectivo o tarjeta.');
  if (input.docType === 33) return offlineError('la factura necesita la central. Emita una boleta.');
  if (input.customerId || input.customer)
    return offlineError(
      'la boleta con datos del comprador necesita la central. Emita una boleta sin comprador.',
    );
  if (ctx.terminal.storeId !== null && ctx.terminal.storeId !== ctx.storeId)
    return offlineError('esta caja es de otra tienda.');
  if (!ctx.user())
    return offlineError('no se sabe quién atiende esta caja. Inicie sesión cuando vuelva la conexión.');
  return null;
}

type StoreContext = NonNullable<LeaseHolder['store']>;

/** The replica's price of each product sold (once per product). */
function uniquePrices(lines: readonly { productId: string; listPrice: number }[]): OfflineSale['prices'] {
  const prices = new Map<string, number>();
  for (const line of lines) prices.set(line.productId, line.listPrice);
  return [...prices].map(([productId, unitPrice]) => ({ productId, unitPrice }));
}

/** Prices, totals and documents the sale with the replica and the sale rules the server runs. */
function buildSale(
  input: z.output<typeof SaleCommit>,
  replica: CatalogReplica,
  store: StoreContext,
  user: SessionUser,
  storeId: string,
) {
  const products: PricingProduct[] = [];
  for (const line of input.lines) {
    const p = replica.product(line.productId);
    if (p) products.push({ ...p, price: p.storePrice ?? p.price });
  }
  const issuedAt = new Date();
  const moment = chileMoment(issuedAt);
  const lines = promoteLines(priceLines(products, input.lines), products, input.lines, store.promotions, {
    storeId,
    moment,
  });
  const type = finalDocType(39, lines) as 39 | 41;
  const ticket = ticketDiscountOf(input.discount);
  const subtotal = lines.reduce((sum, l) => sum + tillLineAmount(l), 0);
  if (ticket?.kind === 'amount' && ticket.amount > subtotal)
    throw new DteError('VALIDATION', 'El descuento supera el total del ticket.');
  const summary = saleSummary(type, lines, ticket);
  const limit =
    store.settings.discountLimitPercent[
      user.role as keyof StoreContext['settings']['discountLimitPercent']
    ] ?? 0;
  for (const r of saleReductions(lines, { given: input.discount, summary, subtotal })) {
    if (!withinDiscountLimit(r, limit)) {
      throw new DteError(
        'DISCOUNT_NOT_ALLOWED',
        `el descuento ${discountPlace(r.line)} supera el límite de su rol y un supervisor no puede autorizarlo sin conexión.`,
      );
    }
  }
  const stampedAt = chileTimestamp(issuedAt);
  const document = saleDocument({
    type,
    issueDate: stampedAt.slice(0, 10),
    issuer: store.issuer,
    receiver: null,
    lines,
    paidCash: input.payments.some((p) => p.method === 'cash') ? 1 : 0,
    adjustments: summary.adjustments,
  });
  const amounts = computeAmounts(document);
  assertBuyerIdentified(document, amounts.totals.total, store.settings.uf);
  const payments = settlePayments(amounts.totals.total, input.payments);
  return { document, amounts, lines, summary, payments, issuedAt, stampedAt };
}
