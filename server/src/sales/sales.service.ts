import {
  chileMoment,
  type DteDocument,
  discountLabel,
  type Role,
  type SaleCommit,
  type SaleResult,
} from '@erp/shared';
import {
  assertBuyerIdentified,
  chileTimestamp,
  computeAmounts,
  type DocumentAmounts,
  saleSummary,
  tillLineAmount,
} from '@erp/sii-core';
import type { z } from 'zod';
import { type AuditInput, announceAudit, auditRows } from '../audit/index.ts';
import { drawerOwner, sessionTally } from '../cash/index.ts';
import { type LockedStock, planMovements } from '../inventory/index.ts';
import { AppError } from '../platform/app-error.ts';
import type { SecretBox } from '../platform/secrets.ts';
import type { SqlFragment } from '../platform/sql-fragment.ts';
import type { SqlExecutor } from '../platform/sql-session.ts';
import { storePromotionsFrom, storePromotionsJson } from '../promotions/index.ts';
import type { PendingEvents } from '../realtime/pending-events.ts';
import { type IssuedDocument, issueTaxDocument } from '../sii/index.ts';
import { customerFromInput, getCustomer } from './customer.queries.ts';
import { chargeFiado } from './fiado.ts';
import { claimKeyWith, requestHash } from './idempotency.ts';
import { settlePayments } from './payments.ts';
import { receiptDocument } from './receipt.ts';
import { cartProductsAtQuery, cartProductsQuery, insertSale, type ProductPriceRow } from './sale.queries.ts';
import {
  checkDiscounts,
  discountAudit,
  discountOf,
  ticketDiscountOf,
  ticketDiscountText,
} from './sale-discounts.ts';
import { finalDocType, type ReceiverData, saleDocument } from './sale-document.ts';
import { priceLines } from './sale-pricing.ts';
import { promoteLines, promotionDiscounts } from './sale-promotions.ts';
import { saleRule } from './sale-rules.ts';
import { storeContext } from './store-context.ts';

export type SaleCommitInput = z.infer<typeof SaleCommit>;
export type SaleResultData = z.infer<typeof SaleResult>;

/**
 * A sale a store hub took while the central server could not be reached, being recorded at its
 * synchronisation (the store-node domain). It goes through the same commit as an online sale,
 * with what the hub decided instead of what the server would decide now: the hub's time, the
 * prices its catalog replica sold at (any that differ from the central price at that moment
 * are audited), and its folio and TED (checked by `issue` against the document this commit
 * rebuilds, instead of a folio taken and stamped here). Stock moves at the current PPP even
 * below zero (audited): the goods are gone.
 */
export interface OfflineIssue {
  issuedAt: Date;
  /** Unit prices (IVA included) the hub sold at, by product id. */
  prices: ReadonlyMap<string, number>;
  /** Checks the hub's folio and TED against the sale's document and hands them back. */
  issue(document: DteDocument, amounts: DocumentAmounts, stampedAt: string): Promise<IssuedDocument>;
  /** Written in the sale's one statement (the leased folio's use); each returns its rows. */
  alongside: readonly SqlFragment[];
  /** The stock rows the batch of offline sales locked at its start, as the sales before left them. */
  stock?: LockedStock;
}

/** Who rings the sale, from the socket's handshake. */
export interface Seller {
  tenantId: string;
  userId: string;
  role: Role;
  storeId: string;
}

/**
 * The sale row's (store, terminal) must name one terminal (a foreign key): a terminal of another
 * store in the payload is the same refusal as a drawer that is not the seller's.
 */
async function drawerOfThisStore<T>(insert: Promise<T>): Promise<T> {
  try {
    return await insert;
  } catch (error) {
    if ((error as { constraint?: string }).constraint === 'sale_terminal_of_store') {
      throw new AppError('CASH_SESSION_REQUIRED');
    }
    throw error;
  }
}

async function receiverFor(em: SqlExecutor, input: SaleCommitInput): Promise<ReceiverData | null> {
  // A customer typed at the till that already exists is used as stored: a sale never edits one.
  const customer = input.customer
    ? await customerFromInput(em, input.customer)
    : input.customerId
      ? await getCustomer(em, input.customerId)
      : null;
  if (input.docType === 33 && !(customer?.giro && customer.address && customer.comuna)) {
    throw new AppError('CUSTOMER_REQUIRED');
  }
  return customer;
}

/**
 * Commits a sale in the caller's transaction (`withTenantSql` from the socket; `withTenant`
 * works too), exactly once per sale id: prices it with the server's prices, settles payments,
 * locks the stock rows and computes the movements at the current PPP, takes the next folio (as
 * late as possible, to hold the counter lock briefly), stamps the TED, and writes the sale with
 * its stock ledger rows, cash session tally, outbox rows (SII document, receipt print) and audit
 * entries in one statement. Live notifications go into `events`, to be published after commit.
 */
