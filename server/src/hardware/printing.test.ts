/**
 * Printing end to end with the REAL hub process (`hardware-hub/src/main.ts --simulate`), whose
 * simulated printer writes each receipt as a file: a sale's receipt reaches its store's hub and
 * only it, prints once however often it is delivered, reprints say COPIA, late drawer kicks die.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextEvent, type TestClient, type TestServer, type TestTenant } from '../../test/harness.ts';
import {
  connectHub,
  type HubProcess,
  issueHubCredential,
  printedReceipts,
  startHubProcess,
  waitFor,
} from '../../test/hubs.ts';
import type { TestProduct, Till } from '../../test/selling.ts';
import { useSellingFixture } from '../../test/selling-fixture.ts';
import { withTenant } from '../platform/orm.ts';

let server: TestServer;
let tenant: TestTenant;
let products: TestProduct[];
let till: Till;
let admin: TestClient;
let wall: TestClient;
let dataDir: string;
let hub: HubProcess;
let credential: { token: string; storeId: string };
/** Hubs that must never see store 0's receipts: store 1 of the same tenant, and another tenant's. */
const strangers: { socket: TestClient; jobs: unknown[] }[] = [];
/** print:state notifications the POS of store 0 received. */
const posStates: { jobId: string; state: string; duplicate: boolean }[] = [];

/** Receipt text without spaces (double-width lines print as `N °   1`). */
const compact = (text: string) => text.replace(/\s+/g, '');

async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  return withTenant(server.orm, tenant.tenantId, (em) => em.execute<T[]>(sql, params));
}

async function hubOnline(): Promise<boolean> {
  const listed = await admin.emitWithAck('hub:list', { storeId: tenant.stores[0]!.id });
  return listed.ok && listed.data.devices.some((d) => d.online && d.announce !== null);
}

async function startRealHub(): Promise<void> {
  hub = startHubProcess(server.url, tenant.slug, credential, dataDir);
  await waitFor(hubOnline);
}

async function sell(): Promise<{ saleId: string; folio: number }> {
  const saleId = randomUUID();
  const result = await till.socket.emitWithAck('sale:commit', {
    saleId,
    terminalId: till.terminalId,
    cashSessionId: till.cashSessionId,
    lines: [{ productId: products[1]!.id, quantity: '2', unitPrice: 1190 }],
    payments: [{ method: 'cash', tendered: 5000 }],
  });
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return { saleId, folio: result.data.folio };
}

