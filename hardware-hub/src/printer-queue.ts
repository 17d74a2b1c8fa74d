import type { PrinterStatus, PrintJobState } from '@erp/shared';
import type { PrinterCondition } from './drivers/printer/escpos-status.ts';
import type { PrinterDriver } from './drivers/printer/printer.ts';
import type { JournalRecord, PrintJournal } from './journal.ts';
import type { Logger } from './logger.ts';
import type { Receipt } from './receipts/receipt.ts';

/** States in which sending would be useless or harmful: wait, report, retry when they clear. */
const BLOCKING = new Set(['paper_out', 'cover_open', 'offline', 'error', 'disconnected']);

export interface QueueOptions {
  journal: PrintJournal;
  logger: Logger;
  /** Pause between attempts while the printer can't print. */
  retryMs: number;
  /** Status poll interval while idle, so the POS learns about paper before the next sale. */
  idlePollMs: number;
  onState(record: JournalRecord): void;
  onStatus(status: PrinterStatus): void;
}

interface QueuedJob {
  jobId: string;
  receipt: Receipt;
  expiresAt: number | null;
  /** Resolves the first time the job settles or has to wait (the hub's ack to the server). */
  settle(state: PrintJobState): void;
}

/**
 * One printer's jobs, printed one at a time in arrival order. Before each job the printer's
 * status is checked: paper out, cover open, offline or unreachable keep the job `received`
 * (no byte sent, so a later attempt is safe). "sending" is journaled before the first byte;
 * any failure after it makes the job `uncertain`, and it is never retried automatically.
 */
export class PrinterQueue {
  readonly driver: PrinterDriver;
  readonly #options: QueueOptions;
  readonly #jobs: QueuedJob[] = [];
  #condition: PrinterCondition | null = null;
  #reported = '';
  #wake: (() => void) | null = null;
  #running: Promise<void> | null = null;
  #stopped = false;

  constructor(driver: PrinterDriver, options: QueueOptions) {
    this.driver = driver;
    this.#options = options;
  }

  get pending(): number {
    return this.#jobs.length;
  }

  start(): void {
    this.#running ??= this.#run();
  }

  /** Queues a journaled job; resolves with its state once printed, failed, expired or waiting. */
  enqueue(jobId: string, receipt: Receipt, expiresAt: string | undefined): Promise<PrintJobState> {
    return new Promise((resolve) => {
      let settled = false;
      const settle = (state: PrintJobState) => {
        if (settled) return;
        settled = true;
        resolve(state);
      };
      this.#jobs.push({ jobId, receipt, expiresAt: expiresAt ? Date.parse(expiresAt) : null, settle });
      this.#emitStatus();
      this.#wake?.();
    });
  }

  status(): PrinterStatus | null {
    if (!this.#condition) return null;
    return {
      printerId: this.driver.info.id,
      state: this.#condition.state,
      paperNearEnd: this.#condition.paperNearEnd,
      pendingJobs: this.#jobs.length,
      at: new Date().toISOString(),
    };
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    await this.#running;
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      const job = this.#jobs[0];
      if (!job) {
        await this.#checkStatus();
        if (this.#jobs.length === 0) await this.#sleep(this.#options.idlePollMs);
      } else if (job.expiresAt !== null && job.expiresAt <= Date.now()) {
        await this.#finish(job, 'expired');
      } else if (BLOCKING.has((await this.#checkStatus()).state)) {
        job.settle('received');
        await this.#sleep(this.#options.retryMs);
      } else {
        await this.#attempt(job);
      }
    }
  }

  async #attempt(job: QueuedJob): Promise<void> {
    const { journal, logger } = this.#options;
    const printerId = this.driver.info.id;
    let sending = false;
    try {
      await this.driver.print(job.receipt, async () => {
        await journal.record(job.jobId, printerId, 'sending');
        sending = true;
        this.#options.onState(journal.get(job.jobId)!);
      });
      await this.#finish(job, 'done');
    } catch (error) {
      logger.warn({ err: error, jobId: job.jobId, printerId, sending }, 'print attempt failed');
      if (sending) {
        await this.#finish(job, 'uncertain');
      } else {
        // Nothing left the hub: the job stays received and is tried again.
        this.#setCondition({ state: 'disconnected', paperNearEnd: false });
        job.settle('received');
        await this.#sleep(this.#options.retryMs);
      }
    }
  }

  async #finish(job: QueuedJob, state: PrintJobState): Promise<void> {
    const { journal } = this.#options;
    await journal.record(job.jobId, this.driver.info.id, state);
    this.#jobs.shift();
    this.#options.onState(journal.get(job.jobId)!);
    this.#emitStatus();
    job.settle(state);
  }

  async #checkStatus(): Promise<PrinterCondition> {
    const condition = await this.driver.status().catch((error: unknown) => {
      this.#options.logger.warn({ err: error, printerId: this.driver.info.id }, 'status query failed');
      return { state: 'unknown', paperNearEnd: false } as const;
    });
    this.#setCondition(condition);
    return condition;
  }

  #setCondition(condition: PrinterCondition): void {
    this.#condition = condition;
    this.#emitStatus();
  }

  /** Reports the status when anything the POS shows changed. */
  #emitStatus(): void {
    const status = this.status();
    if (!status) return;
    const key = `${status.state}|${status.paperNearEnd}|${status.pendingJobs}`;
    if (key === this.#reported) return;
    this.#reported = key;
    this.#options.onStatus(status);
  }

  /** Waits `ms`, or less when a job arrives or the queue stops. */
  #sleep(ms: number): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
    });
  }
}
