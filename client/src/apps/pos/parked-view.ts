import { t } from '../../i18n/es-CL.ts';
import { chileTime } from '../../ui/chile-time.ts';

const NUMBERED = /^Espera (\d+)\b/;

/**
 * The name a parked ticket gets when the cashier types none: "Espera N · HH:MM", N one more than
 * the highest number waiting in the store (back to 1 once the list empties), time in Chile.
 */
export function defaultParkedLabel(waiting: readonly { label: string }[], now: Date): string {
  const numbers = waiting.map((ticket) => Number(NUMBERED.exec(ticket.label)?.[1] ?? 0));
  return t.pos.parked.defaultLabel(Math.max(0, ...numbers) + 1, chileTime(now.toISOString(), false));
}

/** How long a ticket has waited, in words ("hace 12 min"). */
export function parkedAge(parkedAt: string, now: number): string {
  return t.pos.parked.age(Math.max(0, Math.floor((now - Date.parse(parkedAt)) / 60_000)));
}
