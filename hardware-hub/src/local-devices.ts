import { DrawerKick, fail, ok, ScaleCommand, type ScaleReading, ScaleWatch } from '@erp/shared';
import { PrinterUnreachableError } from './drivers/printer/printer.ts';
import type { ScaleDriver } from './drivers/scale/scale.ts';
import { assertNotExpired, HubError, parsePayload, toFailure } from './errors.ts';
import type { Logger } from './logger.ts';
import type { PrintSpool } from './spool.ts';

/**
 * The drawer and scale commands the hub carries out on its devices, whoever asks: the central
 * server (over the hub's own connection) or a terminal connected through the store node. Each
 * answers a `Result`, never throws.
 */
export class LocalDevices {
  readonly #spool: PrintSpool;
  readonly #scales: Map<string, ScaleDriver>;
  readonly #logger: Logger;

  constructor(spool: PrintSpool, scales: ScaleDriver[], logger: Logger) {
    this.#spool = spool;
    this.#scales = new Map(scales.map((scale) => [scale.info.id, scale]));
    this.#logger = logger;
  }

  scales(): ScaleDriver[] {
    return [...this.#scales.values()];
  }

  /** A drawer kick is checked against its deadline on arrival and again right before the bytes go out. */
  async drawerKick(payload: unknown) {
    try {
      const command = parsePayload(DrawerKick, payload);
      assertNotExpired(command.expiresAt);
      const printer = this.#spool.printer(command.printerId);
      await printer.kickDrawer(async () => assertNotExpired(command.expiresAt));
      this.#logger.info(
        { commandId: command.commandId, reason: command.reason, printerId: printer.info.id },
        'drawer opened',
      );
      return ok({ commandId: command.commandId, executedAt: new Date().toISOString() });
    } catch (error) {
      return this.#failure(error);
    }
  }

  async scaleCommand(payload: unknown, action: 'tare' | 'zero') {
    try {
      const command = parsePayload(ScaleCommand, payload);
      assertNotExpired(command.expiresAt);
      const scale = this.scale(command.scaleId);
      await scale[action](() => assertNotExpired(command.expiresAt));
      return ok({ commandId: command.commandId, executedAt: new Date().toISOString() });
    } catch (error) {
      return this.#failure(error);
    }
  }

  /** Starts (or renews) reading the scale and answers its current reading. */
  scaleWatch(payload: unknown) {
    try {
      const watch = parsePayload(ScaleWatch, payload);
      const scale = this.scale(watch.scaleId);
      scale.watch(watch.durationMs);
      return ok(scale.latest() as ScaleReading | null);
    } catch (error) {
      return this.#failure(error);
    }
  }

  /** The named scale, or the first one when none is named. */
  scale(scaleId: string | undefined): ScaleDriver {
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
}
