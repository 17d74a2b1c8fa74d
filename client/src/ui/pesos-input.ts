/**
 * Whole pesos from what a person types: `1990`, `1.990` or `$ 1.990` (the dot groups
 * thousands in es-CL). Null for anything else, decimals included: pesos have none.
 */
export function parsePesos(text: string): number | null {
  const cleaned = text.replace(/[$\s]/g, '');
  if (!/^\d{1,3}(\.\d{3})+$|^\d+$/.test(cleaned)) return null;
  const pesos = Number(cleaned.replace(/\./g, ''));
  return Number.isSafeInteger(pesos) && pesos <= 99_999_999 ? pesos : null;
}
