/**
 * A printer out of paper, with nothing scripted in between: the real hub process drives a fake
 * ESC/POS printer over TCP that answers `DLE EOT` with paper-end status bytes. The POS hears the
 * status, the sale's receipt waits at the hub without a byte sent, and prints once when paper
 * is back.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FakeTcpPrinter,
  startFakeTcpPrinter,
} from '../../../hardware-hub/src/testing/fake-escpos-printer.ts';
import { countJobs } from '../../../hardware-hub/src/testing/printers.ts';
import type { TestClient, TestServer, TestTenant } from '../../test/harness.ts';
import { type HubProcess, issueHubCredential, startHubProcess, waitFor } from '../../test/hubs.ts';
import type { Till } from '../../test/selling.ts';
import { useSellingFixture } from '../../test/selling-fixture.ts';

let server: TestServer;
let tenant: TestTenant;
let till: Till;
let admin: TestClient;
let printer: FakeTcpPrinter;
let hub: HubProcess;
let dataDir: string;
let productId: string;
const statuses: { state: string; paperNearEnd: boolean; pendingJobs: number }[] = [];
const jobStates: { jobId: string; state: string }[] = [];

const shop = useSellingFixture({ label: 'paper', stock: '100', stocked: [1], cafs: [[39, 1, 10]] });
beforeAll(async () => {
  ({ server, tenant, till } = shop);
  productId = shop.products[1]!.id;
  till.socket.on('printer:status', (status) => statuses.push(status));
  till.socket.on('print:state', (job) => jobStates.push(job));
  admin = await shop.signIn(tenant, tenant.emails.admin, { screen: 'backoffice' });
  printer = await startFakeTcpPrinter({ paperOut: true });
  dataDir = mkdtempSync(join(tmpdir(), 'erp-hub-paper-'));
  hub = startHubProcess(
    server.url,
    tenant.slug,
    await issueHubCredential(admin, tenant.stores[0]!.id),
    dataDir,
    [{ id: 'caja-1', connection: { type: 'tcp', host: '127.0.0.1', port: printer.port } }],
  );
  await waitFor(async () => {
    const listed = await admin.emitWithAck('hub:list', { storeId: tenant.stores[0]!.id });
    return listed.ok && listed.data.devices.some((d) => d.online && d.announce !== null);
  }, 30_000);
});
afterAll(async () => {
  await hub?.stop();
  await printer?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('printer out of paper (status bytes from a fake ESC/POS printer)', () => {
  it('tells the POS, keeps the receipt waiting without sending a byte, and prints it once paper is back', async () => {
    await expect
      .poll(() => statuses.at(-1), { timeout: 15_000 })
      .toMatchObject({ state: 'paper_out', paperNearEnd: true });

    const saleId = randomUUID();
    const committed = await till.socket.emitWithAck('sale:commit', {
      saleId,
      terminalId: till.terminalId,
      cashSessionId: till.cashSessionId,
      lines: [{ productId, quantity: '1', unitPrice: 1190 }],
      payments: [{ method: 'cash', tendered: 2000 }],
    });
    expect(committed.ok).toBe(true);
    await expect
      .poll(() => jobStates.filter((s) => s.jobId === saleId).map((s) => s.state), { timeout: 15_000 })
      .toEqual(['received']);
    await expect
      .poll(() => statuses.at(-1), { timeout: 10_000 })
      .toMatchObject({ state: 'paper_out', pendingJobs: 1 });
    const overview = await till.socket.emitWithAck('print:overview', { terminalId: till.terminalId });
    expect(overview).toMatchObject({
      ok: true,
      data: {
        hubOnline: true,
        printers: [{ printerId: 'caja-1', state: 'paper_out', pendingJobs: 1 }],
        jobs: [{ jobId: saleId, state: 'received' }],
      },
    });
    // Only status queries went to the printer, no job (each job starts with ESC @).
    expect(countJobs(printer.captured())).toBe(0);

    printer.state.paperOut = false;
    await expect
      .poll(() => jobStates.filter((s) => s.jobId === saleId).at(-1)?.state, { timeout: 15_000 })
      .toBe('done');
    expect(countJobs(printer.captured())).toBe(1);
    await expect
      .poll(() => statuses.at(-1), { timeout: 10_000 })
      .toMatchObject({ state: 'ready', pendingJobs: 0 });
    // The hub's reports travel concurrently: a late `sending` after `done` is dropped, never shown.
    expect(
      jobStates
        .filter((s) => s.jobId === saleId)
        .map((s) => s.state)
        .join(' '),
    ).toMatch(/^received (sending )?done$/);
  });
});
