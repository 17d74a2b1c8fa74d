/**
 * SII XML files are ISO-8859-1: every text that goes into a tax document must fit in it.
 * Typographic characters that keyboards and phones insert are replaced by their plain
 * equivalent; anything else outside ISO-8859-1 (emoji, CJK…) is refused, because silently
 * dropping characters could change the meaning of a legal document.
 */

const REPLACEMENTS: Readonly<Record<string, string>> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201A': "'",
  '\u2032': "'",
  '\u201C': '"',
  '\u201D': '"',
  '\u201E': '"',
  '\u2033': '"',
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2013': '-',
  '\u2014': '-',
  '\u2212': '-',
  '\u2026': '...',
  '\u2022': '-',
  '\u00A0': ' ',
  '\u2007': ' ',
  '\u2009': ' ',
  '\u202F': ' ',
  '\u20AC': 'EUR',
  '\u2122': 'TM',
};

const REPLACEABLE = new RegExp(`[${Object.keys(REPLACEMENTS).join('')}]`, 'gu');

/** Control characters (C0 except TAB and LF, DEL, C1): XML 1.0 forbids or discourages them. CR is normalised to LF. */
function isForbiddenControl(codePoint: number): boolean {
  return (
    (codePoint < 0x20 && codePoint !== 0x09 && codePoint !== 0x0a) || (codePoint >= 0x7f && codePoint <= 0x9f)
  );
}

export type Latin1Result = { ok: true; text: string } | { ok: false; invalid: string[] };

/** Normalises a text for an SII document (NFC, typographic replacements, LF line ends, trimmed). */
export function toLatin1Text(input: string): Latin1Result {
  const normalized = input
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(REPLACEABLE, (ch) => REPLACEMENTS[ch]!)
    .trim();
  const invalid = new Set<string>();
  for (const ch of normalized) {
    const codePoint = ch.codePointAt(0)!;
    if (codePoint > 0xff || isForbiddenControl(codePoint)) invalid.add(ch);
  }
  return invalid.size === 0 ? { ok: true, text: normalized } : { ok: false, invalid: [...invalid] };
}
