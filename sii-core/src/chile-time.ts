/**
 * SII timestamps (TSTED, TmstFirma, TmstFirmaEnv) are `AAAA-MM-DDTHH:MI:SS` in Chile's local
 * time with no zone [FMT-DTE H].
 */
const formatter = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/Santiago',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

export function chileTimestamp(date: Date): string {
  const part: Record<string, string> = {};
  for (const { type, value } of formatter.formatToParts(date)) part[type] = value;
  return `${part.year}-${part.month}-${part.day}T${part.hour}:${part.minute}:${part.second}`;
}
