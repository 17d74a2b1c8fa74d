import type { CodePage } from '../drivers/printer/code-pages.ts';
import { EscPosPrinter, type PrinterTransport } from '../drivers/printer/escpos-printer.ts';
import { TcpTransport } from '../drivers/printer/tcp-transport.ts';

/**
 * The hub's real ESC/POS driver pointed at a local (fake) TCP printer. `wrap` lets a test come
 * between the driver and its TCP link (e.g. to keep the printer busy).
 */
export function tcpPrinter(
  port: number,
  options: {
    id?: string;
    codePage?: CodePage;
    pdf417?: 'native' | 'raster';
    paperWidthMm?: 58 | 80;
    wrap?: (transport: PrinterTransport) => PrinterTransport;
  } = {},
): EscPosPrinter {
  const settings = {
    codePage: options.codePage ?? 'cp858',
    pdf417: options.pdf417 ?? 'native',
    paperWidthMm: options.paperWidthMm ?? 80,
  } as const;
  const info = {
    id: options.id ?? 'caja-1',
    name: 'Caja 1',
    connection: 'tcp',
    address: `tcp://127.0.0.1:${port}`,
    ...settings,
  } as const;
  const transport = new TcpTransport('127.0.0.1', port);
  return new EscPosPrinter(info, settings, options.wrap ? options.wrap(transport) : transport);
}

/** How many receipts a capture holds: each job starts with `ESC @`. */
export function countJobs(captured: Buffer): number {
  let count = 0;
  for (
    let i = captured.indexOf(Buffer.from([0x1b, 0x40]));
    i >= 0;
    i = captured.indexOf(Buffer.from([0x1b, 0x40]), i + 2)
  ) {
    count++;
  }
  return count;
}
