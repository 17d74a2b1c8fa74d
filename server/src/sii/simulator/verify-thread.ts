/**
 * The simulator's checks of an upload (schema, every signature, every TED) run in a worker
 * thread, one upload after another, as the SII processes envíos apart from the servers that
 * receive them: a large envelope (hundreds of signatures, seconds of CPU) never stalls the
 * simulator's other answers (seeds, tokens, status polls), and the checks can use another core.
 */
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { type VerificationReport, verifyFile } from '@erp/sii-core';
import { TEST_CAF_AUTHORITY } from '@erp/sii-core/test-authority';

interface Request {
  id: number;
  bytes: Uint8Array;
}
type Reply = { id: number; report: VerificationReport } | { id: number; error: string };

if (!isMainThread && parentPort) {
  const port = parentPort;
  // The simulator stands in for the SII with the local test authority: only its CAFs are valid.
  const authorities = new Map([TEST_CAF_AUTHORITY]);
  port.on('message', ({ id, bytes }: Request) => {
    verifyFile(bytes, { authorities }).then(
      (report) => port.postMessage({ id, report } satisfies Reply),
      (error: Error) => port.postMessage({ id, error: error.message } satisfies Reply),
    );
  });
}

export class VerifyThread {
  #worker: Worker | undefined;
  #next = 0;
  readonly #pending = new Map<
    number,
    { resolve: (r: VerificationReport) => void; reject: (e: Error) => void }
  >();

  /**
   * Verifies the bytes as `verifyFile` does, CAFs against the test authority; rejects with its
   * error for unreadable files.
   */
  verify(bytes: Uint8Array): Promise<VerificationReport> {
    const worker = this.#start();
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.postMessage({ id, bytes } satisfies Request);
    });
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(new URL(import.meta.url));
    worker.on('message', (reply: Reply) => {
      const waiting = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if ('report' in reply) waiting?.resolve(reply.report);
      else waiting?.reject(new Error(reply.error));
    });
    worker.on('error', (error) => this.#failAll(error));
    worker.on('exit', () => {
      if (this.#worker === worker) this.#worker = undefined;
      this.#failAll(new Error('el verificador del simulador se detuvo'));
    });
    // An idle simulator process may exit: the thread does not keep it alive.
    worker.unref();
    this.#worker = worker;
    return worker;
  }

  #failAll(error: Error): void {
    for (const { reject } of this.#pending.values()) reject(error);
    this.#pending.clear();
  }
}
