/** Numbers as es-CL writes them, for the business sections' tables. */

/** A quantity with up to 3 decimals as the server sends it: `'1.500'` → `'1,5'`, `'12.000'` → `'12'`. */
export function formatQuantity(value: string): string {
  return Number(value).toLocaleString('es-CL', { maximumFractionDigits: 3 });
}

/** A net unit cost (6 decimals) in pesos, with decimals only when it has them: `$1.234,5`. */
export function formatCost(value: string): string {
  return `$${Number(value).toLocaleString('es-CL', { maximumFractionDigits: 2 })}`;
}

/** `part` as a percentage of `whole` with one decimal (`41,2 %`); a dash without a whole. */
export function formatPercent(part: number | null, whole: number | null): string {
  if (part === null || !whole) return '—';
  return `${(Math.round((part * 1000) / whole) / 10).toLocaleString('es-CL', { minimumFractionDigits: 1 })} %`;
}
