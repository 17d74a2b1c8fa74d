import { SerialPort } from 'serialport';
import { HubError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import { type SerialSettings, serialPortOptions } from '../printer/serial-transport.ts';
import type { ScaleDriver, ScaleInfo, ScaleProtocol } from './scale.ts';
import { ScaleState } from './scale-state.ts';

export interface SerialScaleOptions {
  path: string;
  /** Overrides of the protocol's usual line settings. */
  serial?: Partial<SerialSettings>;
  /**
   * Poll interval while watched (docs/hardware-protocols.md#connections-and-timing: 0.2–0.5 s, only while a
   * weighing screen is open).
   */
  pollMs?: number;
  /** No valid frame for this long means the scale is off or unplugged. */
  silenceMs?: number;
  logger: Logger;
}

const REOPEN_MIN_MS = 500;
const REOPEN_MAX_MS = 10_000;

/** A scale on a serial port speaking one `ScaleProtocol`; the port is reopened with backoff when it goes away. */
export class SerialScale implements ScaleDriver {
  readonly info: ScaleInfo;
  readonly #protocol: ScaleProtocol;
  readonly #options: Required<Omit<SerialScaleOptions, 'serial'>> & { serial: SerialSettings };
  readonly #state: ScaleState;
  #port: SerialPort | null = null;
  #poller: NodeJS.Timeout | null = null;
  #reopen: NodeJS.Timeout | null = null;
  #reopenDelay = REOPEN_MIN_MS;
  #lastFrameAt = 0;
  #closed = false;

  constructor(id: string, name: string, protocol: ScaleProtocol, options: SerialScaleOptions) {
    this.info = { id, name, protocol: protocol.name };
    this.#protocol = protocol;
    this.#options = {
      pollMs: 300,
      silenceMs: 2000,
      ...options,
      serial: { ...protocol.serial, ...options.serial },
    };
    this.#state = new ScaleState(this.info);
  }

  start(): void {
    this.#open();
  }

  #open(): void {
    if (this.#closed) return;
    const decoder = this.#protocol.createDecoder();
    const port = new SerialPort(serialPortOptions(this.#options.path, this.#options.serial));
    port.on('data', (chunk: Buffer) => {
      for (const event of decoder.push(chunk)) {
        if (event.kind === 'send') {
          port.write(event.bytes);
        } else {
          this.#lastFrameAt = Date.now();
          this.#state.update(event.frame);
        }
      }
    });
    port.on('error', (error) =>
      this.#options.logger.warn({ err: error, scaleId: this.info.id }, 'scale port error'),
    );
    port.on('close', () => this.#scheduleReopen());
    port.open((error) => {
      if (error) {
        this.#options.logger.warn({ err: error, scaleId: this.info.id }, 'cannot open scale port');
        this.#scheduleReopen();
        return;
      }
      this.#port = port;
      this.#reopenDelay = REOPEN_MIN_MS;
    });
  }

  #scheduleReopen(): void {
    this.#port = null;
    if (this.#closed || this.#reopen) return;
    this.#reopen = setTimeout(() => {
      this.#reopen = null;
      this.#open();
    }, this.#reopenDelay);
    this.#reopenDelay = Math.min(this.#reopenDelay * 2, REOPEN_MAX_MS);
  }

  watch(durationMs: number): void {
    if (!this.#state.watching) this.#lastFrameAt = Date.now();
    this.#state.watch(durationMs);
    this.#poller ??= setInterval(() => this.#poll(), this.#options.pollMs);
    this.#poll();
  }

  #poll(): void {
    if (!this.#state.watching) {
      if (this.#poller) clearInterval(this.#poller);
      this.#poller = null;
      return;
    }
    if (Date.now() - this.#lastFrameAt > this.#options.silenceMs) this.#state.update(null);
    if (this.#protocol.pollRequest && this.#port?.isOpen) this.#port.write(this.#protocol.pollRequest);
  }

  latest() {
    return this.#state.latest();
  }

  onReading(listener: Parameters<ScaleState['onReading']>[0]) {
    return this.#state.onReading(listener);
  }

  tare(beforeSend: () => void): Promise<void> {
    return this.#command(this.#protocol.tareCommand, 'tarar', beforeSend);
  }

  zero(beforeSend: () => void): Promise<void> {
    return this.#command(this.#protocol.zeroCommand, 'poner en cero', beforeSend);
  }

  async #command(bytes: Buffer | undefined, action: string, beforeSend: () => void): Promise<void> {
    if (!bytes)
      throw new HubError('DEVICE_UNAVAILABLE', `Esta balanza no permite ${action} desde el sistema.`);
    const port = this.#port;
    if (!port?.isOpen) throw new HubError('DEVICE_UNAVAILABLE', 'La balanza no está conectada.');
    beforeSend();
    await new Promise<void>((resolve, reject) =>
      port.write(bytes, (error) => (error ? reject(error) : resolve())),
    );
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#poller) clearInterval(this.#poller);
    if (this.#reopen) clearTimeout(this.#reopen);
    const port = this.#port;
    this.#port = null;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}
