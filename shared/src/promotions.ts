/**
 * Promotions: the one arithmetic the POS previews a cart with and the server charges it with, so
 * the cashier sees exactly what the customer pays.
 *
 * A promotion has a rule, a scope (products and/or categories, pooled: "mix" promotions count
 * units of any of them together), a store (or every store) and a schedule in Chile time: dates
 * (inclusive), weekdays and, optionally, hours (from inclusive, to exclusive). Rules:
 * - `buy_pay` N×M: of each N units, the N − M cheapest are free (2x1, 3x2);
 * - `pack_price`: N units for a price ("3 por $2.000");
 * - `second_unit`: of each 2 units, the cheaper one at X % off;
 * - `quantity_price`: from N units, every unit at a lower unit price.
 *
 * Units: only whole units of lines without a discount or a typed price take part (a weighed
 * line, a line discounted by hand, never). Units are ordered by price, dearest first (ties by
 * line), and grouped in that order, so each group's free or discounted unit is as dear as it can
 * be. A unit takes at most one promotion.
 *
 * Overlaps: greedy, best for the customer step by step. Every promotion that applies is valued
 * on the units still free; the one worth most takes its units (ties: the smaller id), then the
 * rest are valued again on what is left, until none is worth a peso. Each unit's discount is at
 * most its price, so no line ever comes to less than zero.
 */
import { percentOf } from './discount.ts';
import { divRoundHalfUp, formatClp } from './money.ts';

export const PROMOTION_KINDS = ['buy_pay', 'pack_price', 'second_unit', 'quantity_price'] as const;
export type PromotionKind = (typeof PROMOTION_KINDS)[number];

export type PromotionRule =
  | { kind: 'buy_pay'; buy: number; pay: number }
  | { kind: 'pack_price'; quantity: number; price: number }
  | { kind: 'second_unit'; percent: string }
  | { kind: 'quantity_price'; minQuantity: number; unitPrice: number };

/** A promotion as the engine needs it (the event contract's `PromotionView` is one). */
export interface Promotion {
  id: string;
  name: string;
  rule: PromotionRule;
  productIds: readonly string[];
  /** Product categories (the catalog's category names). */
  categories: readonly string[];
  /** Null: every store. */
  storeId: string | null;
  /** YYYY-MM-DD, both inclusive. */
  startsOn: string;
  endsOn: string;
  /** ISO weekdays it runs on: 1 Monday … 7 Sunday. */
  weekdays: readonly number[];
  /** HH:MM, from inclusive and to exclusive; both null: all day. */
  fromTime: string | null;
  toTime: string | null;
  active: boolean;
}

/** An instant as promotions read it: the calendar day, weekday and time in Chile. */
export interface ChileMoment {
  date: string;
  weekday: number;
  /** HH:MM, 24 h. */
  time: string;
}

const CHILE_PARTS = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/Santiago',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  weekday: 'short',
  hourCycle: 'h23',
});
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export function chileMoment(at: Date): ChileMoment {
  const part = Object.fromEntries(CHILE_PARTS.formatToParts(at).map((p) => [p.type, p.value]));
  return {
    date: `${part.year}-${part.month}-${part.day}`,
    weekday: WEEKDAYS.indexOf(part.weekday!) + 1,
    time: `${part.hour}:${part.minute}`,
  };
}

/** Whether a promotion runs at `moment` in `storeId`. */
export function promotionRuns(promotion: Promotion, storeId: string, moment: ChileMoment): boolean {
  return (
    promotion.active &&
    (promotion.storeId === null || promotion.storeId === storeId) &&
    promotion.startsOn <= moment.date &&
    moment.date <= promotion.endsOn &&
    promotion.weekdays.includes(moment.weekday) &&
    (promotion.fromTime === null ||
      promotion.toTime === null ||
      (promotion.fromTime <= moment.time && moment.time < promotion.toTime))
  );
}

