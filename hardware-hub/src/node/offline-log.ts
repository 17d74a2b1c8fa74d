import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { NodeAuditEntry } from '@erp/shared';
import { writeDurably } from './durable-file.ts';

type Ask = (event: string, payload: unknown, timeoutMs: number) => Promise<unknown>;

/** Entries per `node:audit` (the contract's maximum). */
const AUDIT_BATCH = 200;

/**
 * What the hub did offline that the server audits when it is back (`offline-log.jsonl`, one JSON
 * line per drawer opening, fsync'ed before the POS is answered), and how many lines the server
 * has acknowledged (`offline-log.jsonl.sent`, replaced durably after each batch): a batch whose
 * answer was lost is sent again, and the server records each command id once
 * (docs/store-node.md#offline-audit).
 */
export class OfflineLog {
  readonly #path: string;
  #writing: Promise<void> = Promise.resolve();
  #sending: Promise<void> | null = null;

  constructor(path: string) {
    this.#path = path;
  }

  append(entry: Record<string, unknown>): Promise<void> {
    const write = this.#writing.then(async () => {
      await mkdir(dirname(this.#path), { recursive: true });
      // A line torn by a crash has no newline: start on a fresh line rather than extend it.
      const text = await this.#text();
      const torn = text.length > 0 && !text.endsWith('\n');
      await appendFile(this.#path, `${torn ? '\n' : ''}${JSON.stringify(entry)}\n`, { flush: true });
    });
    this.#writing = write.catch(() => undefined);
    return write;
  }

  /** Sends every line the server has not acknowledged, in order; one run at a time. */
  send(ask: Ask): Promise<void> {
    this.#sending ??= this.#send(ask).finally(() => {
      this.#sending = null;
    });
    return this.#sending;
  }

  async #send(ask: Ask): Promise<void> {
    await this.#writing;
    const lines = (await this.#text()).split('\n');
    // The last piece is empty, or a line torn by a crash (never acknowledged to the POS).
    lines.pop();
    let sent = Number((await readFile(`${this.#path}.sent`, 'utf8').catch(() => '0')).trim()) || 0;
    while (sent < lines.length) {
      const slice = lines.slice(sent, sent + AUDIT_BATCH);
      // A torn line cut short by a crash and continued on the next line does not parse: skipped.
      const entries = slice.flatMap((line) => {
        try {
          const parsed = NodeAuditEntry.safeParse(JSON.parse(line));
          return parsed.success ? [parsed.data] : [];
        } catch {
          return [];
        }
      });
      if (entries.length > 0) {
        const answer = (await ask('node:audit', { entries }, 15_000)) as {
          ok?: boolean;
          error?: { code: string };
        };
        if (!answer?.ok) throw new Error(`audit refused: ${answer?.error?.code ?? 'no answer'}`);
      }
      sent += slice.length;
      await writeDurably(`${this.#path}.sent`, String(sent));
    }
  }

  #text(): Promise<string> {
    return readFile(this.#path, 'utf8').catch(() => '');
  }
}
