/**
 * How a sale rung at the till becomes document amounts, shared by the server (which writes the
 * document) and the POS (which shows and charges its total), so both compute the same pesos.
 * Browser-safe: it imports nothing but the amounts arithmetic (`@erp/sii-core/sale-amounts`).
 *
 * Catalog prices include IVA. Boletas carry them as they are. Facturas and notas carry net
 * prices: the IVA-included unit price ÷ 1.19 to six decimals and the line discount ÷ 1.19 to
 * whole pesos (both half up), and IVA is then 19 % of the net sum; so a factura's total may
 * differ by a peso or two from the sum of the IVA-included line amounts. A discount given as a
 * percentage travels as DescuentoPct and the document applies it to its own line gross.
 *
 * A product with an additional tax (ILA, sugary drinks) has it in its catalog price too. A boleta
 * carries the price as it is; a factura or nota divides it by 1 + 19 % + the tax's rate, writes
 * the code on the line (CodImpAdic) and the tax in ImptoReten.
 *
 * A ticket discount is a global discount (DscRcgGlobal, TpoMov D) on what the lines add up to
 * after their own discounts [docs/sii-rules.md#discounts-at-the-till]: a percentage goes as
 * TpoValor % to each tax group (afecto, and exempt with IndExeDR); an amount goes as TpoValor $,
 * split between the groups in proportion to their IVA-included sums, gross on boletas and net
 * (÷ 1.19, half up) on a factura's afecto group.
 */
import {
  type AdditionalTaxCode,
  type DiscountValue,
  type DteAdjustment,
  type DteDocument,
  type DteType,
  divRoundHalfUp,
  fromScaled,
  grossPerThousandNet,
  isBoletaType,
  toScaled,
} from '@erp/shared';
import { computeAmounts, type DocumentAmounts, proportionalShares, type Totals } from './amounts.ts';

export { proportionalShares };

/** A line as the till rings it: IVA-included unit price and discount, in pesos. */
export interface TillLine {
  quantity: string;
  unitPrice: number;
  /** Pesos the line's discount takes off its gross (IVA included); see `lineDiscount`. */
  discount: number;
  /** The discount's percentage when it was given as one (DescuentoPct). */
  discountPercent?: string | undefined;
  exempt: boolean;
  /** The product's SII additional tax, included in its price. */
  additionalTax?: AdditionalTaxCode | null | undefined;
}

/** A discount on the whole ticket, with the text the document shows for it (GlosaDR). */
export type TicketDiscount = DiscountValue & { description: string };

const NET_DECIMALS = 6;
const QUANTITY_SCALE = 6;

const toNet = (pesos: number, additionalTax?: AdditionalTaxCode | null) =>
  Number(divRoundHalfUp(BigInt(pesos) * 1000n, grossPerThousandNet(additionalTax)));

type DocumentLinePrices = {
  unitPrice: string;
  discountAmount?: number;
  discountPercent?: string;
  additionalTax?: AdditionalTaxCode;
};

/** The unit price, discount and additional tax a till line carries on a document of `type`. */
export function documentLinePrices(
  type: DteType,
  line: Pick<TillLine, 'unitPrice' | 'discount' | 'discountPercent' | 'exempt' | 'additionalTax'>,
): DocumentLinePrices {
  const net = !isBoletaType(type) && !line.exempt;
  const tax = net && line.additionalTax ? { additionalTax: line.additionalTax } : {};
  const unitPrice = net
    ? fromScaled(
        divRoundHalfUp(
          BigInt(line.unitPrice) * 1000n * 10n ** BigInt(NET_DECIMALS),
          grossPerThousandNet(line.additionalTax),
        ),
        NET_DECIMALS,
      )
    : String(line.unitPrice);
  if (line.discountPercent !== undefined) return { unitPrice, discountPercent: line.discountPercent, ...tax };
  if (line.discount <= 0) return { unitPrice, ...tax };
  return {
    unitPrice,
    discountAmount: net ? toNet(line.discount, line.additionalTax) : line.discount,
    ...tax,
  };
}

/** round(quantity × unit price) − discount: what a till line comes to, IVA included. */
export function tillLineAmount(line: Pick<TillLine, 'quantity' | 'unitPrice' | 'discount'>): number {
  return lineAmount(line.quantity, String(line.unitPrice)) - line.discount;
}

