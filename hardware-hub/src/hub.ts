import {
  DrawerKick,
  fail,
  ok,
  type PrinterStatus,
  type PrintJobReport,
  ScaleCommand,
  type ScaleReading,
  ScaleWatch,
} from '@erp/shared';
import { PrinterUnreachableError } from './drivers/printer/printer.ts';
import type { ScaleDriver } from './drivers/scale/scale.ts';
import { assertNotExpired, HubError, parsePayload, toFailure } from './errors.ts';
import type { HubSocket } from './hub-connection.ts';
import type { Logger } from './logger.ts';
import type { PrintSpool } from './spool.ts';

export interface HubOptions {
  socket: HubSocket;
  spool: PrintSpool;
  scales: ScaleDriver[];
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
  readonly #scales: Map<string, ScaleDriver>;
  readonly #logger: Logger;
  readonly #version: string;
  /** Latest unacknowledged report per job. */
  readonly #unreported = new Map<string, PrintJobReport>();

  constructor(options: HubOptions) {
    this.#socket = options.socket;
    this.#spool = options.spool;
    this.#scales = new Map(options.scales.map((scale) => [scale.info.id, scale]));
    this.#logger = options.logger;
    this.#version = options.version;
    this.#spool.on('state', (report) => {
      this.#unreported.set(report.jobId, report);
      this.#report(report);
    });
    this.#spool.on('status', (status) => this.#sendStatus(status));
    for (const scale of options.scales) scale.onReading((reading) => this.#sendReading(reading));
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
    socket.on('drawer:kick', (payload, ack) => {
      this.#drawerKick(payload).then(ack, (error) => ack(this.#failure(error)));
    });
    socket.on('scale:tare', (payload, ack) => {
      this.#scaleCommand(payload, 'tare').then(ack, (error) => ack(this.#failure(error)));
    });
    socket.on('scale:zero', (payload, ack) => {
      this.#scaleCommand(payload, 'zero').then(ack, (error) => ack(this.#failure(error)));
    });
    socket.on('scale:watch', (payload, ack) => {
      try {
        const watch = parsePayload(ScaleWatch, payload);
        const scale = this.#scale(watch.scaleId);
        scale.watch(watch.durationMs);
        ack(ok(scale.latest()));
      } catch (error) {
        ack(this.#failure(error));
      }
    });
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
    const scales = [...this.#scales.values()].map(({ info }) => ({
      scaleId: info.id,
      name: info.name,
      protocol: info.protocol,
    }));
    socket.emit('hub:announce', { hubVersion: this.#version, printers, scales }, () => {});
    for (const status of this.#spool.statuses()) this.#sendStatus(status);
    for (const report of this.#unreported.values()) this.#report(report);
  }

  /** A drawer kick is checked against its deadline on arrival and again right before the bytes go out. */
  async #drawerKick(payload: unknown) {
    const command = parsePayload(DrawerKick, payload);
    assertNotExpired(command.expiresAt);
    const printer = this.#spool.printer(command.printerId);
    await printer.kickDrawer(async () => assertNotExpired(command.expiresAt));
    this.#logger.info(
      { commandId: command.commandId, reason: command.reason, printerId: printer.info.id },
      'drawer opened',
    );
    return ok({ commandId: command.commandId, executedAt: new Date().toISOString() });
  }

  async #scaleCommand(payload: unknown, action: 'tare' | 'zero') {
    const command = parsePayload(ScaleCommand, payload);
    assertNotExpired(command.expiresAt);
    const scale = this.#scale(command.scaleId);
    await scale[action](() => assertNotExpired(command.expiresAt));
    return ok({ commandId: command.commandId, executedAt: new Date().toISOString() });
  }

  #scale(scaleId: string | undefined): ScaleDriver {
    const scale = scaleId ? this.#scales.get(scaleId) : this.#scales.values().next().value;
    if (!scale) throw new HubError('DEVICE_UNAVAILABLE', 'La balanza indicada no existe en este hub.');
    return scale;
  }

  #failure(error: unknown) {
    if (error instanceof PrinterUnreachableError)
      return fail('DEVICE_UNAVAILABLE', 'No se puede conectar con la impresora.');
    if (error instanceof HubError) {
      this.#logger.warn({ code: error.code }, error.message);
      return toFailure(error);
    }
    this.#logger.error({ err: error }, 'command failed');
    return fail('INTERNAL');
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
