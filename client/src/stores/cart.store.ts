import { type DiscountValue, discountWithinLimit, withinLimit } from '@erp/shared/discount';
import { fail, type Result } from '@erp/shared/errors';
import type {
  CustomerView,
  ParkedTicket,
  ParkTicketInput,
  PriceChange,
  ProductView,
} from '@erp/shared/events/index';
import { type AdditionalTaxCode, boletaNeedsBuyer } from '@erp/shared/tax';
import { randomUuid } from '@erp/shared/uuid';
import { type BuyerField, missingBuyerData } from '@erp/sii-core/identified-boleta';
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { z } from 'zod';
import { t } from '../i18n/es-CL.ts';
import { type PosDb, posDbFor } from '../storage/pos-db.ts';
import type { Approval } from './approvers.store.ts';
import { useCatalogStore } from './catalog.store.ts';
import type { Payment, PendingSale } from './checkout.store.ts';
import { STORE_IDS } from './ids.ts';
import { usePromotionsStore } from './promotions.store.ts';
import { fromMilli, toMilli } from './quantity.ts';
import { useRealtimeStore } from './realtime.store.ts';
import { useSessionStore } from './session.store.ts';
import { type CartDiscount, ticketAmounts, type WireDiscount, wireDiscount } from './ticket-amounts.ts';
import { linePromotions } from './ticket-promotions.ts';
import { useTillStore } from './till.store.ts';

export type Customer = z.output<typeof CustomerView>;

/**
 * What a customer lacks to be a boleta's identified buyer, by the server's own rule (the till
 * pays, so MedioPago is never among them: the server takes it from the payments).
 */
export function missingBuyerFields(customer: Customer | null): BuyerField[] {
  if (!customer) return ['rut', 'name', 'email', 'phone'];
  return missingBuyerData({
    receiver: {
      rut: customer.rut,
      businessName: customer.razonSocial,
      ...(customer.email ? { email: customer.email } : {}),
      ...(customer.phone ? { phone: customer.phone } : {}),
    },
    paymentMethod: 1,
  });
}

export interface CartLine {
  lineId: string;
  productId: string;
  name: string;
  code: string;
  weighable: boolean;
  /** Wire form with 3 decimals: `'2.000'` units, `'0.750'` kg. */
  quantity: string;
  /** IVA-included unit price shown to the cashier when the line was rung up. */
  unitPrice: number;
  /** Exempt from IVA (absent on tickets saved before it was kept: taken as afecto). */
  exempt?: boolean;
  /** The product's SII additional tax (ILA), inside the price: a factura breaks it out. */
  additionalTax?: AdditionalTaxCode | null;
  /** The line's discount: a percentage or pesos, with its reason (and approval, above the limit). */
  discount?: CartDiscount;
}

/** What a discount is given on: a line of the ticket, or the whole ticket. */
export type DiscountTarget = { lineId: string } | 'ticket';

export interface Ticket {
  /** Generated when the ticket opens; the server commits each sale id at most once. */
  saleId: string;
  docType: 39 | 33;
  customer: Customer | null;
  lines: CartLine[];
  /** Lines rung up and then voided: sent with the sale so the server audits them. */
  voidedLines?: CartLine[];
  /** The server refused this boleta without its buyer (its UF may be newer than the till's). */
  buyerAsked?: boolean;
  /** A discount on the whole ticket, on what the lines come to after theirs. */
  discount?: CartDiscount;
}

/** A discount as the server is sent it: without the approver's name, which the till shows only. */
function sent(discount: CartDiscount | undefined): { discount?: WireDiscount } {
  return discount ? { discount: wireDiscount(discount) } : {};
}

/** What ringing up a scan did, for the cashier's feedback. */
export type ScanOutcome =
  | { kind: 'added'; line: CartLine }
  /** A weighable product scanned by its own code: the weight is still needed. */
  | { kind: 'needs-weight'; product: ProductView }
  | { kind: 'unknown-plu'; plu: number }
  | { kind: 'bad-label' }
  | { kind: 'unknown' };

