import type { Receipt } from './receipt.ts';

/**
 * The receipt as plain text, the way it would look on paper: alignment applied, double-width
 * lines spaced out, the timbre shown as a placeholder box.
 */
export function receiptToText(receipt: Receipt): string {
  const lines: string[] = [];
  for (const block of receipt.blocks) {
    if (block.kind === 'feed') {
      for (let i = 0; i < block.lines; i++) lines.push('');
    } else if (block.kind === 'cut') {
      lines.push('', pad('- - - - - - - - corte - - - - - - - -', receipt.columns, 'center'), '');
    } else if (block.kind === 'pdf417') {
      const label = `[ PDF417 ${block.data.length} bytes ]`;
      lines.push(pad(label, receipt.columns, 'center'));
    } else {
      const { style } = block;
      const text = style.width === 2 ? [...block.text].join(' ') : block.text;
      lines.push(pad(text, receipt.columns, style.align));
    }
  }
  return `${lines.map((line) => line.trimEnd()).join('\n')}\n`;
}

function pad(text: string, columns: number, align: 'left' | 'center' | 'right'): string {
  const room = Math.max(0, columns - text.length);
  if (align === 'right') return ' '.repeat(room) + text;
  if (align === 'center') return ' '.repeat(Math.floor(room / 2)) + text;
  return text;
}
