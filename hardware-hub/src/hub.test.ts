import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hub } from './hub.ts';
import { connectHub, type HubSocket } from './hub-connection.ts';
import { PrintJournal } from './journal.ts';
import { LocalDevices } from './local-devices.ts';
import { VirtualScale } from './simulator/virtual-scale.ts';
import { PrintSpool } from './spool.ts';
import { type FakeTcpPrinter, startFakeTcpPrinter } from './testing/fake-escpos-printer.ts';
import { type FakeServer, startFakeServer } from './testing/fake-server.ts';
import { countJobs, tcpPrinter } from './testing/printers.ts';
import { sampleBoletaJob } from './testing/sample-jobs.ts';

const logger = pino({ level: 'silent' });
let dir: string;
let server: FakeServer;
let printer: FakeTcpPrinter;
let socket: HubSocket;
let spool: PrintSpool;
let journal: PrintJournal;
let scale: VirtualScale;
/** While set, every printer operation keeps the printer busy until it resolves. */
let printerHeld: Promise<void> | null = null;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hub-'));
  server = await startFakeServer();
  printer = await startFakeTcpPrinter();
  journal = await PrintJournal.open(join(dir, 'print-journal.jsonl'));
  spool = new PrintSpool({
    journal,
    printers: [
      tcpPrinter(printer.port, {
        wrap: (tcp) => ({
          async withLink(work) {
            const result = await tcp.withLink(work);
            if (printerHeld) await printerHeld;
            return result;
          },
          close: () => tcp.close(),
        }),
      }),
    ],
    logger,
    timeZone: 'America/Santiago',
    retryMs: 100,
    idlePollMs: 60_000,
  });
  scale = new VirtualScale('balanza-1');
  // The first two attempts are refused: the hub must keep trying on its own.
  server.refuseNext(2);
  socket = connectHub(
    {
      serverUrl: server.url,
      tenantSlug: server.tenant,
      storeId: server.storeId,
      token: server.token,
      reconnectDelayMs: 50,
    },
    logger,
  );
  new Hub({ socket, spool, devices: new LocalDevices(spool, [scale], logger), logger, version: 'test' });
  await spool.start();
});

afterAll(async () => {
  socket.close();
  await spool.stop();
  await journal.close();
  await scale.close();
  await server.close();
  await printer.close();
  rmSync(dir, { recursive: true, force: true });
});

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
const receivedOf = (event: string) => server.received.filter((r) => r.event === event).map((r) => r.payload);
const lastPrintState = (jobId: string) =>
  receivedOf('print:state')
    .filter((r) => r.jobId === jobId)
    .at(-1);

