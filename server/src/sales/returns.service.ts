import {
  type DteType,
  formatClp,
  type ReturnableSale,
  type ReturnResult,
  type SaleReference,
  type SaleReturnInput,
} from '@erp/shared';
import {
  type CreditNoteAmounts,
  chileTimestamp,
  computeAmounts,
  creditNoteAmounts,
  lineShare,
  proportionalShares,
} from '@erp/sii-core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { fiadoCredit, fiadoOfSale } from '../accounts/index.ts';
import { announceAudit, auditRows } from '../audit/index.ts';
import { drawerOwner, recordInSession } from '../cash/index.ts';
import { applyMovements } from '../inventory/index.ts';
import { AppError } from '../platform/app-error.ts';
import { camelView } from '../platform/rows.ts';
import type { SecretBox } from '../platform/secrets.ts';
import type { PendingEvents } from '../realtime/pending-events.ts';
import { issueTaxDocument } from '../sii/index.ts';
import { assertStoreScope } from '../tenancy/index.ts';
import { claimKey, requestHash } from './idempotency.ts';
import { splitRefund } from './payments.ts';
import { lineGross, toMilli } from './quantity.ts';
import { receiptDocument } from './receipt.ts';
import {
  creditedSoFar,
  creditNotesOf,
  type OriginalLine,
  type OriginalSale,
  originalLines,
  originalSale,
} from './returns.queries.ts';
import { insertSale } from './sale.queries.ts';
import { ticketDiscountOf } from './sale-discounts.ts';
import { saleDocument } from './sale-document.ts';
import type { PricedLine } from './sale-pricing.ts';
import type { Seller } from './sales.service.ts';
import { storeContext } from './store-context.ts';

type ReturnInput = z.infer<typeof SaleReturnInput>;
type ReturnResultData = z.infer<typeof ReturnResult>;

const milliText = (milli: bigint) => `${milli / 1000n}.${String(milli % 1000n).padStart(3, '0')}`;

async function findOriginal(
  em: EntityManager,
  original: z.infer<typeof SaleReference>,
  options: { lock?: boolean } = {},
): Promise<OriginalSale> {
  const sale = await originalSale(em, original, options);
  if (!sale) throw AppError.notFound('la venta original');
  return sale;
}

/**
 * What each line of a sale was sold for, IVA included: its amount less its part of the ticket
 * discount (spread over the lines in proportion to their amounts, in whole pesos adding up to
 * it), so the lines of a sale add up to what was paid for them.
 */
function soldFor(sale: OriginalSale, rows: readonly OriginalLine[]): number[] {
  const amounts = rows.map((r) => Number(r.amount));
  const shares = proportionalShares(Number(sale.discount), amounts);
  return amounts.map((amount, i) => amount - shares[i]!);
}

/** What a return credits: its lines as stored, the nota de crédito's amounts, and what it leaves. */
interface ReturnPlan {
  /** The returned lines as the return stores them: IVA-included amounts, like a sale's. */
  lines: PricedLine[];
  credit: CreditNoteAmounts;
  /** Nothing was returned before and everything is now (the NC annuls the document: CodRef 1). */
  whole: boolean;
  /** After this return nothing of the sale is left to return. */
  completes: boolean;
}

/**
 * Lines to return with the quantities still returnable (sold minus earlier returns), credited as
 * sold: each line's share of what it was sold for (`creditNoteAmounts`), so the notas de crédito
 * of a sale add up to its total and never more, whatever the order and size of the returns.
 */
