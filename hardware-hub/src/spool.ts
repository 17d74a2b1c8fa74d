import { EventEmitter } from 'node:events';
import { type PrinterStatus, PrintJob, type PrintJobReport } from '@erp/shared';
import type { PrinterDriver } from './drivers/printer/printer.ts';
import { HubError } from './errors.ts';
import type { JournalRecord, PrintJournal } from './journal.ts';
import type { Logger } from './logger.ts';
import { PrinterQueue } from './printer-queue.ts';
import { columnsFor, type Receipt } from './receipts/receipt.ts';
import { renderJob } from './receipts/render.ts';

export interface SpoolOptions {
  journal: PrintJournal;
  /** The first printer is the default one for jobs that name none. */
  printers: PrinterDriver[];
  logger: Logger;
  timeZone: string;
  retryMs?: number;
  idlePollMs?: number;
}

interface SpoolEvents {
  /** A job changed state (journaled already). */
  state: [PrintJobReport];
  status: [PrinterStatus];
}

/**
 * Accepts print jobs exactly once: a job id the journal already knows is answered with its
 * stored state and never printed again, whatever that state is. New jobs are laid out (so a bad
 * document is refused before anything is stored), journaled as `received`, then queued.
 */
export class PrintSpool extends EventEmitter<SpoolEvents> {
  readonly #journal: PrintJournal;
  readonly #logger: Logger;
  readonly #timeZone: string;
  readonly #queues = new Map<string, PrinterQueue>();
  readonly #accepting = new Map<string, Promise<void>>();
  readonly #defaultPrinterId: string | undefined;

  constructor(options: SpoolOptions) {
    super();
    this.#journal = options.journal;
    this.#logger = options.logger;
    this.#timeZone = options.timeZone;
    this.#defaultPrinterId = options.printers[0]?.info.id;
    for (const driver of options.printers) {
      const queue = new PrinterQueue(driver, {
        journal: options.journal,
        logger: options.logger,
        retryMs: options.retryMs ?? 3000,
        idlePollMs: options.idlePollMs ?? 10_000,
        onState: (record) => this.emit('state', toReport(record, false)),
        onStatus: (status) => this.emit('status', status),
      });
      this.#queues.set(driver.info.id, queue);
    }
  }

  /**
   * Recovers the journal, then starts printing. A job found `sending` was interrupted by a crash
   * or power cut: it becomes `uncertain` and is not printed again (the cashier decides).
   */
  async start(): Promise<void> {
    for (const record of this.#journal.records()) {
      if (record.state === 'sending') {
        await this.#journal.record(record.jobId, record.printerId, 'uncertain');
        this.#logger.warn({ jobId: record.jobId }, 'job was being sent when the hub stopped: uncertain');
        this.emit('state', toReport(this.#journal.get(record.jobId)!, false));
      } else if (record.state === 'received' && record.job) {
        const queue = this.#queues.get(record.printerId);
        if (queue) void queue.enqueue(record.jobId, this.#render(record.job, queue), record.job.expiresAt);
      }
    }
    for (const queue of this.#queues.values()) queue.start();
  }

  /** Takes a job from the server; resolves once it printed, failed, expired or has to wait. */
  async submit(input: unknown): Promise<PrintJobReport> {
    const parsed = PrintJob.safeParse(input);
    if (!parsed.success) throw new HubError('VALIDATION', 'El trabajo de impresión no es válido.');
    const job = parsed.data;
    await this.#accepting.get(job.jobId);
    const known = this.#journal.get(job.jobId);
    if (known) return toReport(known, true);

    const printerId = job.printerId ?? this.#defaultPrinterId;
    const queue = printerId ? this.#queues.get(printerId) : undefined;
    if (!printerId || !queue)
      throw new HubError('DEVICE_UNAVAILABLE', 'La impresora indicada no existe en este hub.');
    const receipt = this.#render(job, queue);

    const accepted = this.#journal.record(job.jobId, printerId, 'received', job);
    this.#accepting.set(job.jobId, accepted);
    try {
      await accepted;
    } finally {
      this.#accepting.delete(job.jobId);
    }
    this.emit('state', toReport(this.#journal.get(job.jobId)!, false));
    await queue.enqueue(job.jobId, receipt, job.expiresAt);
    return toReport(this.#journal.get(job.jobId)!, false);
  }

  /** Whether the journal holds this job (received once: never printed again). */
  knows(jobId: string): boolean {
    return this.#journal.get(jobId) !== undefined;
  }

  statuses(): PrinterStatus[] {
    return [...this.#queues.values()].flatMap((queue) => queue.status() ?? []);
  }

  printers(): PrinterDriver[] {
    return [...this.#queues.values()].map((queue) => queue.driver);
  }

  printer(printerId: string | undefined): PrinterDriver {
    const queue = this.#queues.get(printerId ?? this.#defaultPrinterId ?? '');
    if (!queue) throw new HubError('DEVICE_UNAVAILABLE', 'La impresora indicada no existe en este hub.');
    return queue.driver;
  }

  #render(job: PrintJob, queue: PrinterQueue): Receipt {
    const { info } = queue.driver;
    try {
      return renderJob(job, { ...info, columns: columnsFor(info.paperWidthMm) }, this.#timeZone, new Date());
    } catch (error) {
      this.#logger.error({ err: error, jobId: job.jobId }, 'could not lay out the document');
      throw new HubError('VALIDATION', 'No se pudo componer el documento para imprimir.');
    }
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#queues.values()].map((queue) => queue.stop()));
  }
}

function toReport(record: JournalRecord, duplicate: boolean): PrintJobReport {
  return { jobId: record.jobId, printerId: record.printerId, state: record.state, duplicate, at: record.at };
}
