/**
 * What the return screen's scan field received, read as a pointer to the original sale.
 *
 * A printed boleta carries its timbre: a PDF417 of the TED XML. A 2D scanner in keyboard-wedge
 * mode types that XML into the field; `<TD>` is the document type and `<F>` the folio, and the
 * TED also states the issue date (`<FE>`) and the total (`<MNT>`), which are checked against
 * the sale found: a receipt of another company can share its type and folio.
 * A cashier may also type `39-1234` (type and folio) or just the folio of the chosen type.
 */

/** Document types a return can credit: boletas and facturas, taxed or exempt. */
export const RETURNABLE_DOC_TYPES = [39, 33, 41, 34] as const;
export type ReturnableDocType = (typeof RETURNABLE_DOC_TYPES)[number];

export interface ScannedSale {
  docType: number;
  folio: number;
  /** Present when the text was a TED: what the timbre says, to check against the sale found. */
  ted?: { issueDate: string; total: number };
}

function tag(text: string, name: string): string | null {
  return new RegExp(`<${name}>\\s*([^<]*?)\\s*</${name}>`).exec(text)?.[1] ?? null;
}

const isReturnable = (docType: number): boolean =>
  (RETURNABLE_DOC_TYPES as readonly number[]).includes(docType);
const positive = (digits: string): number | null => {
  const n = Number(digits);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
};

/**
 * The sale a scanned timbre or typed text points at, or null when it names none. `docType` is
 * the type chosen on screen, used when only a folio was typed.
 */
export function parseSaleReference(text: string, docType: ReturnableDocType): ScannedSale | null {
  const clean = text.trim();
  if (/<TD>/.test(clean)) {
    const type = tag(clean, 'TD');
    const folio = tag(clean, 'F');
    if (!type || !folio || !/^\d+$/.test(type) || !/^\d+$/.test(folio)) return null;
    const parsedFolio = positive(folio);
    if (!isReturnable(Number(type)) || parsedFolio === null) return null;
    const total = tag(clean, 'MNT');
    return {
      docType: Number(type),
      folio: parsedFolio,
      ted: {
        issueDate: tag(clean, 'FE') ?? '',
        total: total && /^\d+$/.test(total) ? Number(total) : -1,
      },
    };
  }
  const typed = /^(\d{2})\s*[-/ ]\s*(\d{1,10})$/.exec(clean);
  if (typed) {
    const folio = positive(typed[2]!);
    return isReturnable(Number(typed[1])) && folio !== null ? { docType: Number(typed[1]), folio } : null;
  }
  if (/^\d{1,10}$/.test(clean)) {
    const folio = positive(clean);
    return folio === null ? null : { docType, folio };
  }
  return null;
}

/** True when the timbre states the date and total of the sale found (no timbre: nothing to check). */
export function tedMatches(scan: ScannedSale, sale: { issueDate: string; total: number }): boolean {
  return !scan.ted || (scan.ted.issueDate === sale.issueDate && scan.ted.total === sale.total);
}
