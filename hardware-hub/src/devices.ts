import { join } from 'node:path';
import type { HubConfig } from './config.ts';
import { EscPosPrinter } from './drivers/printer/escpos-printer.ts';
import type { PrinterDriver } from './drivers/printer/printer.ts';
import { SerialTransport } from './drivers/printer/serial-transport.ts';
import { TcpTransport } from './drivers/printer/tcp-transport.ts';
import { SCALE_PROTOCOLS } from './drivers/scale/protocols.ts';
import type { ScaleDriver } from './drivers/scale/scale.ts';
import { SerialScale } from './drivers/scale/serial-scale.ts';
import type { Logger } from './logger.ts';
import { VirtualPrinter } from './simulator/virtual-printer.ts';
import { VirtualScale } from './simulator/virtual-scale.ts';

/** A serial printer's line settings when the configuration gives none (the common factory default). */
const DEFAULT_PRINTER_SERIAL = { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 } as const;

export interface Devices {
  printers: PrinterDriver[];
  scales: ScaleDriver[];
}

/** Builds the configured printers and scales, or virtual ones in simulator mode. */
export function createDevices(config: HubConfig, simulate: boolean, logger: Logger): Devices {
  if (simulate) {
    const printers = (
      config.printers.length > 0 ? config.printers : [{ id: 'caja-1', paperWidthMm: 80 as const }]
    ).map(
      (printer) =>
        new VirtualPrinter(printer.id, printer.paperWidthMm, join(config.dataDir, 'receipts'), logger),
    );
    const scales = (config.scales.length > 0 ? config.scales : [{ id: 'balanza-1' }]).map(
      (scale) => new VirtualScale(scale.id),
    );
    return { printers, scales };
  }
  const printers = config.printers.map((printer) => {
    const { connection } = printer;
    const transport =
      connection.type === 'tcp'
        ? new TcpTransport(connection.host, connection.port)
        : new SerialTransport(connection.path, { ...DEFAULT_PRINTER_SERIAL, ...connection.serial });
    const address =
      connection.type === 'tcp' ? `tcp://${connection.host}:${connection.port}` : connection.path;
    const settings = {
      codePage: printer.codePage,
      pdf417: printer.pdf417,
      paperWidthMm: printer.paperWidthMm,
    };
    return new EscPosPrinter(
      { id: printer.id, name: printer.name, connection: connection.type, address, ...settings },
      settings,
      transport,
    );
  });
  const scales = config.scales.map((scale) => {
    const driver = new SerialScale(scale.id, scale.name, SCALE_PROTOCOLS[scale.protocol], {
      path: scale.path,
      serial: scale.serial,
      logger,
    });
    driver.start();
    return driver;
  });
  return { printers, scales };
}
