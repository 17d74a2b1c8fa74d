/**
 * Unicode → printer byte tables for the ESC/POS code pages a Chilean receipt needs. CP437 (the
 * power-on default) lacks Á Í Ó Ú, so it is not offered (docs/hardware-protocols.md#code-pages).
 */

export const CODE_PAGES = ['cp858', 'cp850', 'wpc1252'] as const;
export type CodePage = (typeof CODE_PAGES)[number];

/** The `n` of `ESC t n` for each page (Epson numbering; clones may differ, hence per-printer config). */
export const CODE_PAGE_NUMBERS: Readonly<Record<CodePage, number>> = { cp850: 2, wpc1252: 16, cp858: 19 };

/** Bytes 0x80–0xFF of PC850 (IBM code page 850), in order. */
const CP850_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜø£Ø×ƒ' +
  'áíóúñÑªº¿®¬½¼¡«»░▒▓│┤ÁÂÀ©╣║╗╝¢¥┐' +
  '└┴┬├─┼ãÃ╚╔╩╦╠═╬¤ðÐÊËÈıÍÎÏ┘┌█▄¦Ì▀' +
  'ÓßÔÒõÕµþÞÚÛÙýÝ¯´\u00ad±‗¾¶§÷¸°¨·¹³²■\u00a0';

/** PC858 is PC850 with € in place of the dotless ı at 0xD5. */
const CP858_HIGH = CP850_HIGH.slice(0, 0x55) + '€' + CP850_HIGH.slice(0x56);

const WPC1252_HIGH = new TextDecoder('windows-1252').decode(
  Uint8Array.from({ length: 128 }, (_, i) => 0x80 + i),
);

function tableOf(high: string): Map<string, number> {
  const table = new Map<string, number>();
  for (let i = 0; i < high.length; i++) table.set(high[i]!, 0x80 + i);
  return table;
}

const TABLES: Record<CodePage, Map<string, number>> = {
  cp850: tableOf(CP850_HIGH),
  cp858: tableOf(CP858_HIGH),
  wpc1252: tableOf(WPC1252_HIGH),
};

/** Typographic characters people paste into product names, folded to what every page has. */
const FALLBACKS: Readonly<Record<string, string>> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u2013': '-',
  '\u2014': '-',
  '\u2026': '...',
};

/**
 * Encodes text for a code page: ASCII as is, other characters through the page's table, then a
 * fallback, and `?` when the page cannot print it. Control characters become spaces so text can
 * never inject an ESC/POS command.
 */
export function encodeText(text: string, page: CodePage): Buffer {
  const table = TABLES[page];
  const bytes: number[] = [];
  for (const ch of text.normalize('NFC')) {
    const code = ch.codePointAt(0)!;
    if (code >= 0x20 && code < 0x7f) bytes.push(code);
    else if (code < 0x20 || code === 0x7f) bytes.push(0x20);
    else if (table.has(ch)) bytes.push(table.get(ch)!);
    else if (FALLBACKS[ch]) bytes.push(...Buffer.from(FALLBACKS[ch], 'ascii'));
    else bytes.push(0x3f);
  }
  return Buffer.from(bytes);
}
