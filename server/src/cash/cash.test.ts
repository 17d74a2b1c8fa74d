import { beforeAll, describe, expect, it } from 'vitest';
import { nextEvent, type TestClient, type TestServer, type TestTenant } from '../../test/harness.ts';
import { addTerminals } from '../../test/selling.ts';
import { useTestServer } from '../../test/test-server-fixture.ts';
import { withTenant } from '../platform/orm.ts';
import { recordInSession } from './cash.service.ts';

let server: TestServer;
let tenant: TestTenant;
let cashier: TestClient;
let supervisor: TestClient;
let wall: TestClient;

const world = useTestServer(['cash']);
beforeAll(async () => {
  ({
    server,
    tenants: [tenant],
  } = world);
  cashier = await world.signIn(tenant, tenant.emails.cashier, { screen: 'pos' });
  supervisor = await world.signIn(tenant, tenant.emails.supervisor, {
    storeId: tenant.stores[0]!.id,
    screen: 'wall',
  });
  wall = supervisor;
});

async function open(terminal: number, openingFloat: number) {
  const result = await cashier.emitWithAck('cash:open', {
    terminalId: tenant.stores[0]!.terminalIds[terminal]!,
    openingFloat,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.data;
}

function record(sessionId: string, cash: number, card: number, refund = false) {
  return withTenant(server.orm, tenant.tenantId, (em) =>
    recordInSession(em, { sessionId, storeId: tenant.stores[0]!.id, cashierId: null, cash, card, refund }),
  );
}

describe('cash sessions', () => {
  it('opens one session per terminal and refuses a second one', async () => {
    const announced = nextEvent(wall, 'cash:changed');
    const session = await open(0, 50000);
    expect(session).toMatchObject({ status: 'open', totals: { openingFloat: 50000 } });
    expect(await announced).toEqual({
      changes: [
        expect.objectContaining({ sessionId: session.id, expectedCash: 50000, dropSuggested: false }),
      ],
    });
    const again = await cashier.emitWithAck('cash:open', { terminalId: session.terminalId, openingFloat: 0 });
    expect(again).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    const current = await cashier.emitWithAck('cash:current', { terminalId: session.terminalId });
    expect(current).toMatchObject({ ok: true, data: { id: session.id } });
  });

  it('refuses a terminal of another store', async () => {
    const result = await cashier.emitWithAck('cash:open', {
      terminalId: tenant.stores[1]!.terminalIds[0]!,
      openingFloat: 0,
    });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'STORE_SCOPE', message: 'La caja pertenece a otra sucursal.' },
    });
  });

  it('keeps expected amounts per method as sales, refunds and cash movements happen (X report)', async () => {
    const session = await open(1, 20000);
    await record(session.id, 1990, 0);
    await record(session.id, 0, 4500);
    await record(session.id, 3000, 2000);
    await record(session.id, 990, 0, true);
    const moved = await cashier.emitWithAck('cash:move', {
      sessionId: session.id,
      kind: 'out',
      amount: 10000,
      reason: 'Retiro a caja fuerte',
    });
    expect(moved.ok).toBe(true);
    const tooMuch = await cashier.emitWithAck('cash:move', {
      sessionId: session.id,
      kind: 'out',
      amount: 999999,
      reason: 'Retiro',
    });
    expect(tooMuch).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', message: expect.stringContaining('efectivo') },
    });
    const report = await supervisor.emitWithAck('cash:report', { sessionId: session.id });
    expect(report.ok && report.data.totals).toEqual({
      openingFloat: 20000,
      cashSales: 4990,
      cardSales: 6500,
      cashRefunds: 990,
      cardRefunds: 0,
      cashIn: 0,
      cashOut: 10000,
      ticketCount: 3,
      returnCount: 1,
      cashAbonos: 0,
      cardAbonos: 0,
      abonoCount: 0,
      fiadoSales: 0,
      expectedCash: 20000 + 4990 - 990 - 10000,
      expectedCard: 6500,
    });
  });

  it('lets a cashier count blind: their till never hears the expected cash nor the cash sales that give it away', async () => {
    const [terminalId] = await addTerminals(server, tenant, 1);
    const opened = await cashier.emitWithAck('cash:open', { terminalId: terminalId!, openingFloat: 15000 });
    if (!opened.ok) throw new Error(JSON.stringify(opened.error));
    const session = opened.data;
    expect(session.totals).not.toHaveProperty('expectedCash');
    await record(session.id, 4000, 2500);
    const blind = {
      openingFloat: 15000,
      cardSales: 2500,
      cashRefunds: 0,
      cardRefunds: 0,
      cashIn: 0,
      cashOut: 0,
      ticketCount: 1,
      returnCount: 0,
      cardAbonos: 0,
      abonoCount: 0,
      fiadoSales: 0,
      expectedCard: 2500,
    };
    const report = await cashier.emitWithAck('cash:report', { sessionId: session.id });
    expect(report.ok && report.data.totals).toEqual(blind);
    const current = await cashier.emitWithAck('cash:current', { terminalId: session.terminalId });
    expect(current.ok && current.data?.totals).toEqual(blind);
    const moved = await cashier.emitWithAck('cash:move', {
      sessionId: session.id,
      kind: 'in',
      amount: 1000,
      reason: 'Sencillo adicional',
    });
    expect(moved.ok && moved.data.totals).toEqual({ ...blind, cashIn: 1000 });

    // The supervisor sees what the drawer should hold, on the same commands.
    const full = {
      ...blind,
      cashIn: 1000,
      cashSales: 4000,
      cashAbonos: 0,
      expectedCash: 15000 + 4000 + 1000,
    };
    const supervised = await supervisor.emitWithAck('cash:report', { sessionId: session.id });
    expect(supervised.ok && supervised.data.totals).toEqual(full);
    const seen = await supervisor.emitWithAck('cash:current', { terminalId: session.terminalId });
    expect(seen.ok && seen.data?.totals).toEqual(full);

    // After the count the cashier still does not learn the cash difference; the supervisor does.
    const closed = await cashier.emitWithAck('cash:close', {
      sessionId: session.id,
      denominations: { '10000': 1, '5000': 1, '2000': 2 },
      countedCard: 2500,
    });
    if (!closed.ok) throw new Error(JSON.stringify(closed.error));
    expect(closed.data).toMatchObject({ countedCash: 19000, countedCard: 2500, cardDifference: 0 });
    expect(closed.data).not.toHaveProperty('cashDifference');
    expect(closed.data.session.totals).toEqual({ ...blind, cashIn: 1000 });
    const detail = await supervisor.emitWithAck('cash:session', { sessionId: session.id });
    expect(detail).toMatchObject({
      ok: true,
      data: { cashDifference: -1000, totals: { expectedCash: 20000 } },
    });
  });

  it('closes within tolerance at once, with a blind count by denomination and a Z number', async () => {
    // Terminal 0 is still open from the first test, with a $50.000 float.
    const current = await cashier.emitWithAck('cash:current', {
      terminalId: tenant.stores[0]!.terminalIds[0]!,
    });
    if (!current.ok || !current.data) throw new Error('terminal 0 should still be open');
    const session = current.data;
    expect(session.totals.openingFloat).toBe(50000);
    await record(session.id, 12340, 5000);
    // Expected 62.340 in cash; counted 62.300: −40, within the default $1.000 tolerance.
    const denominations = { '20000': 3, '1000': 2, '100': 3 };
    const closed = await cashier.emitWithAck('cash:close', {
      sessionId: session.id,
      denominations,
      countedCard: 5000,
    });
    expect(closed).toMatchObject({
      ok: true,
      data: {
        zNumber: 1,
        countedCash: 62300,
        cardDifference: 0,
        session: { status: 'closed' },
      },
    });
    const detail = await supervisor.emitWithAck('cash:session', { sessionId: session.id });
    expect(detail).toMatchObject({ ok: true, data: { cashDifference: -40 } });
  });

  it('holds a close above the tolerance for a supervisor, who alone can approve it', async () => {
    const session = await open(0, 10000);
    await record(session.id, 5000, 0);
    const asked = nextEvent(wall, 'cash:approval-requested');
    const closed = await cashier.emitWithAck('cash:close', {
      sessionId: session.id,
      denominations: { '10000': 1 },
      countedCard: 0,
    });
    expect(closed).toMatchObject({
      ok: true,
      data: { zNumber: null, session: { status: 'pending_approval' } },
    });
    expect(await asked).toMatchObject({ session: { id: session.id }, cashDifference: -5000 });
    const byCashier = await cashier.emitWithAck('cash:approve-close', { sessionId: session.id });
    expect(byCashier).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const sale = record(session.id, 100, 0);
    await expect(sale).rejects.toMatchObject({ code: 'CASH_SESSION_REQUIRED' });
    const approved = await supervisor.emitWithAck('cash:approve-close', { sessionId: session.id });
    expect(approved).toMatchObject({ ok: true, data: { zNumber: 2, session: { status: 'closed' } } });
  });

  it('adds up 5,000 tickets exactly in the running totals', async () => {
    const session = await open(0, 0);
    await withTenant(server.orm, tenant.tenantId, async (em) => {
      for (let i = 1; i <= 5000; i++)
        await recordInSession(em, {
          sessionId: session.id,
          storeId: tenant.stores[0]!.id,
          cashierId: null,
          cash: i % 2 ? 1990 : 0,
          card: i % 2 ? 0 : 2500,
        });
    });
    const report = await supervisor.emitWithAck('cash:report', { sessionId: session.id });
    expect(report.ok && report.data.totals).toMatchObject({
      ticketCount: 5000,
      cashSales: 2500 * 1990,
      cardSales: 2500 * 2500,
    });
  });
});
