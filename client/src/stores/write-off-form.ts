import { MAX_WRITE_OFF_QUANTITY, type WriteOffReason } from '@erp/shared/events/index';
import { divRoundHalfUp } from '@erp/shared/money';
import { randomUuid } from '@erp/shared/uuid';
import { t } from '../i18n/es-CL.ts';
import { parseQuantity, toMilli } from './quantity.ts';

/** A merma as typed in its form (tablet or back office). */
export interface WriteOffFields {
  quantity: string;
  /** '' until one is chosen. */
  reason: WriteOffReason | '';
  note: string;
}

export function emptyWriteOff(): WriteOffFields {
  return { quantity: '', reason: '', note: '' };
}

export type CheckedWriteOff =
  | { ok: true; input: { quantity: string; reason: WriteOffReason; note?: string } }
  | { ok: false; problem: string };

/**
 * What the form sends, or why not, in Spanish: the server checks the same (and answers the same
 * way), but a tablet says it before the person waits for an answer.
 */
export function checkWriteOff(fields: WriteOffFields, weighable: boolean): CheckedWriteOff {
  const quantity = parseQuantity(fields.quantity);
  if (quantity === null) return { ok: false, problem: t.writeOff.badQuantity };
  const milli = toMilli(quantity);
  if (!weighable && milli % 1000n !== 0n) return { ok: false, problem: t.writeOff.wholeUnits };
  if (milli > BigInt(MAX_WRITE_OFF_QUANTITY) * 1000n) {
    return { ok: false, problem: t.writeOff.tooMuch(MAX_WRITE_OFF_QUANTITY.toLocaleString('es-CL')) };
  }
  if (!fields.reason) return { ok: false, problem: t.writeOff.needReason };
  const note = fields.note.trim();
  return { ok: true, input: { quantity, reason: fields.reason, ...(note ? { note } : {}) } };
}

/**
 * round(quantity × PPP) in whole pesos, half up, as the server values the merma; exact integer
 * arithmetic on thousandths of a unit and millionths of a peso.
 * @example writeOffValue('0.345', '999.990000') === 345
 */
export function writeOffValue(quantity: string, averageCost: string): number {
  const [whole = '0', fraction = ''] = averageCost.split('.');
  const micro = BigInt(whole) * 1_000_000n + BigInt(fraction.padEnd(6, '0').slice(0, 6));
  return Number(divRoundHalfUp(toMilli(quantity) * micro, 1_000_000_000n));
}

/**
 * The id a screen sends with a merma: the same while the same merma is sent again (its answer
 * lost: the server answers the first instead of writing another), a new one once anything in it
 * changed (`merma` is the payload without its id).
 */
export function writeOffAttempts(): (merma: object) => string {
  let attempt: { fingerprint: string; id: string } | null = null;
  return (merma) => {
    const fingerprint = JSON.stringify(merma);
    if (attempt?.fingerprint !== fingerprint) attempt = { fingerprint, id: randomUuid() };
    return attempt.id;
  };
}
