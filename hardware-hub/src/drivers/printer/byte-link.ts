import type { Duplex } from 'node:stream';

/**
 * Request/response over a byte stream (TCP socket or serial port) shared by the ESC/POS
 * transports: writes that resolve once the bytes are handed on, and status queries that collect
 * a fixed number of reply bytes or give up after a timeout.
 */
export class ByteLink {
  readonly #stream: Duplex;
  #received = Buffer.alloc(0);
  #waiter: (() => void) | null = null;
  #failure: Error | null = null;

  constructor(stream: Duplex) {
    this.#stream = stream;
    stream.on('data', (chunk: Buffer) => {
      this.#received = Buffer.concat([this.#received, chunk]);
      this.#waiter?.();
    });
    const onEnd = (error?: Error) => {
      this.#failure ??= error ?? new Error('connection closed');
      this.#waiter?.();
    };
    stream.on('error', onEnd);
    stream.on('close', () => onEnd());
  }

  get failed(): boolean {
    return this.#failure !== null;
  }

  write(bytes: Buffer, timeoutMs: number): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`write timed out after ${timeoutMs} ms`)), timeoutMs);
      this.#stream.write(bytes, (error) => {
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      });
    });
  }

  /**
   * Sends `request` and returns the next `replyLength` bytes, or null if they don't arrive in
   * time; throws if the connection breaks meanwhile.
   */
  async query(request: Buffer, replyLength: number, timeoutMs: number): Promise<Buffer | null> {
    this.#received = Buffer.alloc(0);
    await this.write(request, timeoutMs);
    const deadline = Date.now() + timeoutMs;
    while (this.#received.length < replyLength && !this.#failure && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now());
        this.#waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#waiter = null;
    }
    if (this.#received.length < replyLength) {
      // A connection that broke is a failure, not a printer that stays silent.
      if (this.#failure) throw this.#failure;
      return null;
    }
    const reply = this.#received.subarray(0, replyLength);
    this.#received = this.#received.subarray(replyLength);
    return reply;
  }
}