const shop = useSellingFixture({ label: 'prn', others: ['prnb'], stock: '1000', cafs: [[39, 1, 100]] });
beforeAll(async () => {
  ({ server, tenant, products, till } = shop);
  const other = shop.tenants[1]!;
  till.socket.on('print:state', (report) => posStates.push(report));
  admin = await shop.signIn(tenant, tenant.emails.admin, { screen: 'backoffice' });
  wall = await shop.signIn(tenant, tenant.emails.supervisor, { screen: 'wall' });
  const otherAdmin = await shop.signIn(other, other.emails.admin);
  for (const [slug, issuer, storeId] of [
    [tenant.slug, admin, tenant.stores[1]!.id],
    [other.slug, otherAdmin, other.stores[0]!.id],
  ] as const) {
    const socket = await connectHub(server.url, slug, await issueHubCredential(issuer, storeId));
    const stranger = { socket, jobs: [] as unknown[] };
    socket.on('print:job', (job) => stranger.jobs.push(job));
    strangers.push(stranger);
    shop.keep(socket);
  }
  otherAdmin.close();

  dataDir = mkdtempSync(join(tmpdir(), 'erp-hub-'));
  credential = await issueHubCredential(admin, tenant.stores[0]!.id, 'Hub Tienda A');
  await startRealHub();
});
afterAll(async () => {
  await hub?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('receipts through the store hub', () => {
  let sale: { saleId: string; folio: number };

  it("prints a sale's receipt once at its store's hub and records the hub's acknowledgement", async () => {
    sale = await sell();
    await expect.poll(() => printedReceipts(dataDir).length, { timeout: 15_000 }).toBe(1);
    expect(compact(printedReceipts(dataDir)[0]!)).toContain(`BOLETAELECTRÓNICAN°${sale.folio}`);
    // The acknowledgement follows the printing: a busy machine takes its time (the default poll is 1 s).
    await expect
      .poll(async () => query('select state, attempts from print_job where id = ?', [sale.saleId]), {
        timeout: 15_000,
      })
      .toEqual([{ state: 'done', attempts: 1 }]);
    // The POS hears 'done' after the report's transaction commits, so it can trail the row.
    await expect
      .poll(() => posStates.some((s) => s.jobId === sale.saleId && s.state === 'done'), { timeout: 15_000 })
      .toBe(true);
    expect(strangers.map((s) => s.jobs)).toEqual([[], []]);
  });

  it('re-sends an unacknowledged job when the hub reconnects; the hub answers duplicate and prints nothing', async () => {
    // As if the acknowledgement had been lost: the server still thinks the hub never got it.
    await query(`update print_job set state = 'pending' where id = ?`, [sale.saleId]);
    await hub.stop();
    await startRealHub();
    await expect
      .poll(() => posStates.find((s) => s.jobId === sale.saleId && s.duplicate), { timeout: 10_000 })
      .toMatchObject({ state: 'done', duplicate: true });
    expect(await query('select state, attempts from print_job where id = ?', [sale.saleId])).toEqual([
      { state: 'done', attempts: 2 },
    ]);
    expect(printedReceipts(dataDir)).toHaveLength(1);
  });

  it('reprints on request as a new job marked COPIA, audited and shown on the wall', async () => {
    const logged = nextEvent<{ changes: { kind: string; details: Record<string, unknown> }[] }>(
      wall,
      'audit:logged',
      5000,
    );
    const reprint = await till.socket.emitWithAck('print:reprint', {
      saleId: sale.saleId,
      terminalId: till.terminalId,
    });
    expect(reprint).toMatchObject({ ok: true, data: { reprintOf: sale.saleId } });
    if (!reprint.ok) return;
    expect(reprint.data.jobId).not.toBe(sale.saleId);
    await expect.poll(() => printedReceipts(dataDir).length, { timeout: 15_000 }).toBe(2);
    const copy = printedReceipts(dataDir)
      .map(compact)
      .find((text) => text.includes('COPIA'));
    expect(copy).toContain(`BOLETAELECTRÓNICAN°${sale.folio}`);
    expect((await logged)?.changes).toContainEqual(
      expect.objectContaining({
        kind: 'reprint',
        details: expect.objectContaining({ saleId: sale.saleId, copy: 1 }),
      }),
    );
    const audit = await query<{ kind: string }>(`select kind from audit_log where details->>'jobId' = ?`, [
      reprint.data.jobId,
    ]);
    expect(audit).toEqual([{ kind: 'reprint' }]);
    expect(strangers.map((s) => s.jobs)).toEqual([[], []]);
  });
});

describe('cash drawer', () => {
  const opened = () => hub.logs().filter((line) => line.msg === 'cash drawer opened (simulated)').length;
  const audited = async () =>
    (await query<{ n: number }>(`select count(*)::int as n from audit_log where kind = 'drawer_open'`))[0]!.n;

  it('never opens the drawer for a kick that reaches the hub after its deadline', async () => {
    hub.child.kill('SIGSTOP'); // the hub stalls (a frozen machine, a network hiccup)
    try {
      const late = await till.socket
        .timeout(15_000)
        .emitWithAck('drawer:open', { terminalId: till.terminalId, reason: 'no_sale' });
      expect(late).toMatchObject({ ok: false, error: { code: 'DEVICE_UNAVAILABLE' } });
    } finally {
      hub.child.kill('SIGCONT');
    }
    // The hub finally reads the kick, finds it expired and refuses it.
    await expect
      .poll(() => hub.logs().some((line) => line.code === 'EXPIRED_COMMAND'), { timeout: 5000 })
      .toBe(true);
    expect(opened()).toBe(0);
    expect(await audited()).toBe(0);
  });

  it('opens it for a timely request and audits the no-sale opening', async () => {
    const result = await till.socket.emitWithAck('drawer:open', {
      terminalId: till.terminalId,
      reason: 'no_sale',
    });
    expect(result).toMatchObject({ ok: true, data: { executedAt: expect.any(String) } });
    expect(opened()).toBe(1);
    expect(await audited()).toBe(1);
  });
});