function documentLines(type: DteType, lines: readonly TillLine[]): AmountsLine[] {
  return lines.map((line) => ({
    quantity: line.quantity,
    exempt: line.exempt || undefined,
    ...documentLinePrices(type, line),
  }));
}
type AmountsLine = Parameters<typeof computeAmounts>[0]['lines'][number];

/**
 * The global discounts (DscRcgGlobal) of a ticket discount on these lines: one per tax group
 * that has lines. Throws when an amount is more than the lines come to.
 */
export function ticketAdjustments(
  type: DteType,
  lines: readonly TillLine[],
  ticket: TicketDiscount,
): DteAdjustment[] {
  const groups = [false, true]
    .map((exempt) => {
      const group = lines.filter((line) => line.exempt === exempt);
      return { exempt, lines: group, gross: group.reduce((sum, line) => sum + tillLineAmount(line), 0) };
    })
    .filter((group) => group.lines.length > 0);
  const base = { kind: 'discount' as const, description: ticket.description };
  if (ticket.kind === 'percent') {
    return groups.map((g) => ({ ...base, percent: ticket.percent, ...(g.exempt ? { exempt: true } : {}) }));
  }
  const all = groups.reduce((sum, g) => sum + g.gross, 0);
  if (ticket.amount > all) throw new RangeError(`ticket discount ${ticket.amount} above ${all}`);
  // The exempt group's share is rounded half up; the afecto group takes the rest. Neither is
  // more than its group comes to, since the amount is at most both together.
  const exemptGroup = groups.find((g) => g.exempt);
  const exemptShare = !exemptGroup
    ? 0
    : groups.length === 1
      ? ticket.amount
      : Number(divRoundHalfUp(BigInt(ticket.amount) * BigInt(exemptGroup.gross), BigInt(all)));
  return groups.flatMap((g): DteAdjustment[] => {
    const gross = g.exempt ? exemptShare : ticket.amount - exemptShare;
    if (gross === 0) return [];
    if (g.exempt) return [{ ...base, amount: gross, exempt: true }];
    if (isBoletaType(type)) return [{ ...base, amount: gross }];
    // Net on a factura, never above what its net lines come to (a 100 % discount of many lines).
    // With additional taxes the lines' prices hold different rates: the discount takes the
    // lines' own net-to-gross proportion.
    const netLines = computeAmounts({ type, lines: documentLines(type, g.lines), adjustments: [] }).lines;
    const netSum = netLines.reduce((sum, l) => sum + l.amount, 0);
    const proportional = g.lines.some((line) => line.additionalTax) && g.gross > 0;
    const net = Math.min(
      proportional ? Number(divRoundHalfUp(BigInt(gross) * BigInt(netSum), BigInt(g.gross))) : toNet(gross),
      netSum,
    );
    return net === 0 ? [] : [{ ...base, amount: net }];
  });
}

/** What a ticket comes to: the document's totals and the pesos its ticket discount takes off. */
export interface SaleSummary {
  totals: Totals;
  /** The total before the ticket discount minus after it (IVA included): what it took off. */
  ticketDiscount: number;
  /** The ticket discount as the document's global discounts. */
  adjustments: DteAdjustment[];
}

export function saleSummary(type: DteType, lines: readonly TillLine[], ticket?: TicketDiscount): SaleSummary {
  const documented = documentLines(type, lines);
  const before = computeAmounts({ type, lines: documented, adjustments: [] }).totals;
  if (!ticket) return { totals: before, ticketDiscount: 0, adjustments: [] };
  const adjustments = ticketAdjustments(type, lines, ticket);
  const { totals } = computeAmounts({ type, lines: documented, adjustments });
  return { totals, ticketDiscount: before.total - totals.total, adjustments };
}

/** The totals the document of these till lines carries: what the customer pays. */
export function saleTotals(type: DteType, lines: readonly TillLine[], ticket?: TicketDiscount): Totals {
  return saleSummary(type, lines, ticket).totals;
}

/** A sold line as a return sees it: as the till rang it, and how much earlier returns took back. */
export interface SoldLine extends TillLine {
  /** Quantity already returned, ≤ `quantity`. */
  returned: string;
}

export interface CreditNoteLine {
  quantity: string;
  unitPrice: string;
  discountAmount?: number;
  exempt?: true;
  additionalTax?: AdditionalTaxCode;
}