/** A cart line as promotions see it: IVA-included unit price in pesos. */
export interface PromotionLine {
  productId: string;
  category: string;
  /** Wire form: `'3'`, `'3.000'`, `'0.750'`. */
  quantity: string;
  unitPrice: number;
  /** False for lines that take no promotion: weighed, discounted by hand or priced by hand. */
  eligible: boolean;
}

/** What one promotion took off one line. */
export interface LinePromotion {
  promotionId: string;
  name: string;
  amount: number;
}

export interface LinePromotions {
  /** Pesos all its promotions take off the line (IVA included). */
  discount: number;
  promotions: LinePromotion[];
}

/** What a promotion would do with the units still free: pesos and units per line. */
interface Valuation {
  total: number;
  discounts: Map<number, number>;
  taken: Map<number, number>;
}

/** Units of one line at one price, as a run of the price-ordered units. */
interface Run {
  line: number;
  price: number;
  count: number;
}

/** Whole units of a quantity, or null for a fraction. */
function wholeUnits(quantity: string): number | null {
  const [whole, fraction = ''] = quantity.split('.');
  if (/[1-9]/.test(fraction)) return null;
  return Number(whole);
}

const add = (map: Map<number, number>, key: number, value: number) => {
  if (value !== 0) map.set(key, (map.get(key) ?? 0) + value);
};

/** The size of a rule's groups of units; `quantity_price` takes all of them at once. */
function groupSize(rule: PromotionRule): number {
  switch (rule.kind) {
    case 'buy_pay':
      return rule.buy;
    case 'pack_price':
      return rule.quantity;
    case 'second_unit':
      return 2;
    case 'quantity_price':
      return 0;
  }
}

/** Pesos a group of units (dearest first) takes off each of its units, in order. */
function groupDiscounts(rule: PromotionRule, prices: readonly number[]): number[] {
  switch (rule.kind) {
    case 'buy_pay':
      return prices.map((price, i) => (i >= rule.pay ? price : 0));
    case 'second_unit':
      return prices.map((price, i) => (i === 1 ? Number(percentOf(BigInt(price), rule.percent)) : 0));
    case 'pack_price': {
      const sum = prices.reduce((s, p) => s + p, 0);
      return sum > rule.price ? shares(sum - rule.price, prices) : prices.map(() => 0);
    }
    case 'quantity_price':
      return prices.map((price) => Math.max(0, price - rule.unitPrice));
  }
}

/** `total` (< the sum of `amounts`) split in proportion to them, by cumulative rounding. */
function shares(total: number, amounts: readonly number[]): number[] {
  const all = BigInt(amounts.reduce((s, a) => s + a, 0));
  let before = 0n;
  let cumulative = 0n;
  return amounts.map((amount) => {
    cumulative += BigInt(amount);
    const upTo = divRoundHalfUp(BigInt(total) * cumulative, all);
    const share = upTo - before;
    before = upTo;
    return Number(share);
  });
}

