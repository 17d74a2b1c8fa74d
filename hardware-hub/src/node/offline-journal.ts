import { open, readFile, truncate } from 'node:fs/promises';
import type { OfflineSale, OfflineTillOp, SaleResult } from '@erp/shared';
import type { z } from 'zod';

/** What became of a journaled sale at the server (`node:sync`'s outcome). */
export type SyncStatus = 'recorded' | 'duplicate' | 'superseded' | 'refused';

/** One offline sale as the hub keeps it: what the server is sent and what the POS was answered. */
export interface JournaledSale {
  offline: OfflineSale;
  result: z.input<typeof SaleResult>;
  /** The receipt's print job document (printed again only if the spool never received it). */
  receipt: unknown;
  /** Last sync outcome; absent while never answered. */
  status?: SyncStatus;
  error?: { code: string; message: string };
  /** Its line in the journal: sales and till operations are synchronised in this order. */
  seq: number;
  /** The line of the outcome that synchronised it (recorded, duplicate or superseded). */
  syncedAt?: number;
}

/** What became of a journaled till operation at the server (`node:sync-till`'s outcome). */
export type TillSyncStatus = 'recorded' | 'duplicate' | 'refused';

/** A till operation the hub answered offline (offline-till.ts): what the server is sent, what the POS got. */
export interface JournaledTillOp {
  op: OfflineTillOp;
  answer: unknown;
  status?: TillSyncStatus;
  error?: { code: string; message: string };
  seq: number;
  syncedAt?: number;
}

type Entry =
  | { kind: 'sale'; offline: OfflineSale; result: z.input<typeof SaleResult>; receipt: unknown }
  | { kind: 'outcome'; saleId: string; status: SyncStatus; error?: { code: string; message: string } }
  | { kind: 'till'; op: OfflineTillOp; answer: unknown }
  | { kind: 'till-outcome'; opId: string; status: TillSyncStatus; error?: { code: string; message: string } };

/** Done at the server: the sale exists there once. */
export const SYNCED: ReadonlySet<SyncStatus> = new Set(['recorded', 'duplicate', 'superseded']);

/** Refusals that may pass by themselves: the sale is sent again at the next synchronisation. */
const RETRYABLE = new Set(['INTERNAL', 'RATE_LIMITED']);

/**
 * Nothing more for the hub to send: stored at the server, or refused for good (the server lists
 * those in the back office for a person: docs/store-node.md#refused-sales).
 */
function settled(sale: JournaledSale): boolean {
  if (!sale.status) return false;
  return SYNCED.has(sale.status) || !RETRYABLE.has(sale.error?.code ?? '');
}

/**
 * The hub's offline sales journal (`offline-sales.jsonl`): one JSON line per sale taken offline,
 * and per till operation answered offline (open, cash in/out, close), fsync'ed before the POS is
 * acknowledged, then one line per sync outcome. A line's number is its sequence: sales and till
 * operations reach the server in that order (a session opened offline before its sales, closed
 * after them). Read whole at start;
 * a line torn by a crash mid-write can only be the last one, never acknowledged: it is cut off.
 * Appends are serialised, each written and fsync'ed in one call.
 */
export class OfflineJournal {
  readonly #path: string;
  readonly #sales = new Map<string, JournaledSale>();
  /** Sale ids in the order they were taken. */
  readonly #order: string[] = [];
  readonly #tillOps = new Map<string, JournaledTillOp>();
  /** Lines applied so far: the next line's sequence number. */
  #lines = 0;
  #writing: Promise<void> = Promise.resolve();
  #file: Awaited<ReturnType<typeof open>> | null = null;

  constructor(path: string) {
    this.#path = path;
  }

