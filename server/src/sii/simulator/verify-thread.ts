/**
 * The simulator's checks of an upload (schema, signatures, every TED) run in a pool of worker
 * threads, as the SII processes envíos apart from the servers that receive them: a large envelope
 * (hundreds of signatures, seconds of CPU) never stalls the simulator's other answers (seeds,
 * tokens, status polls), and uploads that arrive together are checked on several cores. Each
 * upload goes to the thread with the fewest waiting.
 */
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { type VerificationReport, verifyFile } from '@erp/sii-core';
import { TEST_CAF_AUTHORITY } from '@erp/sii-core/test-authority';

interface Request {
  id: number;
  bytes: Uint8Array;
}
type Reply = { id: number; report: VerificationReport } | { id: number; error: string };

export interface VerifyPoolOptions {
  /** Threads; by default one per core, at most 4. */
  threads?: number;
  /** Verify the XMLDSig of one document in this many (`VerifyOptions.signatureSample`); 1 checks all. */
  signatureSample?: number;
  /** Signatures through the string-level fast path first (`VerifyOptions.fastSignatures`). */
  fastSignatures?: boolean;
  /** The schema through the system's xmllint when installed (`VerifyOptions.nativeSchema`). */
  nativeSchema?: boolean;
}

type ThreadSettings = Required<
  Pick<VerifyPoolOptions, 'signatureSample' | 'fastSignatures' | 'nativeSchema'>
>;

if (!isMainThread && parentPort) {
  const port = parentPort;
  const settings = workerData as ThreadSettings;
  // The simulator stands in for the SII with the local test authority: only its CAFs are valid.
  const authorities = new Map([TEST_CAF_AUTHORITY]);
  port.on('message', ({ id, bytes }: Request) => {
    verifyFile(bytes, { authorities, ...settings }).then(
      (report) => port.postMessage({ id, report } satisfies Reply),
      (error: Error) => port.postMessage({ id, error: error.message } satisfies Reply),
    );
  });
}

interface Pending {
  resolve: (r: VerificationReport) => void;
  reject: (e: Error) => void;
}

/** One thread, started on first use; its pending requests fail if it dies. */
class VerifyThread {
  #worker: Worker | undefined;
  readonly pending = new Map<number, Pending>();
  readonly #settings: ThreadSettings;

  constructor(settings: ThreadSettings) {
    this.#settings = settings;
  }

  post(id: number, bytes: Uint8Array, waiting: Pending): void {
    this.pending.set(id, waiting);
    this.#start().postMessage({ id, bytes } satisfies Request);
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(new URL(import.meta.url), {
      workerData: this.#settings,
    });
    worker.on('message', (reply: Reply) => {
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
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
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }
}

export class VerifyPool {
  readonly #threads: VerifyThread[];
  #next = 0;

  constructor({
    threads = Math.min(4, availableParallelism()),
    signatureSample = 1,
    fastSignatures = false,
    nativeSchema = false,
  }: VerifyPoolOptions = {}) {
    this.#threads = Array.from(
      { length: Math.max(1, threads) },
      () => new VerifyThread({ signatureSample, fastSignatures, nativeSchema }),
    );
  }

  /**
   * Verifies the bytes as `verifyFile` does, CAFs against the test authority; rejects with its
   * error for unreadable files.
   */
  verify(bytes: Uint8Array): Promise<VerificationReport> {
    const thread = this.#threads.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const id = this.#next++;
    return new Promise((resolve, reject) => thread.post(id, bytes, { resolve, reject }));
  }

  async close(): Promise<void> {
    await Promise.all(this.#threads.map((t) => t.close()));
  }
}