export async function commitSale(
  em: SqlExecutor,
  box: SecretBox,
  seller: Seller,
  input: SaleCommitInput,
  events: PendingEvents,
  offline?: OfflineIssue,
): Promise<SaleResultData> {
  const issuedAt = offline?.issuedAt ?? new Date();
  const moment = chileMoment(issuedAt);
  // The key is claimed and the cart's current prices and promotions read in one round trip (an
  // offline sale's: the central prices when the hub sold it). The same key as online: a sale
  // whose online ack was lost and that the hub then took offline is found, not written twice.
  const promotions = storePromotionsJson(seller.storeId, moment.date);
  const { claim, rows: central } = await claimKeyWith<SaleResultData, ProductPriceRow>(
    em,
    'sale:commit',
    input.saleId,
    requestHash(input),
    offline
      ? cartProductsAtQuery(seller.storeId, input.lines, offline.issuedAt, promotions)
      : cartProductsQuery(seller.storeId, input.lines, promotions),
  );
  if (!claim.fresh) return claim.result;
  const { rows, priceAudit } = offline
    ? soldAtHubPrices(input.saleId, central, offline.prices)
    : { rows: central, priceAudit: [] };

  const context = await storeContext(em, seller.tenantId, seller.storeId);
  const lines = promoteLines(
    priceLines(rows, input.lines),
    rows,
    input.lines,
    storePromotionsFrom(rows[0]?.promotions ?? []),
    { storeId: seller.storeId, moment },
  );
  const receiver = await receiverFor(em, input);
  const type = finalDocType(input.docType, lines);
  const ticket = ticketDiscountOf(input.discount);
  const subtotal = lines.reduce((sum, l) => sum + tillLineAmount(l), 0);
  if (ticket?.kind === 'amount' && ticket.amount > subtotal) {
    throw AppError.validation(undefined, 'El descuento supera el total del ticket.');
  }
  const summary = saleSummary(type, lines, ticket);
  const { discounts, useApprovals } = await checkDiscounts(
    em,
    {
      saleId: input.saleId,
      storeId: seller.storeId,
      role: seller.role,
      limits: context.settings.discountLimitPercent,
    },
    lines,
    { given: input.discount, summary, subtotal },
  );
  const stampedAt = chileTimestamp(issuedAt);
  const document = saleDocument({
    type,
    issueDate: stampedAt.slice(0, 10),
    issuer: context.issuer,
    receiver,
    lines,
    paidCash: input.payments.some((p) => p.method === 'cash') ? 1 : 0,
    adjustments: summary.adjustments,
  });
  const amounts = computeAmounts(document);
  saleRule(() => assertBuyerIdentified(document, amounts.totals.total, context.settings.uf));
  const payments = settlePayments(amounts.totals.total, input.payments);
  // The customer's account is locked first and held to commit: its fiados go one at a time.
  const fiadoPayment = input.payments.find((p) => p.method === 'fiado');
  const fiado = fiadoPayment
    ? await chargeFiado(
        em,
        {
          saleId: input.saleId,
          storeId: seller.storeId,
          terminalId: input.terminalId,
          cashSessionId: input.cashSessionId,
          userId: seller.userId,
        },
        fiadoPayment,
      )
    : null;

  // Row locks are taken from here on: the stock rows shared with other tills, then the tenant's
  // folio counter (hottest last), then, with the sale's own rows, the terminal's cash session;
  // each is held until commit. The ledger rows and the cash tally are written with the sale, in
  // its one statement.
  const { applied, ledgerWrites } = await planMovements(
    em,
    lines.map((line) => ({
      warehouseId: context.warehouseId,
      productId: line.productId,
      kind: 'sale' as const,
      quantity: `-${line.quantity}`,
      documentType: 'sale',
      documentId: input.saleId,
    })),
    events,
    { userId: seller.userId, deviceId: input.terminalId },
    { allowNegative: offline !== undefined, locked: offline?.stock },
  );
  const { cafId, fields } = offline
    ? await offline.issue(document, amounts, stampedAt)
    : await issueTaxDocument(em, box, seller.tenantId, document, amounts, stampedAt, events);
  const { folio, ted } = fields;
  const result: SaleResultData = {
    saleId: input.saleId,
    ...fields,
    issuedAt: issuedAt.toISOString(),
    toPay: payments.toPay,
    cashRounding: payments.cashRounding,
    paidCash: payments.paidCash,
    paidCard: payments.paidCard,
    paidFiado: payments.paidFiado,
    change: payments.change,
    discounts: [
      ...discounts.map((d) => ({
        lineNo: d.line?.lineNo ?? null,
        label: discountLabel(discountOf(d.given)),
        amount: d.amount,
      })),
      ...promotionDiscounts(lines),
    ],
  };
  const voids = input.voidedLines.map(
    (line): AuditInput => ({ kind: 'line_void', details: { saleId: input.saleId, ...line } }),
  );
  const negative = offline
    ? applied
        .filter((m) => m.resultingQuantity.startsWith('-'))
        .map(
          (m): AuditInput => ({
            kind: 'negative_stock',
            details: {
              saleId: input.saleId,
              productId: m.productId,
              warehouseId: m.warehouseId,
              quantity: m.quantity,
              resultingQuantity: m.resultingQuantity,
            },
          }),
        )
    : [];
  const audit = voids.concat(
    priceAudit,
    negative,
    discountAudit(input.saleId, discounts),
    fiado ? [fiado.audit] : [],
    lines.flatMap((line): AuditInput[] => [
      ...(line.priceOverride && line.unitPrice !== line.listPrice
        ? [
            {
              kind: 'price_override' as const,
              details: {
                saleId: input.saleId,
                productId: line.productId,
                name: line.name,
                listPrice: line.listPrice,
                price: line.unitPrice,
              },
            },
          ]
        : []),
    ]),
  );
  const approvedBy = new Map(discounts.map((d) => [d.line, d.approvedBy?.userId]));
  const detail = (given: typeof input.discount, approver: string | undefined) =>
    given ? { ...discountOf(given), ...(approver ? { approvedBy: approver } : {}) } : null;
  const counts = await drawerOfThisStore(
    insertSale(em, {
      seller,
      input,
      session: { id: input.cashSessionId },
      warehouseId: context.warehouseId,
      cafId,
      receiver,
      result,
      lines: lines.map((line) => ({ ...line, discountDetail: detail(line.given, approvedBy.get(line)) })),
      discount: { amount: summary.ticketDiscount, detail: detail(input.discount, approvedBy.get(null)) },
      alongside: [
        sessionTally({
          sessionId: input.cashSessionId,
          ...drawerOwner(seller),
          cash: payments.paidCash,
          card: payments.paidCard,
          fiado: payments.paidFiado,
          terminalId: input.terminalId,
        }),
        ...ledgerWrites,
        ...(fiado?.writes ?? []),
        ...(offline?.alongside ?? []),
        ...(useApprovals ? [useApprovals] : []),
      ],
      payments: payments.rows,
      stampedAt,
      outbox: [
        {
          topic: 'sii.document' as const,
          key: `sale-${input.saleId}`,
          payload: {
            saleId: input.saleId,
            type,
            folio,
            stampedAt,
            issuedAt: issuedAt.toISOString(),
            document,
          },
        },
        // Every sale prints at the counter (a boleta, or a factura with its cedible copy), but an
        // offline sale, whose receipt the hub printed when it sold it.
        ...(offline
          ? []
          : [
              {
                topic: 'print.receipt' as const,
                key: `sale-${input.saleId}`,
                payload: {
                  jobId: input.saleId,
                  storeId: seller.storeId,
                  terminalId: input.terminalId,
                  document: receiptDocument({
                    type,
                    folio,
                    issuedAt,
                    issuer: context.issuer,
                    receiver,
                    lines,
                    amounts: amounts,
                    ...(input.discount
                      ? {
                          discounts: [
                            {
                              label: ticketDiscountText(discountOf(input.discount)),
                              amount: summary.ticketDiscount,
                            },
                          ],
                        }
                      : {}),
                    ted: ted,
                    cashRounding: payments.cashRounding,
                    paidCash: payments.paidCash,
                    paidCard: payments.paidCard,
                    paidFiado: payments.paidFiado,
                    change: payments.change,
                  }),
                },
              },
            ]),
      ],
      audit: auditRows(seller, input.terminalId, audit),
    }),
  );

  // Not open on this terminal: the whole sale rolls back (folio included, so no gap).
  if (counts[0] === 0) throw new AppError('CASH_SESSION_REQUIRED');
  fiado?.verify(counts.slice(1 + ledgerWrites.length));
  // Another sale took one of its approvals meanwhile: this one rolls back too.
  if (useApprovals && counts.at(-1) !== discounts.filter((d) => d.approvedBy).length) {
    throw new AppError(
      'APPROVAL_INVALID',
      'La autorización de un descuento ya se usó en otra venta: pídala de nuevo.',
    );
  }

  if (audit.length > 0) announceAudit(events, auditRows(seller, input.terminalId, audit));
  return result;
}

/**
 * An offline sale is priced as the hub sold it: each product at the hub's price, and each price
 * that differs from the central one at that moment goes into the audit log.
 */
function soldAtHubPrices(
  saleId: string,
  central: readonly ProductPriceRow[],
  prices: ReadonlyMap<string, number>,
): { rows: ProductPriceRow[]; priceAudit: AuditInput[] } {
  const priceAudit: AuditInput[] = [];
  const rows = central.map((row) => {
    const sold = prices.get(row.id);
    if (sold === undefined) {
      throw AppError.validation(undefined, `Falta el precio con que se vendió ${row.name}.`);
    }
    if (sold !== row.price) {
      priceAudit.push({
        kind: 'offline_price',
        details: { saleId, productId: row.id, name: row.name, centralPrice: row.price, soldPrice: sold },
      });
    }
    return { ...row, price: sold };
  });
  return { rows, priceAudit };
}
