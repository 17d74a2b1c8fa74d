/** Store time zone for printed dates; the server sends instants, the paper shows local time. */
export const DEFAULT_TIME_ZONE = 'America/Santiago';

export const PAYMENT_LABELS = {
  cash: 'Efectivo',
  card: 'Tarjeta',
  debit: 'Tarjeta de débito',
  credit: 'Tarjeta de crédito',
  transfer: 'Transferencia',
  voucher: 'Vale',
  fiado: 'Fiado (cuenta cliente)',
  other: 'Otro medio de pago',
} as const;

/** `2026-03-12T17:35:00Z` → `12-03-2026 14:35` in the store's time zone. */
export function formatDateTime(instant: string, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('es-CL', {
      timeZone,
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(instant))
      .map((part) => [part.type, part.value]),
  );
  return `${parts.day}-${parts.month}-${parts.year} ${parts.hour}:${parts.minute}`;
}

/** `2026-03-12` → `12-03-2026`. */
export function formatDate(isoDate: string): string {
  const [year, month, day] = isoDate.split('-');
  return `${day}-${month}-${year}`;
}

/**
 * Quantities as Chileans read them: decimal comma, grouped thousands; weighed goods always with
 * three decimals. Works on the decimal text, never through a float.
 * @example formatQuantity('0.75', 'kg') === '0,750 kg'; formatQuantity('12', 'un') === '12'
 */
export function formatQuantity(quantity: string, unit: 'un' | 'kg'): string {
  const [integer = '0', fraction = ''] = quantity.split('.');
  const grouped = integer.replace(/^0+(?=\d)/, '').replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  if (unit === 'kg') return `${grouped},${fraction.padEnd(3, '0')} kg`;
  return fraction.replace(/0+$/, '') ? `${grouped},${fraction.replace(/0+$/, '')}` : grouped;
}