/** Values a promotion on the free units of the lines in its scope. */
function valuate(promotion: Promotion, runs: readonly Run[]): Valuation {
  const valuation: Valuation = { total: 0, discounts: new Map(), taken: new Map() };
  const units = runs.reduce((sum, run) => sum + run.count, 0);
  const { rule } = promotion;
  const size = groupSize(rule);
  if (rule.kind === 'quantity_price') {
    if (units < rule.minQuantity) return valuation;
    for (const run of runs) {
      const off = Math.max(0, run.price - rule.unitPrice) * run.count;
      add(valuation.discounts, run.line, off);
      add(valuation.taken, run.line, run.count);
      valuation.total += off;
    }
    return valuation;
  }
  // Groups of `size` consecutive units, dearest first. Inside one run every group is the same,
  // so they are counted at once; a group across runs is taken unit by unit.
  let index = 0;
  let used = 0;
  let left = units;
  while (left >= size) {
    const run = runs[index]!;
    const inRun = run.count - used;
    if (inRun >= size) {
      const groups = Math.floor(inRun / size);
      const each = groupDiscounts(rule, Array(size).fill(run.price)).reduce((s, d) => s + d, 0);
      if (each === 0) break;
      add(valuation.discounts, run.line, each * groups);
      add(valuation.taken, run.line, size * groups);
      valuation.total += each * groups;
      used += groups * size;
      left -= groups * size;
    } else {
      const members: { line: number; price: number }[] = [];
      while (members.length < size) {
        const current = runs[index]!;
        members.push({ line: current.line, price: current.price });
        used += 1;
        if (used === current.count) {
          index += 1;
          used = 0;
        }
      }
      const offs = groupDiscounts(
        rule,
        members.map((m) => m.price),
      );
      const each = offs.reduce((s, d) => s + d, 0);
      // Groups only get cheaper from here: once one is worth nothing, so are the rest.
      if (each === 0) break;
      members.forEach((m, i) => {
        add(valuation.discounts, m.line, offs[i]!);
        add(valuation.taken, m.line, 1);
      });
      valuation.total += each;
      left -= size;
      continue;
    }
    if (used === run.count) {
      index += 1;
      used = 0;
    }
  }
  return valuation;
}

/**
 * Each line's promotion discount for the promotions running at `moment` in `storeId`. Integer
 * pesos, deterministic, never more than a line's gross.
 */
export function applyPromotions(
  lines: readonly PromotionLine[],
  promotions: readonly Promotion[],
  storeId: string,
  moment: ChileMoment,
): LinePromotions[] {
  const result: LinePromotions[] = lines.map(() => ({ discount: 0, promotions: [] }));
  const free = lines.map((line) =>
    line.eligible && line.unitPrice > 0 ? (wholeUnits(line.quantity) ?? 0) : 0,
  );
  let candidates = promotions
    .filter((p) => promotionRuns(p, storeId, moment))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  while (candidates.length > 0) {
    let best: { promotion: Promotion; valuation: Valuation } | null = null;
    for (const promotion of candidates) {
      const products = new Set(promotion.productIds);
      const categories = new Set(promotion.categories);
      const runs = lines
        .map((line, i): Run => ({ line: i, price: line.unitPrice, count: free[i]! }))
        .filter(
          (run) =>
            run.count > 0 &&
            (products.has(lines[run.line]!.productId) || categories.has(lines[run.line]!.category)),
        )
        .sort((a, b) => b.price - a.price || a.line - b.line);
      const valuation = valuate(promotion, runs);
      if (valuation.total > 0 && (!best || valuation.total > best.valuation.total)) {
        best = { promotion, valuation };
      }
    }
    if (!best) break;
    const { promotion, valuation } = best;
    for (const [line, taken] of valuation.taken) free[line]! -= taken;
    for (const [line, amount] of valuation.discounts) {
      result[line]!.discount += amount;
      result[line]!.promotions.push({ promotionId: promotion.id, name: promotion.name, amount });
    }
    candidates = candidates.filter((p) => p !== promotion);
  }
  return result;
}

/** What a line's promotions say on a receipt or document: their names. */
export function promotionLabel(promotions: readonly LinePromotion[]): string {
  return promotions.map((p) => p.name).join(' + ');
}

/** A rule in words, for lists: "2x1", "3 por $2.000", "2ª unidad 50%", "desde 6 a $990 c/u". */
export function ruleText(rule: PromotionRule): string {
  switch (rule.kind) {
    case 'buy_pay':
      return `${rule.buy}x${rule.pay}`;
    case 'pack_price':
      return `${rule.quantity} por ${formatClp(rule.price)}`;
    case 'second_unit':
      return `2ª unidad ${rule.percent.replace('.', ',')}%`;
    case 'quantity_price':
      return `desde ${rule.minQuantity} a ${formatClp(rule.unitPrice)} c/u`;
  }
}
