import type { Receipt, ReceiptBlock, TextStyle } from './receipt.ts';

const PLAIN: TextStyle = { align: 'left', bold: false, width: 1, height: 1 };

/** Splits text into lines of at most `width` characters, at spaces when possible; keeps each paragraph's indent. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    const indent = /^ */.exec(paragraph)![0].slice(0, Math.max(0, width - 1));
    const room = width - indent.length;
    let current = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      let rest = word;
      while (rest.length > room) {
        if (current) lines.push(indent + current);
        lines.push(indent + rest.slice(0, room));
        rest = rest.slice(room);
        current = '';
      }
      if (!current) current = rest;
      else if (current.length + 1 + rest.length <= room) current += ` ${rest}`;
      else {
        lines.push(indent + current);
        current = rest;
      }
    }
    lines.push(current ? indent + current : '');
  }
  return lines;
}

/**
 * Lays out a receipt line by line for a fixed number of columns.
 * @example new ReceiptLayout(48).center('BOLETA ELECTRÓNICA', { bold: true }).pair('TOTAL', '$1.990').build()
 */
export class ReceiptLayout {
  readonly #columns: number;
  readonly #blocks: ReceiptBlock[] = [];

  constructor(columns: number) {
    this.#columns = columns;
  }

  /** Wrapped text; double-width text gets half the columns. */
  text(text: string, style: Partial<TextStyle> = {}): this {
    const full = { ...PLAIN, ...style };
    for (const line of wrap(text, Math.floor(this.#columns / full.width))) {
      this.#blocks.push({ kind: 'text', text: line, style: full });
    }
    return this;
  }

  center(text: string, style: Partial<Omit<TextStyle, 'align'>> = {}): this {
    return this.text(text, { ...style, align: 'center' });
  }

  /** A label on the left and a value flush right; the label wraps when both don't fit. */
  pair(label: string, value: string, style: Partial<Omit<TextStyle, 'align'>> = {}): this {
    const full = { ...PLAIN, ...style, align: 'left' as const };
    const width = Math.floor(this.#columns / full.width);
    const labelLines = wrap(label, Math.max(1, width - value.length - 1));
    const last = labelLines.pop() ?? '';
    for (const line of labelLines) this.#blocks.push({ kind: 'text', text: line, style: full });
    this.#blocks.push({ kind: 'text', text: last + value.padStart(width - last.length), style: full });
    return this;
  }

  rule(char = '-'): this {
    this.#blocks.push({ kind: 'text', text: char.repeat(this.#columns), style: PLAIN });
    return this;
  }

  pdf417(data: Buffer): this {
    this.#blocks.push({ kind: 'pdf417', data });
    return this;
  }

  feed(lines = 1): this {
    this.#blocks.push({ kind: 'feed', lines });
    return this;
  }

  cut(): this {
    this.#blocks.push({ kind: 'cut' });
    return this;
  }

  build(): Receipt {
    return { columns: this.#columns, blocks: [...this.#blocks] };
  }
}
