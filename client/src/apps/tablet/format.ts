import { formatClp } from '@erp/shared/money';
import { formatQuantity } from '../../stores/quantity.ts';

/**
 * A stock quantity as the wire sends it (3 decimals, may be negative) for people:
 * `'12.000'` → `'12'`, `'-0.500'` kg → `'-0,500 kg'`.
 */
export function formatStock(quantity: string, weighable = false): string {
  const negative = quantity.startsWith('-');
  const text = formatQuantity(negative ? quantity.slice(1) : quantity, weighable);
  return negative && /[1-9]/.test(quantity) ? `-${text}` : text;
}

/** A signed movement: `'+12'`, `'-2'`. */
export function formatDelta(quantity: string, weighable = false): string {
  const text = formatStock(quantity, weighable);
  return text.startsWith('-') ? text : `+${text}`;
}

/**
 * A unit cost or PPP (net, up to 6 decimals) in pesos with at most 2 decimals, rounded half up:
 * `'512.345678'` → `'$512,35'`, `'1500.000000'` → `'$1.500'`. Exact integer arithmetic. A cost
 * the server left out (the role does not see costs) shows as a dash.
 */
export function formatCost(cost: string | undefined): string {
  if (cost === undefined) return '—';
  const negative = cost.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? cost.slice(1) : cost).split('.');
  const digits = fraction.padEnd(3, '0');
  let cents = BigInt(whole) * 100n + BigInt(digits.slice(0, 2));
  if (Number(digits[2]) >= 5) cents += 1n;
  const pesos = formatClp(Number(cents / 100n));
  const rest = cents % 100n;
  const text = rest === 0n ? pesos : `${pesos},${String(rest).padStart(2, '0')}`;
  return negative && cents !== 0n ? `-${text}` : text;
}

const WHEN = new Intl.DateTimeFormat('es-CL', {
  day: '2-digit',
  month: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** `'2026-11-24T13:05:00.000Z'` → `'24-11 10:05'` (day-month, 24 h) in the device's time zone. */
export function formatWhen(iso: string): string {
  // Some ICU builds drop the leading zero of `2-digit` days: padded here.
  const part = Object.fromEntries(
    WHEN.formatToParts(new Date(iso)).map((p) => [p.type, p.value.padStart(2, '0')]),
  );
  return `${part.day}-${part.month} ${part.hour}:${part.minute}`;
}
