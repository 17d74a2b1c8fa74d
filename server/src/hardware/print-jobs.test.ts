/**
 * What a POS knows and decides about its terminal's printing, with a socket playing the store's
 * hub: its own jobs' states, uncertain and expired jobs that wait for the cashier (a copy, or
 * "it printed"), jobs that expire visibly instead of silently, the drawer after a cash sale,
 * and tare and zero with a deadline.
 */
import { randomUUID } from 'node:crypto';
import type { PrintJobState } from '@erp/shared';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { nextEvent, type TestClient, type TestServer, type TestTenant } from '../../test/harness.ts';
import { connectHub, hubEmit, issueHubCredential, waitFor } from '../../test/hubs.ts';
import type { TestProduct, Till } from '../../test/selling.ts';
import { useSellingFixture } from '../../test/selling-fixture.ts';
import { withTenant } from '../platform/orm.ts';

let server: TestServer;
let tenant: TestTenant;
let products: TestProduct[];
let till: Till;
let otherTill: Till;
let admin: TestClient;
let wall: TestClient;
let credential: { token: string; storeId: string };
let hub: TestClient | null = null;
/** What the scripted hub answers to the next print jobs. */
let answerJobsWith: PrintJobState = 'received';
const hubRequests: { event: string; payload: { [key: string]: unknown } }[] = [];
const at = () => new Date().toISOString();

async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  return withTenant(server.orm, tenant.tenantId, (em) => em.execute<T[]>(sql, params));
}

async function connectScriptedHub(): Promise<TestClient> {
  const socket = await connectHub(server.url, tenant.slug, credential);
  socket.on('print:job', (job, ack) => {
    hubRequests.push({ event: 'print:job', payload: job as unknown as Record<string, unknown> });
    ack({
      ok: true,
      data: { jobId: job.jobId, printerId: 'caja-1', state: answerJobsWith, duplicate: false, at: at() },
    });
  });
  for (const event of ['drawer:kick', 'scale:tare', 'scale:zero'] as const) {
    const done = (command: { commandId: string }, ack: (result: unknown) => void) => {
      hubRequests.push({ event, payload: command });
      ack({ ok: true, data: { commandId: command.commandId, executedAt: at() } });
    };
    socket.on(event, done as never);
  }
  // Answered once the hub serves the store (it claimed it), so requests reach it from now on.
  await hubEmit(socket, 'hub:announce', { hubVersion: 'test', printers: [], scales: [] });
  return socket;
}

async function disconnectHub(): Promise<void> {
  hub?.close();
  hub = null;
  await waitFor(async () => {
    const listed = await admin.emitWithAck('hub:list', { storeId: credential.storeId });
    return listed.ok && listed.data.devices.every((d) => !d.online);
  });
}

async function sell(at: Till, payment: 'cash' | 'card' = 'cash'): Promise<string> {
  const saleId = randomUUID();
  const committed = await at.socket.emitWithAck('sale:commit', {
    saleId,
    terminalId: at.terminalId,
    cashSessionId: at.cashSessionId,
    lines: [{ productId: products[1]!.id, quantity: '1', unitPrice: 1190 }],
    payments: [
      payment === 'cash'
        ? { method: 'cash', tendered: 2000 }
        : { method: 'card', amount: 1190, authorizationCode: 'AUT-1' },
    ],
  });
  if (!committed.ok) throw new Error(JSON.stringify(committed.error));
  return saleId;
}

async function overview(at: Till) {
  const answer = await at.socket.emitWithAck('print:overview', { terminalId: at.terminalId });
  if (!answer.ok) throw new Error(JSON.stringify(answer.error));
  return answer.data;
}

const jobIds = async (at: Till) => (await overview(at)).jobs.map((job) => job.jobId);

/** The hub reporting a job's state, as it does after printing (or failing to). */
const report = (jobId: string, state: PrintJobState) =>
  hubEmit(hub!, 'print:state', { jobId, printerId: 'caja-1', state, duplicate: false, at: at() });

const jobState = async (jobId: string) =>
  (await query<{ state: string }>('select state from print_job where id = ?', [jobId]))[0]?.state;

const shop = useSellingFixture({ label: 'pjobs', stock: '1000', cafs: [[39, 1, 100]] });
beforeAll(async () => {
  ({ server, tenant, products, till } = shop);
  otherTill = await shop.openTill(tenant.stores[0]!.terminalIds[1]!);
  admin = await shop.signIn(tenant, tenant.emails.admin, { screen: 'backoffice' });
  wall = await shop.signIn(tenant, tenant.emails.supervisor, { screen: 'wall' });
  credential = await issueHubCredential(admin, tenant.stores[0]!.id);
});
beforeEach(async () => {
  answerJobsWith = 'received';
  hubRequests.length = 0;
  hub ??= await connectScriptedHub();
});
afterAll(() => hub?.close());

