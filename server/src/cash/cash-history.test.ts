import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BusinessHistory, useBusinessHistory } from '../../test/backoffice-sales.ts';
import type { TestClient, TestTenant } from '../../test/harness.ts';

let tenant: TestTenant;
let other: TestTenant;
let history: BusinessHistory;
let admin: TestClient;
const business = useBusinessHistory('cashh');
const socketOf = (t: TestTenant, email: string) => business.signIn(t, email);

function data<T>(result: { ok: true; data: T } | { ok: false; error: unknown }): T {
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.data;
}

beforeAll(async () => {
  ({ tenant, other, history, admin } = business);
  const [tillA, tillB] = history.tills;
  // Till A: $5.000 of change brought in, $3.000 taken to the safe, then counted $1.630 short
  // (above the $1.000 tolerance): it waits for a supervisor. Till B counts exactly and closes.
  data(
    await tillA!.socket.emitWithAck('cash:move', {
      sessionId: tillA!.cashSessionId,
      kind: 'in',
      amount: 5000,
      reason: 'Sencillo',
    }),
  );
  data(
    await tillA!.socket.emitWithAck('cash:move', {
      sessionId: tillA!.cashSessionId,
      kind: 'out',
      amount: 3000,
      reason: 'Retiro a caja fuerte',
    }),
  );
  data(
    await tillA!.socket.emitWithAck('cash:close', {
      sessionId: tillA!.cashSessionId,
      denominations: { '20000': 1, '5000': 1, '1000': 2 },
      countedCard: 7570,
    }),
  );
  data(
    await tillB!.socket.emitWithAck('cash:close', {
      sessionId: tillB!.cashSessionId,
      denominations: { '20000': 1, '2000': 1, '100': 1, '50': 1, '10': 3 },
      countedCard: 1000,
    }),
  );
});

describe('cash:sessions', () => {
  it('lists sessions newest first with expected against counted per method', async () => {
    const [tillA, tillB] = history.tills;
    const page = data(await admin.emitWithAck('cash:sessions', {}));
    expect(page.total).toBe(2);
    expect(page.items.map((s) => s.id)).toEqual([tillB!.cashSessionId, tillA!.cashSessionId]);
    expect(page.items[1]).toEqual({
      id: tillA!.cashSessionId,
      storeId: tenant.stores[0]!.id,
      terminalId: tillA!.terminalId,
      cashierId: tenant.users[tenant.emails.cashier],
      status: 'pending_approval',
      openedAt: expect.any(String),
      totals: {
        openingFloat: 20000,
        cashSales: 5440 + 2380,
        cardSales: 7570,
        cashRefunds: 1190,
        cardRefunds: 0,
        cashIn: 5000,
        cashOut: 3000,
        ticketCount: 3,
        returnCount: 1,
        cashAbonos: 0,
        cardAbonos: 0,
        abonoCount: 0,
        fiadoSales: 0,
        expectedCash: 28630,
        expectedCard: 7570,
      },
      storeName: 'Tienda A',
      terminalName: expect.any(String),
      cashierName: 'Cajero',
      zNumber: null,
      countedCash: 27000,
      countedCard: 7570,
      cashDifference: -1630,
      cardDifference: 0,
      closedAt: null,
      closedByName: 'Cajero',
      approvedByName: null,
    });
    expect(page.items[0]).toMatchObject({
      status: 'closed',
      storeName: 'Tienda B',
      cashierName: 'Cajero B',
      zNumber: 1,
      countedCash: 22180,
      cashDifference: 0,
      cardDifference: 0,
      closedAt: expect.any(String),
    });
  });

  it('filters by store, terminal, cashier, status and days, and pages', async () => {
    const [tillA, tillB] = history.tills;
    const ids = async (query: Record<string, unknown>) =>
      data(await admin.emitWithAck('cash:sessions', query)).items.map((s) => s.id);
    expect(await ids({ storeId: tenant.stores[1]!.id })).toEqual([tillB!.cashSessionId]);
    expect(await ids({ terminalId: tillA!.terminalId })).toEqual([tillA!.cashSessionId]);
    expect(await ids({ cashierId: tenant.users[tenant.emails.cashier2] })).toEqual([tillB!.cashSessionId]);
    expect(await ids({ status: 'pending_approval' })).toEqual([tillA!.cashSessionId]);
    expect(await ids({ from: history.today, to: history.today })).toHaveLength(2);
    expect(await ids({ to: history.yesterday })).toEqual([]);
    expect(await ids({ limit: 1, offset: 1 })).toEqual([tillA!.cashSessionId]);
  });

  it('shows a session with its count by denomination, cash in and out, and the approval once given', async () => {
    const [tillA] = history.tills;
    const detail = data(await admin.emitWithAck('cash:session', { sessionId: tillA!.cashSessionId }));
    expect(detail).toMatchObject({
      status: 'pending_approval',
      tolerance: 1000,
      denominations: { '20000': 1, '5000': 1, '1000': 2 },
      cashDifference: -1630,
    });
    expect(detail.movements).toEqual([
      { kind: 'in', amount: 5000, reason: 'Sencillo', userName: 'Cajero', at: expect.any(String) },
      {
        kind: 'out',
        amount: 3000,
        reason: 'Retiro a caja fuerte',
        userName: 'Cajero',
        at: expect.any(String),
      },
    ]);
    data(await admin.emitWithAck('cash:approve-close', { sessionId: tillA!.cashSessionId }));
    expect(data(await admin.emitWithAck('cash:session', { sessionId: tillA!.cashSessionId }))).toMatchObject({
      status: 'closed',
      zNumber: 1,
      approvedByName: 'Admin',
      closedAt: expect.any(String),
    });
    expect(await admin.emitWithAck('cash:session', { sessionId: randomUUID() })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });
});

describe('who may read cash sessions', () => {
  it('lets supervisors read them and refuses cashiers and warehouse staff', async () => {
    const supervisor = await socketOf(tenant, tenant.emails.supervisor);
    expect(data(await supervisor.emitWithAck('cash:sessions', {})).total).toBe(2);
    for (const email of [tenant.emails.cashier, tenant.emails.warehouse]) {
      const socket = await socketOf(tenant, email);
      expect(await socket.emitWithAck('cash:sessions', {})).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
      expect(
        await socket.emitWithAck('cash:session', { sessionId: history.tills[0]!.cashSessionId }),
      ).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
    }
  });

  it("shows another tenant none of this tenant's sessions", async () => {
    const otherAdmin = await socketOf(other, other.emails.admin);
    expect(await otherAdmin.emitWithAck('cash:sessions', {})).toEqual({
      ok: true,
      data: { items: [], total: 0 },
    });
    expect(await otherAdmin.emitWithAck('cash:sessions', { storeId: tenant.stores[0]!.id })).toEqual({
      ok: true,
      data: { items: [], total: 0 },
    });
    expect(
      await otherAdmin.emitWithAck('cash:session', { sessionId: history.tills[0]!.cashSessionId }),
    ).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });
});
