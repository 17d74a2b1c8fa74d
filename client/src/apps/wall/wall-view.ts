import type { WallSnapshot, WallStoreSales } from '@erp/shared/events/index';

/** The wall's times are Chile's, as the tills'. */
export { chileTime } from '../../ui/chile-time.ts';

type Figures = WallStoreSales['figures'];
type Ticket = WallStoreSales['tickets'][number];

/** Figures of several stores together (the company): sums, and the average of the gross. */
export function sumFigures(list: readonly Figures[]): Figures {
  const sum = { total: 0, tickets: 0, returns: 0, returnsTotal: 0 };
  for (const f of list) {
    sum.total += f.total;
    sum.tickets += f.tickets;
    sum.returns += f.returns;
    sum.returnsTotal += f.returnsTotal;
  }
  const gross = sum.total + sum.returnsTotal;
  return { ...sum, averageTicket: sum.tickets > 0 ? Math.round(gross / sum.tickets) : 0 };
}

/** A color per store (in the snapshot's order), shared by its card and its part of the chart. */
const STORE_COLORS = ['#0b63ce', '#d9480f', '#2b8a3e', '#7048e8', '#c2255c', '#0c8599'];
export function storeColor(index: number): string {
  return STORE_COLORS[index % STORE_COLORS.length]!;
}

export interface HourBar {
  hour: number;
  total: number;
  tickets: number;
  /** Each store's part of the hour, in the order of the stores. */
  parts: { storeId: string; total: number }[];
}

/**
 * One bar per hour from opening to closing: at least 08–21, widened to any hour with sales and
 * to the current hour, so the chart keeps its shape through the day.
 */
export function hourBars(blocks: readonly WallStoreSales[], currentHour: number): HourBar[] {
  const hours = blocks.flatMap((b) => b.hourly.map((h) => h.hour));
  const first = Math.min(8, currentHour, ...hours);
  const last = Math.max(21, currentHour, ...hours);
  return Array.from({ length: last - first + 1 }, (_, i) => {
    const hour = first + i;
    const parts = blocks.map((b) => ({
      storeId: b.storeId,
      total: b.hourly.find((h) => h.hour === hour)?.total ?? 0,
    }));
    const tickets = blocks.reduce((sum, b) => sum + (b.hourly.find((h) => h.hour === hour)?.tickets ?? 0), 0);
    return { hour, total: parts.reduce((sum, p) => sum + p.total, 0), tickets, parts };
  });
}

/** The latest tickets of every store together, newest first. */
export function latestTickets(
  blocks: readonly WallStoreSales[],
  count: number,
): (Ticket & { storeId: string })[] {
  return blocks
    .flatMap((b) => b.tickets.map((t) => ({ ...t, storeId: b.storeId })))
    .sort((a, b) => b.issuedAt.localeCompare(a.issuedAt))
    .slice(0, count);
}

/** A "nice" round top for a chart axis: 1, 2 or 5 × 10ⁿ at or above `value`. */
export function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((m) => m * magnitude >= value)!;
  return step * magnitude;
}

/** Hour of the day (0–23) in Chile, where the server counts the day and its hours. */
export function chileHour(date: Date): number {
  return Number(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'America/Santiago',
      hour: '2-digit',
      hourCycle: 'h23',
    }).format(date),
  );
}

/** Names for the ids the wall's data carries, from its snapshot. */
export function directory(snapshot: WallSnapshot | null) {
  const index = (list: readonly { id: string; name: string }[] | undefined) =>
    new Map((list ?? []).map((item) => [item.id, item.name]));
  return {
    stores: index(snapshot?.stores),
    terminals: index(snapshot?.terminals),
    people: index(snapshot?.people),
    warehouses: index(snapshot?.warehouses),
  };
}

/** Canonical JSON (sorted keys), so the same audit entry read twice gives the same key. */
export function auditKey(entry: WallSnapshot['audit'][number]): string {
  const canonical = (value: unknown): string =>
    Array.isArray(value)
      ? `[${value.map(canonical).join(',')}]`
      : value && typeof value === 'object'
        ? `{${Object.keys(value)
            .sort()
            .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
            .join(',')}}`
        : JSON.stringify(value);
  return [entry.createdAt, entry.kind, entry.userId, entry.terminalId, canonical(entry.details)].join('|');
}