describe("a terminal's print jobs", () => {
  it('are listed for its own POS with their state: waiting at the hub, then printed', async () => {
    const waiting = nextEvent<{ jobId: string; state: string; terminalId: string }>(
      till.socket,
      'print:state',
      10_000,
      (event) => event.state === 'received',
    );
    const saleId = await sell(till);
    const event = await waiting;
    expect(event).toMatchObject({ jobId: saleId, terminalId: till.terminalId, isCopy: false, folio: 1 });
    const listed = await overview(till);
    expect(listed).toMatchObject({ hubOnline: true });
    expect(listed.jobs).toEqual([
      expect.objectContaining({
        jobId: saleId,
        saleId,
        state: 'received',
        documentType: 39,
        resolvedAt: null,
      }),
    ]);
    expect(await jobIds(otherTill)).toEqual([]);

    const printed = nextEvent<{ jobId: string; state: string }>(
      till.socket,
      'print:state',
      10_000,
      (event) => event.jobId === saleId && event.state === 'done',
    );
    await report(saleId, 'done');
    expect(await printed).toMatchObject({ jobId: saleId, state: 'done' });
    expect(await jobIds(till)).toEqual([]);
  });

  it('keep an uncertain job until the cashier asks for a copy, which settles it', async () => {
    answerJobsWith = 'uncertain';
    const saleId = await sell(till);
    await expect.poll(() => jobState(saleId), { timeout: 10_000 }).toBe('uncertain');
    expect((await overview(till)).jobs).toEqual([
      expect.objectContaining({ jobId: saleId, state: 'uncertain', resolvedAt: null }),
    ]);

    answerJobsWith = 'done';
    const settled = nextEvent<{ jobId: string; resolvedAt: string | null }>(
      till.socket,
      'print:state',
      10_000,
      (event) => event.jobId === saleId,
    );
    const copy = await till.socket.emitWithAck('print:reprint', { saleId, terminalId: till.terminalId });
    if (!copy.ok) throw new Error(JSON.stringify(copy.error));
    expect((await settled)?.resolvedAt).toEqual(expect.any(String));
    await expect.poll(() => jobState(copy.data.jobId), { timeout: 10_000 }).toBe('done');
    expect(hubRequests.find((r) => r.payload.jobId === copy.data.jobId)?.payload).toMatchObject({
      isCopy: true,
      reprintOf: saleId,
    });
    expect(await jobIds(till)).toEqual([]);
  });

  it('keep an uncertain job until the cashier confirms it printed; only such jobs can be dismissed', async () => {
    answerJobsWith = 'uncertain';
    const saleId = await sell(till);
    await expect.poll(() => jobState(saleId), { timeout: 10_000 }).toBe('uncertain');
    const dismissed = await till.socket.emitWithAck('print:dismiss', { jobId: saleId });
    expect(dismissed).toMatchObject({ ok: true, data: { jobId: saleId, state: 'uncertain' } });
    expect(dismissed.ok && dismissed.data.resolvedAt).toEqual(expect.any(String));
    expect(await jobIds(till)).toEqual([]);
    expect(await query('select resolved_by from print_job where id = ?', [saleId])).toEqual([
      { resolved_by: expect.any(String) },
    ]);
    expect(await till.socket.emitWithAck('print:dismiss', { jobId: saleId })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });

    answerJobsWith = 'received';
    const waiting = await sell(till);
    await expect.poll(() => jobState(waiting), { timeout: 10_000 }).toBe('received');
    expect(await till.socket.emitWithAck('print:dismiss', { jobId: waiting })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
    expect(await till.socket.emitWithAck('print:dismiss', { jobId: randomUUID() })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    await report(waiting, 'done');
  });

  it('expire visibly when the hub never got them in time, are never sent late, and a late hub report still counts', async () => {
    await disconnectHub();
    const saleId = await sell(till);
    await expect.poll(() => jobState(saleId), { timeout: 10_000 }).toBe('pending');
    expect(await overview(till)).toMatchObject({
      hubOnline: false,
      jobs: [expect.objectContaining({ jobId: saleId, state: 'pending' })],
    });

    await query(`update print_job set expires_at = now() - interval '1 second' where id = ?`, [saleId]);
    const expired = nextEvent<{ state: string }>(
      till.socket,
      'print:state',
      10_000,
      (e) => e.state === 'expired',
    );
    expect((await overview(till)).jobs).toEqual([
      expect.objectContaining({ jobId: saleId, state: 'expired' }),
    ]);
    expect(await expired).toMatchObject({ jobId: saleId, terminalId: till.terminalId });

    // Back online: the hub is not sent the expired receipt.
    hub = await connectScriptedHub();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(hubRequests.filter((r) => r.payload.jobId === saleId)).toEqual([]);
    // A hub that began printing right before the deadline still reports what happened.
    await report(saleId, 'sending');
    expect(await jobState(saleId)).toBe('expired');
    await report(saleId, 'done');
    expect(await jobState(saleId)).toBe('done');
  });
});

describe('cash drawer', () => {
  const audited = async (kind = 'drawer_open') =>
    (await query<{ n: number }>('select count(*)::int as n from audit_log where kind = ?', [kind]))[0]!.n;
  const open = (at: Till, payload: Record<string, unknown>) =>
    (at.socket.emitWithAck as (event: string, payload: unknown) => Promise<unknown>)('drawer:open', {
      terminalId: at.terminalId,
      ...payload,
    });
  const kicks = () => hubRequests.filter((r) => r.event === 'drawer:kick');

  it('opens once right after a cash sale of this terminal, audited with the sale, and never for other sales', async () => {
    const cash = await sell(till);
    // The normal case: in the log, not on the wall (which follows openings without a sale).
    const onWall = nextEvent(wall, 'audit:logged', 1000);
    const [sold] = await query<{ folio: number }>('select folio from sale where id = ?', [cash]);
    const folio = sold!.folio;
    expect(await open(till, { reason: 'sale', saleId: cash })).toMatchObject({ ok: true });
    expect(kicks().map((r) => r.payload.reason)).toEqual(['sale']);
    const entries = await query<{ user_id: string; terminal_id: string; details: Record<string, unknown> }>(
      `select user_id, terminal_id, details from audit_log where kind = 'drawer_sale'`,
    );
    expect(entries).toEqual([
      {
        user_id: tenant.users[tenant.emails.cashier],
        terminal_id: till.terminalId,
        details: { saleId: cash, documentType: 39, folio, commandId: kicks()[0]!.payload.commandId },
      },
    ]);
    expect(await audited()).toBe(0);
    expect(await onWall).toBeUndefined();

    // The sale's one opening is used: a second (or a concurrent) kick for it is refused.
    const twice = await Promise.all([
      open(till, { reason: 'sale', saleId: cash }),
      open(till, { reason: 'sale', saleId: cash }),
    ]);
    expect(twice).toEqual([
      { ok: false, error: { code: 'CONFLICT', message: 'El cajón ya se abrió para esta venta.' } },
      { ok: false, error: { code: 'CONFLICT', message: 'El cajón ya se abrió para esta venta.' } },
    ]);

    const card = await sell(till, 'card');
    const elsewhere = await sell(otherTill);
    const old = await sell(till);
    await query(`update sale set issued_at = now() - interval '2 minutes' where id = ?`, [old]);
    for (const saleId of [card, elsewhere, old]) {
      expect(await open(till, { reason: 'sale', saleId })).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
    }
    expect(await open(till, { reason: 'sale' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await open(till, { reason: 'no_sale', saleId: cash })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
    expect(kicks()).toHaveLength(1);
    expect(await audited('drawer_sale')).toBe(1);
  });

  it('opens without a sale on request, audited and shown on the wall', async () => {
    const onWall = nextEvent<{ changes: { kind: string }[] }>(wall, 'audit:logged');
    expect(await open(till, { reason: 'no_sale' })).toMatchObject({ ok: true });
    expect((await onWall)?.changes).toEqual([expect.objectContaining({ kind: 'drawer_open' })]);
    expect(kicks().map((r) => r.payload.reason)).toEqual(['no_sale']);
    expect(await audited()).toBe(1);
  });
});

describe('scale tare and zero', () => {
  it('reach the hub with a deadline of a few seconds; a refusal comes back as is', async () => {
    const sent = Date.now();
    expect(await till.socket.emitWithAck('scale:tare', { scaleId: 'balanza-1' })).toMatchObject({ ok: true });
    expect(await till.socket.emitWithAck('scale:zero', {})).toMatchObject({ ok: true });
    // Receipts of earlier sales may still be on their way to the hub (100 ms batches).
    const scaleCommands = hubRequests.filter((r) => r.event.startsWith('scale:'));
    expect(scaleCommands.map((r) => r.event)).toEqual(['scale:tare', 'scale:zero']);
    for (const { payload } of scaleCommands) {
      const deadline = Date.parse(payload.expiresAt as string);
      expect(deadline).toBeGreaterThan(sent);
      expect(deadline).toBeLessThanOrEqual(Date.now() + 5000);
    }
    expect(scaleCommands[0]!.payload).toMatchObject({ scaleId: 'balanza-1', commandId: expect.any(String) });

    // A hub that got the command too late refuses it; the POS hears why.
    hub!.off('scale:tare');
    hub!.on('scale:tare', (_command, ack) =>
      ack({
        ok: false,
        error: { code: 'EXPIRED_COMMAND', message: 'La orden llegó tarde y no se ejecutó.' },
      }),
    );
    expect(await till.socket.emitWithAck('scale:tare', {})).toMatchObject({
      ok: false,
      error: { code: 'EXPIRED_COMMAND' },
    });
  });
});
