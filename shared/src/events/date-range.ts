import { z } from 'zod';

/** A calendar day `AAAA-MM-DD` (Chile's date of the document, as sales store it). */
export const IsoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Fecha con formato AAAA-MM-DD')
  .refine((day) => new Date(`${day}T00:00:00Z`).toISOString().startsWith(day), 'Fecha no válida');

/** Whole days from `from` to `to`, both included. */
export function daysInRange(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

/**
 * Checks an optional day range of a query (`from` ≤ `to`, and at most `maxDays` long when given),
 * as a `superRefine` so the schema keeps reporting the field that is wrong.
 */
export function checkDayRange(maxDays?: number) {
  return (value: { from?: string | undefined; to?: string | undefined }, ctx: z.RefinementCtx) => {
    if (!value.from || !value.to) return;
    const days = daysInRange(value.from, value.to);
    if (days < 1) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'La fecha final es anterior a la inicial.' });
    } else if (maxDays !== undefined && days > maxDays) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: `El período no puede superar ${maxDays} días.` });
    }
  };
}
