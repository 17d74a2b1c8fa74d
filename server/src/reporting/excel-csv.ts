/** A decimal already written the es-CL way (`1,5`): a number to Excel, never escaped as text. */
export interface CsvDecimal {
  decimal: string;
}

/** A cell: text is quoted when needed; numbers are written as they are (integer pesos, counts). */
export type CsvCell = string | number | null | CsvDecimal;

const NEEDS_QUOTES = /[";\r\n]/;
/** Text Excel would run as a formula (CSV injection): `=`, `+`, `-`, `@`, tab, CR. */
const FORMULA_START = /^[=+\-@\t\r]/;

function cellText(cell: CsvCell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return String(cell);
  if (typeof cell === 'object') return cell.decimal;
  const text = FORMULA_START.test(cell) ? `'${cell}` : cell;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * CSV as Excel in Chile opens it with a double click: UTF-8 with a byte order mark (else accents
 * break), `;` between cells (the list separator of es-CL, where `,` is the decimal mark), CRLF.
 */
export function excelCsv(rows: readonly (readonly CsvCell[])[]): string {
  return `\uFEFF${rows.map((row) => row.map(cellText).join(';')).join('\r\n')}\r\n`;
}

/** A decimal as es-CL writes it, so Excel reads a number: `1.500` → `1,5`. */
export function decimalComma(value: string): CsvDecimal {
  const [whole, fraction = ''] = value.split('.');
  const trimmed = fraction.replace(/0+$/, '');
  return { decimal: trimmed ? `${whole},${trimmed}` : whole! };
}