/** A line's price changed while it was on the ticket: the cashier tells the customer. */
export interface PriceNotice {
  productId: string;
  name: string;
  from: number;
  to: number;
}

const OPEN_TICKET_KEY = 'open';

function newTicket(): Ticket {
  return { saleId: randomUuid(), docType: 39, customer: null, lines: [] };
}

/**
 * The open ticket: lines, document type and customer, kept in IndexedDB on every change so a
 * reload or a crash never loses what the cashier rang up (nor its `saleId`). Unit prices are
 * the ones the cashier saw; the server answers PRICE_CHANGED when they are stale.
 */
export const useCartStore = defineStore(STORE_IDS.CART, () => {
  const ticket = ref<Ticket>(newTicket());
  /** The line the cashier last touched (highlighted, target of quantity keys). */
  const selectedLineId = ref<string | null>(null);
  /** Prices changed on lines of this ticket, one per product (first old price → latest). */
  const priceNotices = ref<PriceNotice[]>([]);
  /** The catalog's price of each product on the ticket when last looked at. */
  const catalogPrices = new Map<string, number>();

  let db: PosDb | null = null;

  /**
   * What the ticket comes to, computed by the server's own code: each line's discount, the
   * ticket's, and the document's total (a boleta adds the line amounts, a factura its net lines
   * plus 19 % IVA, which may differ from that sum by a peso).
   */
  const amounts = computed(() =>
    ticketAmounts(
      ticket.value.docType,
      ticket.value.lines.map((line, i) => ({ ...line, promotionDiscount: promoted.value[i]!.discount })),
      ticket.value.discount,
    ),
  );
  /** Each line's promotions now, as the server will give them (`linePromotions`). */
  const promoted = computed(() => {
    const promotions = usePromotionsStore();
    const catalog = useCatalogStore();
    const lines = ticket.value.lines.map((line) => ({
      ...line,
      category: catalog.product(line.productId)?.category ?? '',
    }));
    return linePromotions(lines, promotions.list, useSessionStore().storeId ?? '', promotions.now);
  });
  /** The lines with their gross, the pesos their discount (or promotions) take off and what they come to. */
  const lines = computed(() =>
    ticket.value.lines.map((line, i) => {
      const { gross, discount, amount } = amounts.value.lines[i]!;
      return { ...line, gross, discountPesos: discount, amount, promotions: promoted.value[i]!.promotions };
    }),
  );
  const subtotal = computed(() => amounts.value.subtotal);
  const ticketDiscount = computed(() => amounts.value.ticketDiscount);
  const total = computed(() => amounts.value.total);
  /** The largest discount (percent) this person gives without a supervisor. */
  const discountLimit = computed(() => useTillStore().discountLimit);
  /**
   * A discount the server would refuse as it stands (above what it discounts, or above the limit
   * without an approval: say, a line's quantity lowered after an amount was given): Cobrar waits.
   */
  const discountProblem = computed<string | null>(() => {
    for (const line of lines.value) {
      if (!line.discount) continue;
      if (line.discountPesos > line.gross) return t.pos.discounts.aboveLine(line.name);
      if (!line.discount.approvalId && !withinLimit(line.discountPesos, line.gross, discountLimit.value))
        return t.pos.discounts.needsApproval(line.name);
    }
    const discount = ticket.value.discount;
    if (!discount) return null;
    if (discount.kind === 'amount' && discount.amount > subtotal.value) return t.pos.discounts.aboveTicket;
    if (
      !discount.approvalId &&
      !discountWithinLimit(discount as DiscountValue, subtotal.value, discountLimit.value)
    )
      return t.pos.discounts.ticketNeedsApproval;
    return null;
  });
  /** A boleta above 135 UF (the company's UF, as the server checks it) identifies its buyer (Ley 21.713). */
  const buyerRequired = computed(
    () =>
      ticket.value.docType === 39 &&
      (ticket.value.buyerAsked === true || boletaNeedsBuyer(total.value, useTillStore().uf)),
  );
  /** Cobrar waits for a buyer with RUT, name, e-mail and phone. */
  const awaitingBuyer = computed(
    () => buyerRequired.value && missingBuyerFields(ticket.value.customer).length > 0,
  );
  const isEmpty = computed(() => ticket.value.lines.length === 0);
  /** Units count as their number, each weighed line as one item. */
  const itemCount = computed(() =>
    ticket.value.lines.reduce((sum, l) => sum + (l.weighable ? 1 : Number(toMilli(l.quantity) / 1000n)), 0),
  );

  function findLine(lineId: string): CartLine | undefined {
    return ticket.value.lines.find((l) => l.lineId === lineId);
  }

  /**
   * Adds a product: a unit product joins its existing line, a weighed one always gets its own
   * line (each weighing or label is a separate item).
   */
  function addProduct(product: ProductView, quantity = '1.000'): CartLine {
    const existing = product.weighable
      ? undefined
      : ticket.value.lines.find((l) => l.productId === product.id && !l.weighable);
    if (existing) {
      existing.quantity = fromMilli(toMilli(existing.quantity) + toMilli(quantity));
      selectedLineId.value = existing.lineId;
      return existing;
    }
    const line: CartLine = {
      lineId: randomUuid(),
      productId: product.id,
      name: product.name,
      code: product.code,
      weighable: product.weighable,
      quantity: fromMilli(toMilli(quantity)),
      unitPrice: useCatalogStore().priceOf(product),
      exempt: product.exempt,
      additionalTax: product.additionalTax,
    };
    ticket.value.lines.push(line);
    catalogPrices.set(product.id, line.unitPrice);
    selectedLineId.value = line.lineId;
    return line;
  }

  /** Rings up what the scanner read: a product, or a scale label with its weight. */
  function addScan(code: string): ScanOutcome {
    const found = useCatalogStore().resolveScan(code);
    switch (found.kind) {
      case 'label':
        return { kind: 'added', line: addProduct(found.product, found.quantity) };
      case 'product':
        if (found.product.weighable) return { kind: 'needs-weight', product: found.product };
        return { kind: 'added', line: addProduct(found.product) };
      default:
        return found;
    }
  }

  /**
   * Rings up a scan once the catalog is ready: on a first load the scans typed before the
   * snapshot arrives wait for it and are applied in the order they were typed.
   */
  async function addScanWhenReady(code: string): Promise<ScanOutcome> {
    await useCatalogStore().whenReady();
    return addScan(code);
  }

  /** Sets a line's quantity (wire form); a unit product only takes whole units. */
  function setQuantity(lineId: string, quantity: string): boolean {
    const line = findLine(lineId);
    const milli = toMilli(quantity);
    if (!line || milli <= 0n || (!line.weighable && milli % 1000n !== 0n)) return false;
    line.quantity = fromMilli(milli);
    selectedLineId.value = lineId;
    return true;
  }

  /** +1 / −1 on a unit line; at zero the line is voided. */
  function step(lineId: string, delta: 1 | -1): void {
    const line = findLine(lineId);
    if (!line || line.weighable) return;
    const next = toMilli(line.quantity) + BigInt(delta) * 1000n;
    if (next <= 0n) voidLine(lineId);
    else setQuantity(lineId, fromMilli(next));
  }

  function voidLine(lineId: string): void {
    const voided = findLine(lineId);
    if (voided) ticket.value.voidedLines = [...(ticket.value.voidedLines ?? []), { ...voided }];
    ticket.value.lines = ticket.value.lines.filter((l) => l.lineId !== lineId);
    if (selectedLineId.value === lineId) selectedLineId.value = ticket.value.lines.at(-1)?.lineId ?? null;
  }

  function setDocType(docType: 39 | 33): void {
    ticket.value.docType = docType;
  }

  /** The cashier touched a line: the next quantity key or discount is for it. */
  function select(lineId: string): void {
    if (findLine(lineId)) selectedLineId.value = lineId;
  }

  /** Gives (or, with null, takes away) a discount on a line or on the ticket. */
  function setDiscount(target: DiscountTarget, discount: CartDiscount | null): void {
    const owner = target === 'ticket' ? ticket.value : findLine(target.lineId);
    if (!owner) return;
    if (discount) owner.discount = discount;
    else delete owner.discount;
  }

  /**
   * A supervisor at this till approves a discount above the limit with their PIN: the server
   * keeps the approval and the discount names it (the PIN is never kept here).
   */
  async function approveDiscount(
    target: DiscountTarget,
    discount: CartDiscount,
    approval: Approval,
  ): Promise<Result<void>> {
    const terminalId = useTillStore().terminalId;
    const line = target === 'ticket' ? null : lines.value.find((l) => l.lineId === target.lineId);
    if (!terminalId || line === undefined) return fail('VALIDATION');
    const answer = await useRealtimeStore().command('sale:approve-discount', {
      terminalId,
      productId: line?.productId ?? null,
      base: line ? line.gross : subtotal.value,
      discount: wireDiscount(discount),
      approval,
    });
    if (!answer.ok) return answer;
    const { approvalId, approver } = answer.data;
    setDiscount(target, { ...wireDiscount(discount), approvalId, approvedBy: approver.name });
    return { ok: true, data: undefined };
  }

  function setCustomer(customer: Customer | null): void {
    ticket.value.customer = customer;
  }

  /** The server answered BOLETA_NEEDS_RECEIVER: this boleta waits for its buyer whatever the till's UF says. */
  function askBuyer(): void {
    ticket.value.buyerAsked = true;
  }

  /** The cashier confirmed the server's current prices: the lines take them. */
  function applyPrices(changes: z.output<typeof PriceChange>[]): void {
    for (const change of changes) {
      for (const line of ticket.value.lines) {
        if (line.productId === change.productId) line.unitPrice = change.current;
      }
    }
  }

  function noticePrice(line: CartLine, to: number): void {
    const known = priceNotices.value.find((n) => n.productId === line.productId);
    if (!known)
      priceNotices.value.push({ productId: line.productId, name: line.name, from: line.unitPrice, to });
    else if (known.from === to) priceNotices.value = priceNotices.value.filter((n) => n !== known);
    else known.to = to;
  }

  /**
   * A live price change (or one caught up by a resync) reaches the lines at once, with a notice,
   * instead of surfacing as PRICE_CHANGED at payment. The lines carry no manual price yet; one
   * that does must keep it here.
   */
  function followCatalogPrices(): void {
    const catalog = useCatalogStore();
    // Only a change of the catalog's price moves a line: a price the cashier accepted from the
    // server's PRICE_CHANGED stays when the (still stale) catalog changes elsewhere.
    const changed = new Map<string, number>();
    for (const productId of new Set(ticket.value.lines.map((l) => l.productId))) {
      const current = catalog.product(productId);
      if (!current) continue;
      const price = catalog.priceOf(current);
      const before = catalogPrices.get(productId);
      catalogPrices.set(productId, price);
      if (before !== undefined && before !== price) changed.set(productId, price);
    }
    for (const line of ticket.value.lines) {
      const price = changed.get(line.productId);
      if (price === undefined || price === line.unitPrice) continue;
      noticePrice(line, price);
      line.unitPrice = price;
    }
  }
  watch(() => useCatalogStore().revision, followCatalogPrices);

  function clearPriceNotices(): void {
    priceNotices.value = [];
  }

  /** The ticket as a sale to commit: the server's payload and the lines for the receipt preview. */
  function toSale(
    till: { terminalId: string; cashSessionId: string },
    payments: Payment[],
  ): Omit<PendingSale, 'queuedAt'> {
    const { saleId, docType, customer: picked } = ticket.value;
    // A factura's customer, or a boleta's buyer; a boleta under 135 UF ignores a customer picked
    // for a factura before switching back.
    const customer = docType === 33 || buyerRequired.value ? picked : null;
    return {
      payload: {
        saleId,
        ...till,
        docType,
        ...(customer ? { customerId: customer.id } : {}),
        lines: ticket.value.lines.map((l, i) => ({
          productId: l.productId,
          quantity: l.quantity,
          unitPrice: l.unitPrice,
          ...sent(l.discount),
          priceOverride: false,
          promotionDiscount: promoted.value[i]!.discount,
        })),
        ...sent(ticket.value.discount),
        payments,
        voidedLines: (ticket.value.voidedLines ?? []).map((l) => ({
          productId: l.productId,
          name: l.name,
          quantity: l.quantity,
          unitPrice: l.unitPrice,
        })),
      },
      lines: lines.value.map(({ name, quantity, weighable, unitPrice, amount }) => ({
        name,
        quantity,
        weighable,
        unitPrice,
        amount,
      })),
      customerName: customer?.razonSocial ?? null,
    };
  }

  /**
   * The ticket as it is parked on the server: its lines and its other fields exactly as the cart
   * keeps them (whatever a line carries comes back on resume), under the ticket's sale id.
   */
  function toParked(): Omit<z.input<typeof ParkTicketInput>, 'terminalId' | 'label'> {
    const { saleId, docType, customer, lines: ticketLines, voidedLines, ...extra } = ticket.value;
    return {
      id: saleId,
      docType,
      ...(customer ? { customerId: customer.id } : {}),
      lines: ticketLines.map((line) => ({ ...line })),
      voidedLines: (voidedLines ?? []).map((line) => ({ ...line })),
      extra,
      itemCount: itemCount.value,
      total: total.value,
    };
  }

  /**
   * Puts a resumed ticket on screen as a new sale (the parked id is spent), its lines at the
   * prices seen when it was parked; a price changed since then moves as a live change does, with
   * its notice. Lines voided on this empty ticket stay, to be audited with the sale.
   */
  function restore(parked: z.output<typeof ParkedTicket>): void {
    const voidedHere = ticket.value.voidedLines ?? [];
    // Parked by a till from its cart, so its lines are cart lines.
    const lines = parked.lines as unknown as CartLine[];
    ticket.value = {
      ...parked.extra,
      saleId: randomUuid(),
      docType: parked.docType === 33 ? 33 : 39,
      customer: parked.customer,
      lines,
      voidedLines: [...(parked.voidedLines as unknown as CartLine[]), ...voidedHere],
    };
    selectedLineId.value = lines.at(-1)?.lineId ?? null;
    clearPriceNotices();
    catalogPrices.clear();
    for (const line of lines) catalogPrices.set(line.productId, line.unitPrice);
    followCatalogPrices();
  }

  /** Starts the next customer's ticket with a new sale id. */
  function reset(): void {
    ticket.value = newTicket();
    selectedLineId.value = null;
    clearPriceNotices();
    catalogPrices.clear();
  }

  /** The server acknowledged a sale: if it is this ticket's, the next customer starts. */
  function settle(saleId: string): void {
    if (ticket.value.saleId === saleId) reset();
  }

  /** Restores the ticket left open on this terminal (reload, crash), then saves every change. */
  async function start(): Promise<void> {
    if (db) return;
    const session = useSessionStore();
    db = await posDbFor(session.tenantSlug!, session.storeId!);
    const saved = await db.get<Ticket>('tickets', OPEN_TICKET_KEY);
    if (!saved) return;
    ticket.value = saved;
    // A restored line priced before a change this POS missed takes the catalog's price on the next sync.
    for (const line of saved.lines) catalogPrices.set(line.productId, line.unitPrice);
  }

  watch(
    ticket,
    (value) => {
      // A plain copy: IndexedDB cannot clone Vue's reactive proxies.
      void db?.put('tickets', JSON.parse(JSON.stringify(value)), OPEN_TICKET_KEY);
    },
    { deep: true },
  );

  return {
    ticket,
    selectedLineId,
    priceNotices,
    lines,
    subtotal,
    ticketDiscount,
    total,
    discountLimit,
    discountProblem,
    buyerRequired,
    awaitingBuyer,
    isEmpty,
    itemCount,
    addProduct,
    addScan,
    addScanWhenReady,
    setQuantity,
    step,
    voidLine,
    setDocType,
    select,
    setDiscount,
    approveDiscount,
    setCustomer,
    askBuyer,
    applyPrices,
    clearPriceNotices,
    toSale,
    toParked,
    restore,
    reset,
    settle,
    start,
  };
});
