/**
 * Conversions for row→view mappers: pg returns timestamps as Date and numeric/bigint columns as
 * text (they may not fit a JS number in general; pesos and counts here always do).
 */

/** ISO-8601 text of a timestamp column (pg returns Date; raw text also accepted). */
export function isoTime(value: Date | string): string {
  return new Date(value).toISOString();
}

/** ISO text or null. */
export function isoTimeOrNull(value: Date | string | null): string | null {
  return value === null ? null : isoTime(value);
}

/** A numeric/bigint column (pg returns text) as a JS number; pesos are integers. */
export function num(value: string | number): number {
  return Number(value);
}

export function numOrNull(value: string | number | null): number | null {
  return value === null ? null : num(value);
}
