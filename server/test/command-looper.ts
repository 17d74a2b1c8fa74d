/**
 * A client that runs one command in a loop as fast as it can, in a process of its own so that
 * its work (answers to parse, reconnections) does not weigh on the test that measures the
 * server: `lanes` requests always in flight on one connection, and a new connection at once
 * whenever the server closes or refuses one. `startLooper` forks it; it runs until `stop()`,
 * which resolves with how many answers of each kind it got (`ok`, an error code, `handshake
 * <code>` for refused connections, `connected`, `closed` for requests cut by a disconnection).
 */
import { fork } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { io, type Socket } from 'socket.io-client';

export interface LooperOptions {
  url: string;
  slug: string;
  auth: { token: string; storeId?: string; screen?: string };
  command: string;
  payload: unknown;
  lanes: number;
}

export interface Looper {
  stop(): Promise<Record<string, number>>;
}

const SELF = fileURLToPath(import.meta.url);

/** Forks the looper and resolves once its first connection is up and its lanes are running. */
export function startLooper(options: LooperOptions): Promise<Looper> {
  const child = fork(SELF, [JSON.stringify(options)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const message = <T>(type: string) =>
    new Promise<T>((resolve, reject) => {
      child.on('message', (m: { type: string; counts?: T }) => {
        if (m.type === type) resolve(m.counts as T);
      });
      child.once('exit', (code) => reject(new Error(`looper exited (${code}) before "${type}"`)));
    });
  const started = message<void>('started');
  return started.then(() => ({
    stop() {
      const counts = message<Record<string, number>>('counts');
      child.send('stop');
      return counts.finally(() => child.kill());
    },
  }));
}

async function loop(options: LooperOptions): Promise<void> {
  const counts: Record<string, number> = {};
  const count = (key: string) => {
    counts[key] = (counts[key] ?? 0) + 1;
  };
  let stopped = false;
  let current: Socket | null = null;
  let connecting: Promise<void> | null = null;
  const connect = () =>
    new Promise<void>((resolve) => {
      const socket = io(`${options.url}/t/${options.slug}`, {
        auth: options.auth,
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
      });
      socket.once('connect', () => {
        current = socket;
        count('connected');
        resolve();
      });
      socket.once('connect_error', (err: Error & { data?: { code?: string } }) => {
        socket.close();
        count(`handshake ${err.data?.code ?? err.message}`);
        resolve();
      });
    });
  const connected = async (): Promise<Socket | null> => {
    while (!current?.connected && !stopped) {
      connecting ??= connect().finally(() => {
        connecting = null;
      });
      await connecting;
    }
    return stopped ? null : current;
  };
  const lane = async () => {
    for (let socket = await connected(); socket; socket = await connected()) {
      try {
        const answer = (await socket.timeout(60_000).emitWithAck(options.command, options.payload)) as {
          ok: boolean;
          error?: { code: string };
        };
        count(answer.ok ? 'ok' : answer.error!.code);
      } catch {
        count('closed');
      }
    }
  };
  await connected();
  const lanes = Array.from({ length: options.lanes }, lane);
  process.send!({ type: 'started' });
  await new Promise<void>((resolve) => process.once('message', () => resolve()));
  stopped = true;
  (current as Socket | null)?.close();
  await Promise.all(lanes);
  process.send!({ type: 'counts', counts });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await loop(JSON.parse(process.argv[2]!) as LooperOptions);
  process.disconnect();
}