async function planReturn(
  em: EntityManager,
  sale: OriginalSale,
  wanted: ReturnInput['lines'],
  creditedBefore: number,
): Promise<ReturnPlan> {
  const rows = await originalLines(em, sale.id);
  const named = new Set<number>();
  for (const { lineNo } of wanted ?? []) {
    if (named.has(lineNo)) {
      throw AppError.validation(undefined, `La línea ${lineNo} aparece más de una vez en la devolución.`);
    }
    named.add(lineNo);
  }
  const requests =
    wanted ??
    rows.map((r) => ({ lineNo: r.line_no, quantity: milliText(toMilli(r.quantity) - toMilli(r.returned)) }));
  const returning = requests.flatMap((request) => {
    const index = rows.findIndex((r) => r.line_no === request.lineNo);
    const row = rows[index];
    if (!row) throw AppError.notFound(`la línea ${request.lineNo} de la venta original`);
    const available = toMilli(row.quantity) - toMilli(row.returned);
    const quantity = toMilli(request.quantity);
    if (quantity === 0n && !wanted) return [];
    if (quantity > available) {
      throw AppError.validation(undefined, `De ${row.name} quedan ${milliText(available)} por devolver.`);
    }
    return [{ index, quantity: milliText(quantity) }];
  });
  if (returning.length === 0) throw AppError.validation(undefined, 'Esa venta ya fue devuelta por completo.');

  const sold = rows.map((r) => ({
    quantity: milliText(toMilli(r.quantity)),
    unitPrice: Number(r.unit_price),
    discount: Number(r.discount),
    discountPercent: r.discount_detail?.kind === 'percent' ? r.discount_detail.percent : undefined,
    exempt: r.exempt,
    additionalTax: r.additional_tax,
    returned: milliText(toMilli(r.returned)),
  }));
  const credit = creditNoteAmounts({
    originalType: sale.doc_type as DteType,
    sold,
    returning,
    creditedBefore,
    ticketDiscount: ticketDiscountOf(sale.discount_detail ?? undefined),
  });
  const paidFor = soldFor(sale, rows);
  const lines = returning.map(({ index, quantity }): PricedLine => {
    const row = rows[index]!;
    const { returned } = sold[index]!;
    const upTo = milliText(toMilli(returned) + toMilli(quantity));
    const amount =
      lineShare(paidFor[index]!, sold[index]!.quantity, upTo) -
      lineShare(paidFor[index]!, sold[index]!.quantity, returned);
    const unitPrice = Number(row.unit_price);
    return {
      lineNo: row.line_no,
      productId: row.product_id,
      code: row.code,
      name: row.name,
      unit: row.unit,
      quantity,
      unitPrice,
      listPrice: Number(row.list_price),
      discount: Math.max(0, lineGross(unitPrice, quantity) - amount),
      exempt: row.exempt,
      additionalTax: row.additional_tax,
      priceOverride: false,
      amount,
    };
  });
  const returnedNow = (i: number) =>
    toMilli(sold[i]!.returned) + toMilli(returning.find((r) => r.index === i)?.quantity ?? '0');
  const completes = rows.every((r, i) => returnedNow(i) === toMilli(r.quantity));
  const whole = completes && rows.every((r) => toMilli(r.returned) === 0n);
  return { lines, credit, whole, completes };
}

/**
 * A sale for the return screen: its lines with what earlier returns took back, and the notas de
 * crédito already issued against it.
 */
export async function findReturnableSale(
  em: EntityManager,
  reference: z.infer<typeof SaleReference>,
): Promise<z.infer<typeof ReturnableSale>> {
  const sale = await findOriginal(em, reference);
  const lines = await originalLines(em, sale.id);
  const creditNotes = await creditNotesOf(em, sale.id);
  const paidFor = soldFor(sale, lines);
  const {
    id,
    customer_rut,
    razon_social,
    giro,
    address,
    comuna,
    email,
    phone,
    discount: _discount,
    discount_detail: _detail,
    ...head
  } = sale;
  return {
    saleId: id,
    ...camelView(head, { numbers: ['total', 'paid_cash', 'paid_card'], dates: ['issued_at'] }),
    customer: customer_rut ? { rut: customer_rut, razonSocial: razon_social ?? '' } : null,
    lines: lines.map((l, i) => ({
      lineNo: l.line_no,
      productId: l.product_id,
      name: l.name,
      weighable: l.weighable,
      quantity: milliText(toMilli(l.quantity)),
      returned: milliText(toMilli(l.returned)),
      unitPrice: Number(l.unit_price),
      discount: Number(l.amount) + Number(l.discount) - paidFor[i]!,
      amount: paidFor[i]!,
    })),
    creditNotes,
  };
}

/**
 * Returns some or all lines of a sale, authorized by a supervisor: issues a nota de crédito 61
 * referencing the original (CodRef 1 when it annuls it whole, 3 when it corrects amounts) for
 * the returned lines' share of the sale, restocks the chosen warehouse at the current average
 * cost, credits back first what the sale charged to a customer's account (fiado) and not yet
 * credited, refunds the rest through the cash session (the chosen method first, each method at
 * most what it paid: `splitRefund`), and logs the return. Exactly once per return id.
 */
