/**
 * What a hub reports reaches the right screens: printer status (paper out) to the store's POS
 * while the job waits, weight only to the terminal that watches the scale and throttled. A
 * socket plays the hub here, so the test can script the device's side.
 */
import { randomUUID } from 'node:crypto';
import type { PrintJob } from '@erp/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { nextEvent, type TestClient, type TestServer, type TestTenant } from '../../test/harness.ts';
import { connectHub, hubEmit, issueHubCredential, waitFor } from '../../test/hubs.ts';
import type { TestProduct, Till } from '../../test/selling.ts';
import { useSellingFixture } from '../../test/selling-fixture.ts';
import { withTenant } from '../platform/orm.ts';

let server: TestServer;
let tenant: TestTenant;
let products: TestProduct[];
let till: Till;
let otherPos: TestClient;
let otherStorePos: TestClient;
let admin: TestClient;
let hub: TestClient;
let credential: { token: string; storeId: string };
const at = () => new Date().toISOString();

async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  return withTenant(server.orm, tenant.tenantId, (em) => em.execute<T[]>(sql, params));
}

async function hubGone(): Promise<boolean> {
  const listed = await admin.emitWithAck('hub:list', {});
  return listed.ok && listed.data.devices.every((d) => !d.online);
}

/** Connects the scripted hub; it answers print jobs as a hub whose printer has no paper. */
async function connectPaperlessHub(): Promise<TestClient> {
  const socket = await connectHub(server.url, tenant.slug, credential);
  socket.on('print:job', (job, ack) =>
    ack({
      ok: true,
      data: { jobId: job.jobId, printerId: 'caja-1', state: 'received', duplicate: false, at: at() },
    }),
  );
  return socket;
}

const shop = useSellingFixture({ label: 'route', stock: '1000', cafs: [[39, 1, 100]] });
beforeAll(async () => {
  ({ server, tenant, products, till } = shop);
  otherPos = await shop.signIn(tenant, tenant.emails.cashier, { screen: 'pos' });
  otherStorePos = await shop.signIn(tenant, tenant.emails.cashier2, { screen: 'pos' });
  admin = await shop.signIn(tenant, tenant.emails.admin, { screen: 'backoffice' });
  credential = await issueHubCredential(admin, tenant.stores[0]!.id);
  hub = await connectPaperlessHub();
});
// The test replaces the hub's socket: the one in place at the end is closed.
afterAll(() => hub?.close());

describe('printer out of paper', () => {
  it("tells the store's POS screens and the back office, and the job waits until the hub prints it", async () => {
    const toPos = nextEvent<{ state: string }>(till.socket, 'printer:status', 10_000);
    const toBackoffice = nextEvent<{ state: string }>(admin, 'printer:status', 10_000);
    const toOtherStore = nextEvent(otherStorePos, 'printer:status', 500);
    await hubEmit(hub, 'printer:status', {
      printerId: 'caja-1',
      state: 'paper_out',
      paperNearEnd: true,
      pendingJobs: 0,
      at: at(),
    });
    expect(await toPos).toMatchObject({
      storeId: tenant.stores[0]!.id,
      printerId: 'caja-1',
      state: 'paper_out',
    });
    expect(await toBackoffice).toMatchObject({ state: 'paper_out' });
    expect(await toOtherStore).toBeUndefined();

    const saleId = randomUUID();
    const committed = await till.socket.emitWithAck('sale:commit', {
      saleId,
      terminalId: till.terminalId,
      cashSessionId: till.cashSessionId,
      lines: [{ productId: products[1]!.id, quantity: '1', unitPrice: 1190 }],
      payments: [{ method: 'cash', tendered: 2000 }],
    });
    expect(committed.ok).toBe(true);
    const state = async () =>
      (await query<{ state: string }>('select state from print_job where id = ?', [saleId]))[0];
    await expect.poll(state).toEqual({ state: 'received' });

    // The hub reconnects with the job still waiting: the server sends it again (same id).
    hub.close();
    await waitFor(hubGone); // the store takes its next hub once this one is gone
    const resent = new Promise<z.output<typeof PrintJob>>((resolve) => {
      void connectPaperlessHub().then((socket) => {
        hub = socket;
        socket.on('print:job', (job) => resolve(job as z.output<typeof PrintJob>));
      });
    });
    expect(await resent).toMatchObject({ jobId: saleId, isCopy: false });

    // Paper back: the hub prints and reports; repeats of that report change nothing.
    const done = nextEvent<{ jobId: string; state: string }>(till.socket, 'print:state', 10_000);
    const report = { jobId: saleId, printerId: 'caja-1', state: 'done', duplicate: false, at: at() };
    expect(await hubEmit(hub, 'print:state', report)).toEqual({ ok: true, data: {} });
    expect(await done).toMatchObject({ jobId: saleId, state: 'done' });
    const repeated = nextEvent(till.socket, 'print:state', 500);
    expect(await hubEmit(hub, 'print:state', { ...report, state: 'received' })).toEqual({
      ok: true,
      data: {},
    });
    expect(await repeated).toBeUndefined();
    expect(await state()).toEqual({ state: 'done' });
  });
});

describe('scale readings', () => {
  it('reach only the terminal that watches the scale, at most 10 per second, the latest last', async () => {
    const forwarded: unknown[] = [];
    hub.on('scale:watch', (watch, ack) => {
      forwarded.push(watch);
      ack({ ok: true, data: null });
    });
    const watched = await till.socket.emitWithAck('scale:watch', { scaleId: 'balanza-1', durationMs: 5000 });
    expect(watched).toEqual({ ok: true, data: null });
    expect(forwarded).toEqual([{ scaleId: 'balanza-1', durationMs: 5000 }]);

    const seen: { seq: number }[] = [];
    till.socket.on('scale:reading', (reading) => seen.push(reading));
    const elsewhere: unknown[] = [];
    otherPos.on('scale:reading', (reading) => elsewhere.push(reading));
    admin.on('scale:reading', (reading) => elsewhere.push(reading));
    // 30 readings in about 300 ms (longer on a busy machine: the bound below follows the clock).
    const started = Date.now();
    for (let seq = 1; seq <= 30; seq++) {
      await hubEmit(hub, 'scale:reading', {
        scaleId: 'balanza-1',
        seq,
        weight: (seq / 100).toFixed(3),
        unit: 'kg',
        stable: seq === 30,
        net: false,
        overload: false,
        underZero: false,
        connected: true,
        at: at(),
      });
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await waitFor(() => seen.at(-1)?.seq === 30, 2000);
    // The server forwards at most 10 readings a second (the first one at once, the last one kept).
    const windows = Math.ceil((Date.now() - started) / 100);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.length).toBeLessThan(30);
    expect(seen.length).toBeLessThanOrEqual(windows + 2);
    expect(elsewhere).toEqual([]);
  });

  it('answers DEVICE_UNAVAILABLE to a watch when the store has no hub connected', async () => {
    hub.close();
    await waitFor(hubGone);
    expect(await till.socket.emitWithAck('scale:watch', { durationMs: 5000 })).toMatchObject({
      ok: false,
      error: { code: 'DEVICE_UNAVAILABLE' },
    });
  });
});