describe('hub ↔ server', () => {
  it('joins the tenant namespace as the store hub after refusals, and announces its devices', async () => {
    await server.connectedHub();
    expect(server.handshakes).toHaveLength(3);
    expect(server.handshakes.at(-1)).toEqual({ token: server.token, storeId: server.storeId, screen: 'hub' });
    await expect
      .poll(() => receivedOf('hub:announce')[0])
      .toMatchObject({
        printers: [{ printerId: 'caja-1', connection: 'tcp', paperWidthMm: 80, pdf417: 'native' }],
        scales: [{ scaleId: 'balanza-1', protocol: 'virtual' }],
      });
  });

  it('prints a job once even when the server sends it twice, and acks both', async () => {
    const job = sampleBoletaJob();
    const first = await server.request('print:job', job);
    const second = await server.request('print:job', job);
    expect(first).toMatchObject({ ok: true, data: { jobId: job.jobId, state: 'done', duplicate: false } });
    expect(second).toMatchObject({ ok: true, data: { state: 'done', duplicate: true } });
    expect(countJobs(printer.captured())).toBe(1);
    await expect.poll(() => lastPrintState(job.jobId)).toMatchObject({ state: 'done' });
  });

  it('refuses a malformed job without printing', async () => {
    const before = countJobs(printer.captured());
    expect(
      await server.request('print:job', { jobId: randomUUID(), document: { kind: 'boleta' } }),
    ).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
    expect(countJobs(printer.captured())).toBe(before);
  });

  it('drops a drawer kick that arrives after its expiry, and executes one in time', async () => {
    const kick = (expiresAt: string) => server.request('drawer:kick', { commandId: randomUUID(), expiresAt });
    expect(await kick(inSeconds(-1))).toMatchObject({ ok: false, error: { code: 'EXPIRED_COMMAND' } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(printer.captured().includes(Buffer.from([0x1b, 0x70]))).toBe(false);
    expect(await kick(inSeconds(5))).toMatchObject({ ok: true });
    await printer.waitFor((bytes) => bytes.includes(Buffer.from([0x1b, 0x70, 0x00, 25, 25])));
  });

  it('drops a drawer kick whose deadline passes while it waits behind a busy printer', async () => {
    let release = () => {};
    printerHeld = new Promise<void>((resolve) => {
      release = resolve;
    });
    const before = printer.captured().length;
    try {
      const printing = server.request('print:job', sampleBoletaJob());
      // The job's status check reached the printer, which now stays busy until released.
      await printer.waitFor((bytes) => bytes.subarray(before).includes(Buffer.from([0x10, 0x04])), 10_000);
      const kick = server.request('drawer:kick', { commandId: randomUUID(), expiresAt: inSeconds(1) });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      release();
      const [kicked, printed] = await Promise.all([kick, printing]);
      expect(kicked).toMatchObject({ ok: false, error: { code: 'EXPIRED_COMMAND' } });
      expect(printed).toMatchObject({ ok: true, data: { state: 'done' } });
      const sent = printer.captured().subarray(before);
      expect(countJobs(sent)).toBe(1);
      expect(sent.includes(Buffer.from([0x1b, 0x70]))).toBe(false);
    } finally {
      release();
      printerHeld = null;
    }
  });

  it('reports paper out to the server and holds the job until paper is back', async () => {
    printer.state.paperOut = true;
    const job = sampleBoletaJob();
    const before = countJobs(printer.captured());
    expect(await server.request('print:job', job)).toMatchObject({ ok: true, data: { state: 'received' } });
    await expect
      .poll(() => receivedOf('printer:status').at(-1))
      .toMatchObject({ state: 'paper_out', pendingJobs: 1 });
    expect(countJobs(printer.captured())).toBe(before);
    printer.state.paperOut = false;
    await expect.poll(() => lastPrintState(job.jobId)).toMatchObject({ state: 'done' });
    expect(countJobs(printer.captured())).toBe(before + 1);
    await expect
      .poll(() => receivedOf('printer:status').at(-1))
      .toMatchObject({ state: 'ready', pendingJobs: 0 });
  });

  it('streams scale readings while watched; tare refuses an expired command', async () => {
    const watch = await server.request('scale:watch', { durationMs: 2000 });
    expect(watch).toMatchObject({ ok: true, data: { scaleId: 'balanza-1' } });
    await expect.poll(() => receivedOf('scale:reading').length).toBeGreaterThan(0);
    expect(receivedOf('scale:reading')[0]).toMatchObject({
      scaleId: 'balanza-1',
      unit: 'kg',
      connected: true,
    });
    expect(
      await server.request('scale:tare', { commandId: randomUUID(), expiresAt: inSeconds(-1) }),
    ).toMatchObject({
      ok: false,
      error: { code: 'EXPIRED_COMMAND' },
    });
  });

  it('reconnects by itself after the server drops it', async () => {
    const hub = await server.connectedHub();
    const attempts = server.handshakes.length;
    hub.disconnect(true);
    await expect.poll(() => server.handshakes.length, { timeout: 5000 }).toBeGreaterThan(attempts);
    expect((await server.connectedHub()).id).not.toBe(hub.id);
    await expect.poll(() => socket.connected).toBe(true);
  });
});