export async function returnSale(
  em: EntityManager,
  box: SecretBox,
  seller: Seller,
  supervisorId: string,
  input: ReturnInput,
  events: PendingEvents,
): Promise<ReturnResultData> {
  // The approval is not part of the request: a retry may bring another supervisor or PIN.
  const { approval: _approval, ...body } = input;
  const claim = await claimKey<ReturnResultData>(em, 'sale:return', input.returnId, requestHash(body));
  if (!claim.fresh) return claim.result;

  const original = await findOriginal(em, input.original, { lock: true });
  const before = await creditedSoFar(em, original.id);
  const { lines, credit, whole, completes } = await planReturn(em, original, input.lines, before.total);
  const context = await storeContext(em, seller.tenantId, seller.storeId);
  // The goods come back into the store where they are handed in, not into another store's stock.
  if (input.warehouseId) await assertStoreScope(em, seller, 'warehouse', input.warehouseId);
  const issuedAt = new Date();
  const stampedAt = chileTimestamp(issuedAt);
  const receiver = {
    rut: original.customer_rut ?? '66666666-6',
    razonSocial: original.razon_social ?? 'Consumidor final',
    giro: original.giro,
    address: original.address,
    comuna: original.comuna,
    email: original.email,
    phone: original.phone,
  };
  const reference = {
    type: original.doc_type,
    folio: original.folio,
    date: original.issue_date,
    code: whole ? (1 as const) : (3 as const),
    reason: input.reason,
  };
  const document = saleDocument({
    type: 61,
    issueDate: stampedAt.slice(0, 10),
    issuer: context.issuer,
    receiver,
    lines,
    paidCash: 0,
    references: [reference],
    credit,
  });
  const amounts = computeAmounts(document);
  const total = amounts.totals.total;
  // What was charged to a customer's account goes back to it first, exactly (never rounded).
  const fiado = await fiadoOfSale(em, original.id);
  const fiadoLeft = fiado ? fiado.charged - fiado.credited : 0;
  const toAccount = completes ? fiadoLeft : Math.min(total, fiadoLeft);
  const refund = splitRefund({
    owed: total - toAccount,
    preferred: input.refundMethod,
    left: {
      cash: Number(original.paid_cash) - before.cash,
      card: Number(original.paid_card) - before.card,
    },
    completes,
  });
  const refunded = refund.cash + refund.card + toAccount;

  await applyMovements(
    em,
    lines.map((line) => ({
      warehouseId: input.warehouseId ?? context.warehouseId,
      productId: line.productId,
      kind: 'return' as const,
      quantity: line.quantity,
      documentType: 'return',
      documentId: input.returnId,
    })),
    events,
    { userId: seller.userId, deviceId: input.terminalId },
  );
  const session = await recordInSession(em, {
    sessionId: input.cashSessionId,
    ...drawerOwner(seller),
    terminalId: input.terminalId,
    cash: refund.cash,
    card: refund.card,
    refund: true,
  });
  if (refund.cash > 0 && session.totals.expectedCash < 0) {
    throw AppError.validation(
      undefined,
      `No hay efectivo suficiente en la caja para devolver ${formatClp(refund.cash)}.`,
    );
  }

  const { cafId, fields } = await issueTaxDocument(
    em,
    box,
    seller.tenantId,
    document,
    amounts,
    stampedAt,
    events,
  );
  const { folio, ted } = fields;
  const result: ReturnResultData = {
    saleId: input.returnId,
    ...fields,
    issuedAt: issuedAt.toISOString(),
    toPay: -refunded,
    cashRounding: refunded - total,
    paidCash: -refund.cash,
    paidCard: -refund.card,
    paidFiado: -toAccount,
    change: 0,
    discounts: [],
    reference: {
      docType: reference.type,
      folio: reference.folio,
      date: reference.date,
      code: reference.code,
    },
  };
  const audit = auditRows(seller, input.terminalId, [
    {
      kind: 'return',
      details: {
        returnId: input.returnId,
        originalSaleId: original.id,
        original: `${original.doc_type}-${original.folio}`,
        creditNote: folio,
        total,
        refundMethod: input.refundMethod,
        refundedCash: refund.cash,
        refundedCard: refund.card,
        ...(toAccount > 0 ? { creditedAccount: fiado!.accountId, credited: toAccount } : {}),
        authorizedBy: supervisorId,
        reason: input.reason,
      },
    },
  ]);
  await insertSale(em, {
    kind: 'return',
    seller,
    input: { saleId: input.returnId, terminalId: input.terminalId },
    session,
    warehouseId: input.warehouseId ?? context.warehouseId,
    cafId,
    receiver: original.customer_rut ? receiver : null,
    result,
    lines: lines.map((line) => ({ ...line, originalLineNo: line.lineNo })),
    payments: [
      ...(refund.cash > 0 ? [{ method: 'cash' as const, amount: refund.cash }] : []),
      ...(refund.card > 0 ? [{ method: 'card' as const, amount: refund.card }] : []),
      ...(toAccount > 0 ? [{ method: 'fiado' as const, amount: toAccount }] : []),
    ],
    alongside:
      toAccount > 0
        ? [
            fiadoCredit({
              returnId: input.returnId,
              accountId: fiado!.accountId,
              amount: toAccount,
              storeId: seller.storeId,
              terminalId: input.terminalId,
              cashSessionId: input.cashSessionId,
              userId: seller.userId,
              approvedBy: supervisorId,
            }),
          ]
        : [],
    stampedAt,
    originalSaleId: original.id,
    authorizedBy: supervisorId,
    outbox: [
      {
        topic: 'sii.document',
        key: `sale-${input.returnId}`,
        payload: {
          saleId: input.returnId,
          type: 61,
          folio,
          stampedAt,
          issuedAt: issuedAt.toISOString(),
          document,
        },
      },
      {
        topic: 'print.receipt',
        key: `sale-${input.returnId}`,
        payload: {
          jobId: input.returnId,
          storeId: seller.storeId,
          terminalId: input.terminalId,
          document: receiptDocument({
            type: 61,
            folio,
            issuedAt,
            issuer: context.issuer,
            receiver: original.customer_rut ? receiver : null,
            lines,
            amounts,
            ted,
            cashRounding: result.cashRounding,
            paidCash: 0,
            paidCard: 0,
            change: 0,
            reference: {
              documentType: original.doc_type as 39,
              folio: original.folio,
              date: original.issue_date,
              reason: input.reason,
            },
          }),
        },
      },
    ],
    audit,
  });
  announceAudit(events, audit);
  return result;
}