/** The lines and amounts of a nota de crédito that credits part or all of a sale. */
export interface CreditNoteAmounts {
  /** MntBruto: the original was a boleta, so the note's prices and amounts include IVA like its. */
  grossAmounts: boolean;
  /** One per returned line, in the order asked for. */
  lines: CreditNoteLine[];
  /** A global discount or surcharge when the lines alone would miss the sale's remaining total. */
  adjustments: DteDocument['adjustments'];
  amounts: DocumentAmounts;
}

const ROUNDING_NOTE = 'Ajuste al total de la venta original';

/**
 * The part of a line amount that quantities up to `upTo` of `sold` carry: round(amount × upTo /
 * sold). A return of `q` after `returned` credits share(returned + q) − share(returned): the
 * returns of a line add up to its amount exactly and never more.
 */
export function lineShare(amount: number, sold: string, upTo: string): number {
  return Number(
    divRoundHalfUp(BigInt(amount) * toScaled(upTo, QUANTITY_SCALE), toScaled(sold, QUANTITY_SCALE)),
  );
}

/**
 * The nota de crédito of a return, computed the way the original document was: a boleta's lines
 * with IVA (MntBruto), a factura's net. Each returned line credits its share of what the line was
 * sold for: its amount less its part of the ticket discount (each global discount spread over its
 * tax group's lines by `proportionalShares`), taken by quantity (see `lineShare`); so a whole
 * return credits exactly the sale's total and the notes of a sale add up to it, never more. The total the notes may reach after this one is the
 * original's total of everything returned so far; when the lines miss it (notes issued by older
 * code, or a factura's IVA rounded per note) a global adjustment takes the difference, exactly
 * on IVA-included or exempt amounts and to the peso below it on a factura's net.
 */
export function creditNoteAmounts(input: {
  originalType: DteType;
  sold: readonly SoldLine[];
  returning: readonly { index: number; quantity: string }[];
  /** Sum of the totals of the notas de crédito already issued against the sale. */
  creditedBefore: number;
  /** The sale's ticket discount, if it had one. */
  ticketDiscount?: TicketDiscount | undefined;
}): CreditNoteAmounts {
  const { originalType, sold } = input;
  const prices = sold.map((line) => documentLinePrices(originalType, line));
  const original = computeAmounts({
    type: originalType,
    lines: sold.map((line, i) => ({
      quantity: line.quantity,
      exempt: line.exempt || undefined,
      ...prices[i]!,
    })),
    adjustments: input.ticketDiscount ? ticketAdjustments(originalType, sold, input.ticketDiscount) : [],
  });
  // What each line was sold for, in the document's terms: its amount less its ticket discount part.
  const soldFor = original.lines.map((line) => line.amount);
  for (const adjustment of original.adjustments) {
    const group = original.lines.flatMap((line, i) => (line.exempt === adjustment.exempt ? [i] : []));
    const shares = proportionalShares(
      adjustment.amount,
      group.map((i) => original.lines[i]!.amount),
    );
    group.forEach((i, k) => {
      soldFor[i]! -= shares[k]!;
    });
  }
  const returnedAfter = sold.map((line) => line.returned);
  const lines = input.returning.map(({ index, quantity }): CreditNoteLine => {
    const line = sold[index]!;
    const upTo = fromScaled(
      toScaled(line.returned, QUANTITY_SCALE) + toScaled(quantity, QUANTITY_SCALE),
      QUANTITY_SCALE,
    );
    returnedAfter[index] = upTo;
    const credit =
      lineShare(soldFor[index]!, line.quantity, upTo) -
      lineShare(soldFor[index]!, line.quantity, line.returned);
    const { unitPrice, additionalTax } = prices[index]!;
    const exempt = original.lines[index]!.exempt ? { exempt: true as const } : {};
    const tax = additionalTax ? { additionalTax } : {};
    const gross = lineAmount(quantity, unitPrice);
    if (gross >= credit) {
      return {
        quantity,
        unitPrice,
        ...(gross > credit ? { discountAmount: gross - credit } : {}),
        ...exempt,
        ...tax,
      };
    }
    // Rarely (a weighed line split in parts) the share is a peso above price × quantity: the
    // price that gives exactly the share keeps the line's MontoItem = PrcItem × QtyItem.
    const exact = divRoundHalfUp(
      BigInt(credit) * 10n ** BigInt(2 * QUANTITY_SCALE),
      toScaled(quantity, QUANTITY_SCALE),
    );
    return { quantity, unitPrice: fromScaled(exact, QUANTITY_SCALE), ...exempt, ...tax };
  });
  const grossAmounts = isBoletaType(originalType) && lines.some((line) => !line.exempt);
  const reachable = computeAmounts({
    type: originalType,
    lines: sold.map((line, i) => ({
      quantity: '1',
      unitPrice: String(lineShare(soldFor[i]!, line.quantity, returnedAfter[i]!)),
      exempt: original.lines[i]!.exempt || undefined,
      additionalTax: prices[i]!.additionalTax,
    })),
    adjustments: [],
  }).totals.total;
  const target = reachable - input.creditedBefore;
  const noteOf = (adjustments: DteDocument['adjustments']) =>
    computeAmounts({ type: 61, grossAmounts, lines, adjustments });
  const plain = noteOf([]);
  const adjustments = settle(plain, target, grossAmounts, noteOf);
  return { grossAmounts, lines, adjustments, amounts: adjustments.length ? noteOf(adjustments) : plain };
}

