import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '../logger.ts';

/** A session the central server accepted this recently may open the POS through the hub offline. */
export const OFFLINE_SESSION_TTL_MS = 24 * 3600_000;

interface KnownSession {
  /** What the handshake asked for (the screen and store), as the server accepted it. */
  storeId: string | null;
  screen: string | null;
  acceptedAt: number;
  /** Who the session is (`session:info`, asked once it connected): who rings an offline sale. */
  user?: SessionUser;
}

/** The person behind a session and their role in the store (what discount limits read). */
export interface SessionUser {
  userId: string;
  role: string;
}

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Sessions (login tokens) the central server accepted through this hub, so that a POS reloaded
 * while the central server is unreachable still opens: offline, the hub cannot ask the server,
 * and it admits only a token the server admitted within `OFFLINE_SESSION_TTL_MS`, for the same
 * screen and store. Only SHA-256 hashes are kept (in memory and on disk): the file does not
 * give anyone a usable token.
 */
export class KnownSessions {
  readonly #path: string;
  readonly #logger: Logger;
  readonly #sessions = new Map<string, KnownSession>();
  #saving: Promise<void> = Promise.resolve();
  #dirty = false;

  constructor(path: string, logger: Logger) {
    this.#path = path;
    this.#logger = logger;
  }

  async load(now = Date.now()): Promise<void> {
    const text = await readFile(this.#path, 'utf8').catch(() => null);
    if (!text) return;
    try {
      const stored = JSON.parse(text) as Record<string, KnownSession>;
      for (const [hash, session] of Object.entries(stored)) {
        if (typeof session?.acceptedAt === 'number' && now - session.acceptedAt < OFFLINE_SESSION_TTL_MS) {
          this.#sessions.set(hash, session);
        }
      }
    } catch {
      this.#logger.warn('known sessions file unreadable; ignored');
    }
  }

  /** The central server accepted this handshake. */
  accepted(token: string, storeId: string | null, screen: string | null): void {
    const known = this.#sessions.get(hashOf(token));
    this.#sessions.set(hashOf(token), {
      storeId,
      screen,
      acceptedAt: Date.now(),
      ...(known?.user ? { user: known.user } : {}),
    });
    this.#save();
  }

  /** Who a session the server accepted is (its `session:info`). */
  identified(token: string, user: SessionUser): void {
    const known = this.#sessions.get(hashOf(token));
    if (!known || (known.user?.userId === user.userId && known.user.role === user.role)) return;
    this.#sessions.set(hashOf(token), { ...known, user });
    this.#save();
  }

  /** Who a session is, if the hub heard it while online. */
  user(token: string): SessionUser | null {
    return this.#sessions.get(hashOf(token))?.user ?? null;
  }

  /** The server refused the token (revoked, expired): never admitted offline again. */
  forget(token: string): void {
    if (this.#sessions.delete(hashOf(token))) this.#save();
  }

  /** Whether an offline handshake with this token, store and screen may be admitted. */
  admits(token: string, storeId: string | null, screen: string | null, now = Date.now()): boolean {
    const known = this.#sessions.get(hashOf(token));
    return (
      known !== undefined &&
      now - known.acceptedAt < OFFLINE_SESSION_TTL_MS &&
      known.storeId === storeId &&
      known.screen === screen
    );
  }

  #save(): void {
    if (this.#dirty) return;
    this.#dirty = true;
    this.#saving = this.#saving
      .then(async () => {
        this.#dirty = false;
        await mkdir(dirname(this.#path), { recursive: true });
        const temporary = `${this.#path}.tmp`;
        const file = await open(temporary, 'w', 0o600);
        try {
          await file.writeFile(JSON.stringify(Object.fromEntries(this.#sessions)));
          await file.sync();
        } finally {
          await file.close();
        }
        await rename(temporary, this.#path);
      })
      .catch((error: Error) => this.#logger.error({ err: error.message }, 'known sessions not saved'));
  }

  async flush(): Promise<void> {
    await this.#saving;
  }
}
