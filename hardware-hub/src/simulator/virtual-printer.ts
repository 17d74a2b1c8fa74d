import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PrinterCondition } from '../drivers/printer/escpos-status.ts';
import type { PrinterDriver, PrinterInfo } from '../drivers/printer/printer.ts';
import type { Logger } from '../logger.ts';
import { encodePng } from '../png.ts';
import type { Receipt } from '../receipts/receipt.ts';
import { receiptToText } from '../receipts/text.ts';
import { renderReceiptImage } from './receipt-image.ts';

/** A printer for demos: each receipt becomes a `.txt` and a `.png` a person can open. */
export class VirtualPrinter implements PrinterDriver {
  readonly info: PrinterInfo;
  readonly #outDir: string;
  readonly #logger: Logger;
  #printed = 0;

  constructor(id: string, paperWidthMm: 58 | 80, outDir: string, logger: Logger) {
    this.info = {
      id,
      name: `Impresora simulada ${id}`,
      connection: 'virtual',
      address: outDir,
      paperWidthMm,
      codePage: 'cp858',
      pdf417: 'raster',
    };
    this.#outDir = outDir;
    this.#logger = logger;
  }

  async status(): Promise<PrinterCondition> {
    return { state: 'ready', paperNearEnd: false };
  }

  async print(receipt: Receipt, beforeSend: () => Promise<void>): Promise<void> {
    await beforeSend();
    await mkdir(this.#outDir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const base = join(this.#outDir, `${stamp}-${this.info.id}-${++this.#printed}`);
    await writeFile(`${base}.txt`, receiptToText(receipt));
    await writeFile(`${base}.png`, encodePng(renderReceiptImage(receipt, this.info.paperWidthMm)));
    this.#logger.info(
      { printerId: this.info.id, files: [`${base}.txt`, `${base}.png`] },
      'receipt printed (simulated)',
    );
  }

  async kickDrawer(beforeSend: () => Promise<void>): Promise<void> {
    await beforeSend();
    this.#logger.info({ printerId: this.info.id }, 'cash drawer opened (simulated)');
  }

  async close(): Promise<void> {}
}
