/** `HH:MM:SS` (or `HH:MM`) in Chile's time, where the server counts the day and the tills work. */
export function chileTime(iso: string, seconds = true): string {
  return new Date(iso).toLocaleTimeString('es-CL', {
    timeZone: 'America/Santiago',
    hour: '2-digit',
    minute: '2-digit',
    ...(seconds ? { second: '2-digit' } : {}),
    hourCycle: 'h23',
  });
}
