import { ReceiptLayout } from './layout.ts';
import type { Receipt } from './receipt.ts';

export interface TestPageInfo {
  columns: number;
  printerName: string;
  connection: string;
  codePage: string;
  pdf417Mode: string;
  paperWidthMm: number;
  printedAt: string;
}

/** Every letter a Spanish receipt needs; if one prints wrong, the printer's code page setting is wrong. */
export const CODE_PAGE_SAMPLE = 'ñ Ñ á é í ó ú Á É Í Ó Ú ü ¿ ¡ °';

/** Self-test page: settings, code page check, styles, a PDF417 sample and the full width. */
export function renderTestPage(info: TestPageInfo): Receipt {
  const out = new ReceiptLayout(info.columns);
  out.center('PÁGINA DE PRUEBA', { bold: true, width: 2, height: 2 });
  out.center(info.printerName);
  out.rule('=');
  out.text(`Conexión: ${info.connection}`);
  out.text(`Papel: ${info.paperWidthMm} mm (${info.columns} columnas)`);
  out.text(`Página de códigos: ${info.codePage}`);
  out.text(`PDF417: ${info.pdf417Mode === 'native' ? 'nativo' : 'imagen'}`);
  out.text(`Fecha: ${info.printedAt}`);
  out.rule();
  out.text('Caracteres:', { bold: true });
  out.center(CODE_PAGE_SAMPLE);
  out.center('¿Año? ¡Señor Muñoz! CAMIÓN ELECTRÓNICO');
  out.rule();
  out.text('Izquierda');
  out.center('Centro');
  out.text('Derecha', { align: 'right' });
  out.text('Negrita', { bold: true });
  out.text('Doble tamaño', { width: 2, height: 2 });
  out.text('0123456789'.repeat(Math.ceil(info.columns / 10)).slice(0, info.columns));
  out.feed();
  out.pdf417(Buffer.from('Prueba PDF417: ñandú ÑANDÚ', 'latin1'));
  out.center('Si lee este código, el timbre se imprimirá bien.');
  return out.build();
}
