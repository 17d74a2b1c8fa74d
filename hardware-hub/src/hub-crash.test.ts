import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeTcpPrinter, startFakeTcpPrinter } from './testing/fake-escpos-printer.ts';
import { type FakeServer, startFakeServer } from './testing/fake-server.ts';
import { countJobs } from './testing/printers.ts';
import { sampleBoletaJob } from './testing/sample-jobs.ts';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
let dir: string;
let server: FakeServer;
let printer: FakeTcpPrinter;
let hub: ChildProcess | null = null;

/** The real hub process (src/main.ts), as `npm start` runs it. */
function startHub(configPath: string): ChildProcess {
  const child = spawn(process.execPath, [MAIN, '--config', configPath], {
    env: { ...process.env, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  hub = child;
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hub-crash-'));
  server = await startFakeServer();
  // Answers the status check before the job, then goes quiet: the hub is caught mid-job.
  printer = await startFakeTcpPrinter({ stallAfterJob: true });
});
afterAll(async () => {
  if (hub) await kill(hub);
  await server.close();
  await printer.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('hub process killed while sending a job', () => {
  it('comes back with the job uncertain, reports it, and never prints it again', async () => {
    const configPath = join(dir, 'hub.config.json');
    writeFileSync(
      configPath,
      JSON.stringify({
        server: { url: server.url, tenant: server.tenant, storeId: server.storeId, token: server.token },
        dataDir: join(dir, 'data'),
        printers: [{ id: 'caja-1', connection: { type: 'tcp', host: '127.0.0.1', port: printer.port } }],
      }),
    );
    const first = startHub(configPath);
    const job = sampleBoletaJob();
    void server.request('print:job', job).catch(() => {});
    await printer.waitFor((bytes) => countJobs(bytes) === 1, 15_000);
    await kill(first);
    expect(server.received.some((r) => r.event === 'print:state' && r.payload.state === 'done')).toBe(false);

    startHub(configPath);
    const reported = () =>
      server.received
        .filter((r) => r.event === 'print:state' && r.payload.jobId === job.jobId)
        .map((r) => r.payload.state);
    await expect.poll(reported, { timeout: 15_000 }).toContain('uncertain');
    expect(reported()).not.toContain('done');
    // The server re-sends what it never got an ack for: the hub answers, and prints nothing.
    expect(await server.request('print:job', job)).toMatchObject({
      ok: true,
      data: { state: 'uncertain', duplicate: true },
    });
    expect(countJobs(printer.captured())).toBe(1);
  });
});
