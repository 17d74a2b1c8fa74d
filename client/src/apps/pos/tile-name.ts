/**
 * A product name as a tile shows it: the words that say what it is (clamped when long) and the
 * part that tells one size or variant from another ("1 L", "6 x 350 ml Lata", "Pack x2",
 * "Selección 2"), which a tile always shows in full. "Aceite Maravilla Chef 1 L" and
 * "Aceite Maravilla Chef 5 L" differ only there.
 */
export interface TileName {
  head: string;
  /** From the first size or pack word to the end; empty when the name has none. */
  variant: string;
}

const AMOUNT = String.raw`\d+(?:[.,]\d+)?`;
const UNIT =
  '(?:ml|cc|l|lt|lts|g|gr|grs|kg|mg|un|und|unidad(?:es)?|rollos?|bolsitas?|sobres?|c[aá]psulas?|hojas?|metros?|mts?|m)';
/** "1 L", "1,5 L", "900ml", "6 x 350 ml", "Pack 6 x 40 g". */
const SIZE = String.raw`(?:pack\s+)?${AMOUNT}\s*(?:x\s*${AMOUNT}\s*)?${UNIT}`;
/** "Pack 3", "Pack x2", "Selección 2". */
const PACK = String.raw`pack\s*x?\s*\d+|selecci[oó]n\s+\d+`;
const VARIANT = new RegExp(String.raw`(?:^|\s)((?:${SIZE}|${PACK})(?=\s|$).*)$`, 'iu');

export function tileName(name: string): TileName {
  const match = VARIANT.exec(name);
  const variant = match?.[1] ?? '';
  const head = name.slice(0, name.length - variant.length).trim();
  // A name that is all size ("1 kg") has nothing to split off.
  return head && variant ? { head, variant } : { head: name, variant: '' };
}