/** round(quantity × unit price), half up. */
function lineAmount(quantity: string, unitPrice: string): number {
  const product = toScaled(quantity, QUANTITY_SCALE) * toScaled(unitPrice, QUANTITY_SCALE);
  return Number(divRoundHalfUp(product, 10n ** BigInt(2 * QUANTITY_SCALE)));
}

/**
 * About the net amount that moves a net note's total by `difference`: ÷ 1.19, or with additional
 * taxes in the note's own proportion of net to what its afecto part comes to.
 */
function netOfDifference(plain: DocumentAmounts, difference: number): number {
  const { net = 0, exempt = 0, total, additionalTaxes } = plain.totals;
  if (!additionalTaxes || total - exempt === 0) return toNet(difference);
  return Number(divRoundHalfUp(BigInt(difference) * BigInt(net), BigInt(total - exempt)));
}

/**
 * The global adjustment that brings the note's total to `target`, or as close below as the net
 * arithmetic allows; none when it is already there. Exempt and IVA-included amounts move the
 * total peso for peso; a net amount moves it by about 1.19, so the candidates around it are tried.
 */
function settle(
  plain: DocumentAmounts,
  target: number,
  grossAmounts: boolean,
  noteOf: (adjustments: DteDocument['adjustments']) => DocumentAmounts,
): DteDocument['adjustments'] {
  const difference = plain.totals.total - target;
  if (difference === 0) return [];
  const base = { exempt: plain.totals.exempt ?? 0, afecto: plain.totals.total - (plain.totals.exempt ?? 0) };
  const adjustment = (exempt: boolean, signed: number): DteDocument['adjustments'] =>
    signed === 0
      ? []
      : [
          {
            kind: signed > 0 ? 'discount' : 'surcharge',
            amount: Math.abs(signed),
            description: ROUNDING_NOTE,
            ...(exempt ? { exempt: true } : {}),
          },
        ];
  const candidates: DteDocument['adjustments'][] = [];
  if (plain.totals.exempt !== undefined && difference <= base.exempt)
    candidates.push(adjustment(true, difference));
  if (plain.totals.net !== undefined) {
    const net = grossAmounts ? difference : netOfDifference(plain, difference);
    for (let step = grossAmounts ? 0 : -3; step <= (grossAmounts ? 0 : 3); step++) {
      if (net + step <= (grossAmounts ? base.afecto : plain.totals.net))
        candidates.push(adjustment(false, net + step));
    }
  }
  let best: { adjustments: DteDocument['adjustments']; total: number } | null = null;
  for (const adjustments of candidates) {
    const total = noteOf(adjustments).totals.total;
    if (total <= target && (!best || total > best.total)) best = { adjustments, total };
  }
  if (best) return best.adjustments;
  // Nothing reaches down to the target (earlier notes took more than the sale had left): the
  // note credits nothing more.
  return [
    ...(plain.totals.exempt !== undefined ? adjustment(true, base.exempt) : []),
    ...(plain.totals.net !== undefined
      ? adjustment(false, grossAmounts ? base.afecto : plain.totals.net)
      : []),
  ];
}
