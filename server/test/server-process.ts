/**
 * The server as its own `node server/src/main.ts` process, for tests that need a second process
 * sharing rooms through Redis or one they can kill -9.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/** A port unlikely to be taken, for a process that must come back on the same one. */
export const randomPort = () => 20000 + Math.floor(Math.random() * 20000);

export interface ServerProcess {
  /** Known at once, so a test's clean-up kills it whenever its start fails or times out. */
  child: ChildProcess;
  url: string;
  /** Resolves once the health check answers; rejects (and kills the child) after 15 s. */
  ready: Promise<void>;
}

/** `env` overrides the server's settings (environment variables), e.g. its limits. */
export function spawnServerProcess(
  port: number,
  logLevel: string,
  env: Record<string, string> = {},
): ServerProcess {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, PORT: String(port), LOG_LEVEL: logLevel, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const ready = (async () => {
    for (let i = 0; i < 150; i++) {
      const up = await fetch(`${url}/api/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGKILL');
    throw new Error('server process did not start');
  })();
  return { child, url, ready };
}

/**
 * The central server as a process of its own that a test kills (SIGKILL, as a crash or a cut
 * link) and starts again on the same port, as a store node's hub sees it.
 */
export function killableServer(env: Record<string, string> = {}) {
  const port = randomPort();
  let child: ChildProcess | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    async start(): Promise<void> {
      const started = spawnServerProcess(port, 'error', env);
      child = started.child;
      await started.ready;
    },
    async kill(): Promise<void> {
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child!.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
