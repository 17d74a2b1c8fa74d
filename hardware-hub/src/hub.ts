import { ok, type PrinterStatus, type PrintJobReport, type ScaleReading } from '@erp/shared';
import { toFailure } from './errors.ts';
import type { HubSocket } from './hub-connection.ts';
import type { LocalDevices } from './local-devices.ts';
import type { Logger } from './logger.ts';
import type { PrintSpool } from './spool.ts';

export interface HubOptions {
  socket: HubSocket;
  spool: PrintSpool;
  devices: LocalDevices;
  logger: Logger;
  version: string;
}

const REPORT_TIMEOUT_MS = 5000;

/**
 * Wires the server's requests to the devices and reports device state back. Every answer goes
 * through the ack; print-state reports are kept until the server acks them and re-sent on every
 * reconnect, while status and weight are state and are simply sent again when connected.
 */
export class Hub {
  readonly #socket: HubSocket;
  readonly #spool: PrintSpool;
  readonly #devices: LocalDevices;
  readonly #logger: Logger;
  readonly #version: string;
  /** Latest unacknowledged report per job. */
  readonly #unreported = new Map<string, PrintJobReport>();

  constructor(options: HubOptions) {
    this.#socket = options.socket;
    this.#spool = options.spool;
    this.#devices = options.devices;
    this.#logger = options.logger;
    this.#version = options.version;
    this.#spool.on('state', (report) => {
      this.#unreported.set(report.jobId, report);
      this.#report(report);
    });
    this.#spool.on('status', (status) => this.#sendStatus(status));
    for (const scale of options.devices.scales()) scale.onReading((reading) => this.#sendReading(reading));
    this.#listen();
  }

  #listen(): void {
    const socket = this.#socket;
    socket.on('connect', () => this.#onConnect());
    socket.on('print:job', (payload, ack) => {
      this.#spool.submit(payload).then(
        (report) => ack(ok(report)),
        (error) => ack(toFailure(error)),
      );
    });
    socket.on('drawer:kick', (payload, ack) => void this.#devices.drawerKick(payload).then(ack));
    socket.on('scale:tare', (payload, ack) => void this.#devices.scaleCommand(payload, 'tare').then(ack));
    socket.on('scale:zero', (payload, ack) => void this.#devices.scaleCommand(payload, 'zero').then(ack));
    socket.on('scale:watch', (payload, ack) => ack(this.#devices.scaleWatch(payload)));
  }

  #onConnect(): void {
    const socket = this.#socket;
    const printers = this.#spool.printers().map(({ info }) => ({
      printerId: info.id,
      name: info.name,
      connection: info.connection,
      paperWidthMm: info.paperWidthMm,
      pdf417: info.pdf417,
    }));
    const scales = this.#devices.scales().map(({ info }) => ({
      scaleId: info.id,
      name: info.name,
      protocol: info.protocol,
    }));
    socket.emit('hub:announce', { hubVersion: this.#version, printers, scales }, () => {});
    for (const status of this.#spool.statuses()) this.#sendStatus(status);
    for (const report of this.#unreported.values()) this.#report(report);
  }

  #report(report: PrintJobReport): void {
    if (!this.#socket.connected) return;
    this.#socket
      .timeout(REPORT_TIMEOUT_MS)
      .emitWithAck('print:state', report)
      .then((result) => {
        if (result.ok && this.#unreported.get(report.jobId) === report) this.#unreported.delete(report.jobId);
      })
      .catch(() =>
        this.#logger.warn({ jobId: report.jobId }, 'print state not acknowledged; re-sent on reconnect'),
      );
  }

  #sendStatus(status: PrinterStatus): void {
    if (this.#socket.connected) this.#socket.emit('printer:status', status, () => {});
  }

  /** Weight is state: a lost reading is replaced by the next, so it is never buffered. */
  #sendReading(reading: ScaleReading): void {
    if (this.#socket.connected) this.#socket.volatile.emit('scale:reading', reading, () => {});
  }
}
