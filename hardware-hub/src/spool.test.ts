import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PrinterStatus, PrintJobReport } from '@erp/shared';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PrintJournal } from './journal.ts';
import { PrintSpool } from './spool.ts';
import { type FakeTcpPrinter, startFakeTcpPrinter } from './testing/fake-escpos-printer.ts';
import { countJobs, tcpPrinter } from './testing/printers.ts';
import { sampleBoletaJob } from './testing/sample-jobs.ts';

let dir: string;
let fake: FakeTcpPrinter;
let spool: PrintSpool | null = null;
let journal: PrintJournal | null = null;
const states: PrintJobReport[] = [];
const statuses: PrinterStatus[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hub-spool-'));
  fake = await startFakeTcpPrinter();
  states.length = 0;
  statuses.length = 0;
});
afterEach(async () => {
  await spool?.stop();
  await journal?.close();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

async function startSpool(): Promise<PrintSpool> {
  journal = await PrintJournal.open(join(dir, 'print-journal.jsonl'));
  spool = new PrintSpool({
    journal,
    printers: [tcpPrinter(fake.port)],
    logger: pino({ level: 'silent' }),
    timeZone: 'America/Santiago',
    retryMs: 100,
    idlePollMs: 60_000,
  });
  spool.on('state', (report) => states.push(report));
  spool.on('status', (status) => statuses.push(status));
  await spool.start();
  return spool;
}

const statesOf = (jobId: string) => states.filter((s) => s.jobId === jobId).map((s) => s.state);

describe('print spool', () => {
  it('prints a job delivered twice (one after the other and concurrently) exactly once', async () => {
    const spool = await startSpool();
    const job = sampleBoletaJob();
    const [first, concurrent] = await Promise.all([spool.submit(job), spool.submit(job)]);
    const again = await spool.submit(job);
    expect(first).toMatchObject({ state: 'done', duplicate: false });
    expect(concurrent.duplicate).toBe(true);
    expect(again).toMatchObject({ state: 'done', duplicate: true });
    expect(statesOf(job.jobId)).toEqual(['received', 'sending', 'done']);
    expect(countJobs(fake.captured())).toBe(1);
  });

  it('keeps a job waiting while the printer is out of paper, reports it, and prints when paper is back', async () => {
    fake.state.paperOut = true;
    const spool = await startSpool();
    const job = sampleBoletaJob();
    expect(await spool.submit(job)).toMatchObject({ state: 'received' });
    expect(statuses.at(-1)).toMatchObject({ state: 'paper_out', paperNearEnd: true, pendingJobs: 1 });
    expect(countJobs(fake.captured())).toBe(0);
    fake.state.paperOut = false;
    await expect.poll(() => statesOf(job.jobId).at(-1)).toBe('done');
    expect(countJobs(fake.captured())).toBe(1);
    expect(statuses.at(-1)).toMatchObject({ state: 'ready', pendingJobs: 0 });
  });

  it('marks a job uncertain when the connection breaks after the first byte, and does not retry it', async () => {
    fake.state.resetOnJob = true;
    const spool = await startSpool();
    const job = sampleBoletaJob();
    expect(await spool.submit(job)).toMatchObject({ state: 'uncertain' });
    fake.state.resetOnJob = false;
    expect(await spool.submit(job)).toMatchObject({ state: 'uncertain', duplicate: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(countJobs(fake.captured())).toBe(1);
  });

  it('expires a waiting receipt instead of printing it late', async () => {
    fake.state.paperOut = true;
    const spool = await startSpool();
    const job = sampleBoletaJob({ expiresAt: new Date(Date.now() + 300).toISOString() });
    expect(await spool.submit(job)).toMatchObject({ state: 'received' });
    await expect.poll(() => statesOf(job.jobId).at(-1)).toBe('expired');
    fake.state.paperOut = false;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(countJobs(fake.captured())).toBe(0);
  });

  it('after a restart: a job left "sending" is uncertain and not printed; a "received" one prints', async () => {
    const sending = sampleBoletaJob();
    const received = sampleBoletaJob();
    const at = new Date().toISOString();
    const lines = [
      { jobId: sending.jobId, printerId: 'caja-1', state: 'received', at, job: sending },
      { jobId: sending.jobId, printerId: 'caja-1', state: 'sending', at },
      { jobId: received.jobId, printerId: 'caja-1', state: 'received', at, job: received },
    ];
    // A crash can leave half a line at the end.
    writeFileSync(
      join(dir, 'print-journal.jsonl'),
      `${lines.map((l) => JSON.stringify(l)).join('\n')}\n{"jobId":"tr`,
    );
    const spool = await startSpool();
    await expect.poll(() => statesOf(received.jobId).at(-1)).toBe('done');
    expect(statesOf(sending.jobId)).toEqual(['uncertain']);
    expect(await spool.submit(sending)).toMatchObject({ state: 'uncertain', duplicate: true });
    expect(countJobs(fake.captured())).toBe(1);
  });
});
