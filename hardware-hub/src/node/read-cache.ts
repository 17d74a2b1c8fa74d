import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Logger } from '../logger.ts';
import { writeDurably } from './durable-file.ts';
import { OFFLINE_SESSION_TTL_MS } from './known-sessions.ts';

/**
 * The reads a POS makes when it loads (who am I, the store and its terminals, the sale settings,
 * the promotions): while online the hub keeps each session's last answer, so a page reloaded
 * offline opens the till and sells. Offline the answer is the last one the server gave. The till's
 * cash session is not one of them: the hub keeps the store's tills itself (offline-till.ts) and
 * answers `cash:current` with what was done offline since.
 */
export const CACHED_READS: ReadonlySet<string> = new Set([
  'session:info',
  'store:list',
  'sale:settings',
  'promotion:current',
]);

interface CachedRead {
  data: unknown;
  at: number;
}

const SAVE_DELAY_MS = 500;

/** Last answers by session (SHA-256 of its token), command and payload; on disk, mode 0600. */
export class ReadCache {
  readonly #path: string;
  readonly #logger: Logger;
  readonly #reads = new Map<string, CachedRead>();
  #timer: NodeJS.Timeout | null = null;
  #saving: Promise<void> = Promise.resolve();

  constructor(path: string, logger: Logger) {
    this.#path = path;
    this.#logger = logger;
  }

  async load(now = Date.now()): Promise<void> {
    const text = await readFile(this.#path, 'utf8').catch(() => null);
    if (!text) return;
    try {
      for (const [key, read] of Object.entries(JSON.parse(text) as Record<string, CachedRead>)) {
        if (now - read.at < OFFLINE_SESSION_TTL_MS) this.#reads.set(key, read);
      }
    } catch {
      this.#logger.warn('cached reads unreadable; ignored');
    }
  }

  /** An answer the server gave while online to a cached read. */
  put(token: string, event: string, payload: unknown, data: unknown): void {
    if (!CACHED_READS.has(event)) return;
    this.#reads.set(keyOf(token, event, payload), { data, at: Date.now() });
    this.#schedule();
  }

  /** The last answer the server gave this session to the same read, if any. */
  get(token: string, event: string, payload: unknown): { data: unknown } | null {
    if (!CACHED_READS.has(event)) return null;
    const read = this.#reads.get(keyOf(token, event, payload));
    return read && Date.now() - read.at < OFFLINE_SESSION_TTL_MS ? { data: read.data } : null;
  }

  #schedule(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#saving = this.#saving
        .then(() => writeDurably(this.#path, JSON.stringify(Object.fromEntries(this.#reads))))
        .catch((error: Error) => this.#logger.error({ err: error.message }, 'cached reads not saved'));
    }, SAVE_DELAY_MS);
  }

  async flush(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
      this.#saving = this.#saving.then(() =>
        writeDurably(this.#path, JSON.stringify(Object.fromEntries(this.#reads))),
      );
    }
    await this.#saving;
  }
}

function keyOf(token: string, event: string, payload: unknown): string {
  return createHash('sha256')
    .update(token)
    .update('\0')
    .update(event)
    .update('\0')
    .update(JSON.stringify(payload ?? null))
    .digest('hex');
}
