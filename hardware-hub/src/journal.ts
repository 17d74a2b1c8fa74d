import { type FileHandle, mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PrintJob, type PrintJobState } from '@erp/shared';

export interface JournalRecord {
  jobId: string;
  printerId: string;
  state: PrintJobState;
  at: string;
  /** The job itself, only while `received`: what a restarted hub still has to print. */
  job?: PrintJob;
}

/** Jobs older than this are forgotten when the journal is compacted at start. */
const RETENTION_MS = 30 * 24 * 3600 * 1000;

/**
 * The print journal: an append-only JSON-lines file, fsync'ed after every line, holding each
 * job's state transitions. It is what lets the hub answer "already printed" after a restart and
 * turn a job it was sending when it died into `uncertain` (docs/hardware-protocols.md#exactly-once-printing).
 */
export class PrintJournal {
  readonly #path: string;
  readonly #records = new Map<string, JournalRecord>();
  #file: FileHandle | null = null;
  #appending: Promise<void> = Promise.resolve();

  private constructor(path: string) {
    this.#path = path;
  }

  /** Reads the journal (a torn last line from a crash is skipped) and rewrites it compacted. */
  static async open(path: string, now = new Date()): Promise<PrintJournal> {
    const journal = new PrintJournal(path);
    await mkdir(dirname(path), { recursive: true });
    const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    for (const line of text.split('\n')) {
      const record = parseLine(line);
      if (!record) continue;
      journal.#records.set(record.jobId, record);
    }
    for (const [jobId, record] of journal.#records) {
      if (now.getTime() - Date.parse(record.at) > RETENTION_MS) journal.#records.delete(jobId);
    }
    await journal.#compact();
    return journal;
  }

  get(jobId: string): JournalRecord | undefined {
    return this.#records.get(jobId);
  }

  records(): JournalRecord[] {
    return [...this.#records.values()];
  }

  /** Appends a state change and returns once it is on disk. */
  record(
    jobId: string,
    printerId: string,
    state: PrintJobState,
    job?: PrintJob,
    at = new Date(),
  ): Promise<void> {
    const entry: JournalRecord = { jobId, printerId, state, at: at.toISOString() };
    if (state === 'received' && job) entry.job = job;
    this.#records.set(jobId, entry);
    const write = this.#appending.then(() => this.#append(`${JSON.stringify(entry)}\n`));
    this.#appending = write.catch(() => undefined);
    return write;
  }

  async #append(line: string): Promise<void> {
    if (!this.#file) throw new Error('journal is closed');
    await this.#file.write(line);
    await this.#file.datasync();
  }

  /** Writes the current records to a new file and swaps it in atomically. */
  async #compact(): Promise<void> {
    const temporary = `${this.#path}.tmp`;
    const file = await open(temporary, 'w');
    for (const record of this.#records.values()) await file.write(`${JSON.stringify(record)}\n`);
    await file.sync();
    await file.close();
    await rename(temporary, this.#path);
    this.#file = await open(this.#path, 'a');
    await this.#file.sync();
  }

  async close(): Promise<void> {
    await this.#appending;
    await this.#file?.close();
    this.#file = null;
  }
}

function parseLine(line: string): JournalRecord | null {
  if (!line.trim()) return null;
  try {
    const value = JSON.parse(line) as JournalRecord;
    if (typeof value.jobId !== 'string' || typeof value.state !== 'string') return null;
    return value.job ? { ...value, job: PrintJob.parse(value.job) } : value;
  } catch {
    return null;
  }
}
