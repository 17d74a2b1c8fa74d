/** `'2026-03-01T15:04:05.000Z'` → `'01-03-2026 12:04'` (with `seconds`, `12:04:05`) in the device's time zone. */
export function formatDateTime(iso: string, seconds = false): string {
  return new Date(iso).toLocaleString('es-CL', {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    ...(seconds ? { second: '2-digit' } : {}),
  });
}

/** A calendar day as the server sends it: `'2026-03-01'` → `'01-03-2026'` (no time zone shift). */
export function formatDay(day: string): string {
  const [year, month, date] = day.slice(0, 10).split('-');
  return `${date}-${month}-${year}`;
}

/** A moment after `reference`: its time alone on the same day (`'12:04'`), else as `formatDateTime`. */
export function formatLater(iso: string, reference: string): string {
  const day = (value: string) => new Date(value).toLocaleDateString('es-CL');
  if (day(iso) !== day(reference)) return formatDateTime(iso);
  return new Date(iso).toLocaleTimeString('es-CL', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
}