  async load(): Promise<void> {
    const text = await readFile(this.#path, 'utf8').catch(() => '');
    let good = 0;
    for (const line of text.split('\n')) {
      if (good + line.length >= text.length) break; // no newline after it: torn (or empty tail)
      let entry: Entry;
      try {
        entry = JSON.parse(line) as Entry;
      } catch {
        break;
      }
      this.#apply(entry);
      good += line.length + 1;
    }
    if (good < text.length) await truncate(this.#path, good);
    this.#file = await open(this.#path, 'a', 0o600);
  }

  get(saleId: string): JournaledSale | undefined {
    return this.#sales.get(saleId);
  }

  /** Every journaled sale, oldest first. */
  all(): JournaledSale[] {
    return this.#order.map((id) => this.#sales.get(id)!);
  }

  /** Sales still to send, oldest first: never answered, or refused by a passing failure. */
  unsynced(): JournaledSale[] {
    return this.all().filter((s) => !settled(s));
  }

  /** Sales waiting for the server (the POS and the wall show this count). */
  get pending(): number {
    let count = 0;
    for (const sale of this.#sales.values()) if (!settled(sale)) count++;
    return count;
  }

  /** How many lines the journal holds (the last sequence number + 1). */
  get lines(): number {
    return this.#lines;
  }

  /** Every journaled till operation, oldest first. */
  tillOps(): JournaledTillOp[] {
    return [...this.#tillOps.values()];
  }

  /** Writes the till operation with the answer given and waits until it is on disk. */
  appendTillOp(op: OfflineTillOp, answer: unknown): Promise<void> {
    const entry: Entry = { kind: 'till', op, answer };
    return this.#append(entry).then(() => this.#apply(entry));
  }

  /** Records till sync outcomes (one write for a batch). */
  async appendTillOutcomes(
    outcomes: { opId: string; status: TillSyncStatus; error?: { code: string; message: string } }[],
  ): Promise<void> {
    if (outcomes.length === 0) return;
    const entries: Entry[] = outcomes.map((o) => ({ kind: 'till-outcome', ...o }));
    await this.#append(...entries);
    for (const entry of entries) this.#apply(entry);
  }

  /** Writes the sale and waits until it is on disk. */
  appendSale(sale: Omit<JournaledSale, 'status' | 'error' | 'seq' | 'syncedAt'>): Promise<void> {
    const entry: Entry = { kind: 'sale', offline: sale.offline, result: sale.result, receipt: sale.receipt };
    return this.#append(entry).then(() => this.#apply(entry));
  }

  /** Records sync outcomes (one write for a batch). */
  async appendOutcomes(
    outcomes: { saleId: string; status: SyncStatus; error?: { code: string; message: string } }[],
  ): Promise<void> {
    if (outcomes.length === 0) return;
    const entries: Entry[] = outcomes.map((o) => ({ kind: 'outcome', ...o }));
    await this.#append(...entries);
    for (const entry of entries) this.#apply(entry);
  }

  async close(): Promise<void> {
    await this.#writing;
    await this.#file?.close();
    this.#file = null;
  }

  #append(...entries: Entry[]): Promise<void> {
    const text = entries.map((e) => `${JSON.stringify(e)}\n`).join('');
    const write = this.#writing.then(async () => {
      if (!this.#file) throw new Error('offline journal is closed');
      await this.#file.write(text);
      await this.#file.datasync();
    });
    this.#writing = write.catch(() => undefined);
    return write;
  }

  #apply(entry: Entry): void {
    const seq = this.#lines++;
    if (entry.kind === 'sale') {
      const saleId = entry.offline.sale.saleId;
      if (this.#sales.has(saleId)) return;
      this.#sales.set(saleId, {
        offline: entry.offline,
        result: entry.result,
        receipt: entry.receipt,
        seq,
      });
      this.#order.push(saleId);
    } else if (entry.kind === 'outcome') {
      const sale = this.#sales.get(entry.saleId);
      if (!sale) return;
      sale.status = entry.status;
      if (entry.error) sale.error = entry.error;
      else delete sale.error;
      if (SYNCED.has(entry.status)) sale.syncedAt ??= seq;
    } else if (entry.kind === 'till') {
      if (!this.#tillOps.has(entry.op.opId))
        this.#tillOps.set(entry.op.opId, { op: entry.op, answer: entry.answer, seq });
    } else {
      const till = this.#tillOps.get(entry.opId);
      if (!till) return;
      till.status = entry.status;
      if (entry.error) till.error = entry.error;
      else delete till.error;
      if (entry.status !== 'refused') till.syncedAt ??= seq;
    }
  }
}
