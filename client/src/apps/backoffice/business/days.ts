import { daysInRange, MAX_REPORT_DAYS } from '@erp/shared/events/index';

/** Calendar days as the server filters them: Chile's days, written `AAAA-MM-DD`. */
const chileDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/Santiago',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** Today in Chile, whatever the device's time zone. */
export function chileToday(now = new Date()): string {
  return chileDay.format(now);
}

/** `day` moved by `days` (negative: earlier). */
export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** The first day of `day`'s month. */
export function monthStart(day: string): string {
  return `${day.slice(0, 8)}01`;
}

/**
 * Why a report's period cannot be asked for, in Spanish (the server's own check, said before
 * asking), or null; also null while a day is missing.
 */
export function reportPeriodProblem(from: string, to: string): string | null {
  if (!from || !to) return null;
  const days = daysInRange(from, to);
  if (days < 1) return 'La fecha final es anterior a la inicial.';
  if (days > MAX_REPORT_DAYS) return `El período no puede superar ${MAX_REPORT_DAYS} días.`;
  return null;
}
