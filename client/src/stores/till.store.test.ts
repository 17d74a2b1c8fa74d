// @vitest-environment happy-dom
import { fail } from '@erp/shared/errors';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { openedSession } from '../test/cash-sessions.ts';
import { fakeRealtime, signedIn } from '../test/fake-realtime.ts';
import { TERMINAL_STORAGE_KEY, useTillStore } from './till.store.ts';

const caja1 = { id: crypto.randomUUID(), code: 'S1-C1', name: 'Caja 1' };
const caja2 = { id: crypto.randomUUID(), code: 'S1-C2', name: 'Caja 2' };
const warehouse = { id: crypto.randomUUID(), code: 'S1', name: 'Bodega' };

function setup() {
  setActivePinia(createPinia());
  const storeId = signedIn();
  const server = fakeRealtime();
  server.on('store:list', () => [
    {
      id: crypto.randomUUID(),
      name: 'Otra',
      address: '',
      comuna: '',
      siiBranchCode: null,
      warehouses: [],
      terminals: [],
    },
    {
      id: storeId,
      name: 'Tienda A',
      address: '',
      comuna: '',
      siiBranchCode: null,
      warehouses: [warehouse],
      terminals: [caja1, caja2],
    },
  ]);
  return { storeId, server, till: useTillStore() };
}

describe('till store', () => {
  beforeEach(() => localStorage.clear());

  it('asks which terminal this device is once, then remembers it and reads its cash session', async () => {
    const { server, till } = setup();
    server.on('cash:current', () => null);
    till.start();
    await server.resync();
    expect(till.terminals.map((t) => t.name)).toEqual(['Caja 1', 'Caja 2']);
    expect(till.terminalId).toBeNull();
    expect(till.warehouseId).toBe(warehouse.id);

    await till.chooseTerminal(caja2.id);
    const open = openedSession(caja2.id);
    server.on('cash:current', ({ terminalId }) => (terminalId === caja2.id ? open : null));
    await server.resync();
    expect(till.terminal?.name).toBe('Caja 2');
    expect(till.cashSession).toEqual(open);
    expect(till.isOpen).toBe(true);
    expect(localStorage.getItem(TERMINAL_STORAGE_KEY('demo', till.store!.id))).toBe(caja2.id);

    till.forgetTerminal();
    await server.resync();
    expect(till.terminalId).toBeNull();
  });

  it('opens with a float and closes blind, sending only the counted denominations', async () => {
    const { server, till } = setup();
    server.on('cash:current', () => null);
    till.start();
    await server.resync();
    await till.chooseTerminal(caja1.id);
    const opened = openedSession(caja1.id);
    server.on('cash:open', ({ openingFloat }) => ({ ...opened, totals: { ...opened.totals, openingFloat } }));
    expect((await till.open(15000)).ok).toBe(true);
    expect(server.sent.at(-1)).toEqual({
      name: 'cash:open',
      payload: { terminalId: caja1.id, openingFloat: 15000 },
    });

    server.on('cash:close', ({ countedCard }) => ({
      session: { ...opened, status: 'closed' },
      zNumber: 3,
      countedCash: 15000,
      countedCard,
      cashDifference: 0,
      cardDifference: 0,
      tolerance: 500,
      approvedBy: null,
      closedAt: new Date().toISOString(),
    }));
    const report = await till.close({ '10000': 1, '5000': 1, '1000': 0 }, 0);
    expect(report.ok).toBe(true);
    expect(server.sent.at(-1)).toEqual({
      name: 'cash:close',
      payload: { sessionId: opened.id, denominations: { '10000': 1, '5000': 1 }, countedCard: 0 },
    });
    expect(till.closeReport?.zNumber).toBe(3);
    till.dismissReport();
    expect(till.cashSession).toBeNull();
  });

  it('follows the session status pushed by the server (supervisor approval)', async () => {
    const { server, till, storeId } = setup();
    const pending = openedSession(caja1.id, 'pending_approval');
    server.on('cash:current', () => pending);
    localStorage.setItem(TERMINAL_STORAGE_KEY('demo', storeId), caja1.id);
    till.start();
    await server.resync();
    server.emit('cash:changed', {
      changes: [
        {
          sessionId: pending.id,
          storeId: pending.storeId,
          terminalId: caja1.id,
          status: 'closed',
          expectedCash: 0,
          dropSuggested: false,
        },
      ],
    });
    expect(till.cashSession?.status).toBe('closed');
  });

  it('moves cash in and out of the open drawer with a reason, and reads the live X report', async () => {
    const { server, till, storeId } = setup();
    const open = openedSession(caja1.id);
    server.on('cash:current', () => open);
    localStorage.setItem(TERMINAL_STORAGE_KEY('demo', storeId), caja1.id);
    till.start();
    await server.resync();

    const withdrawn = { ...open, totals: { ...open.totals, cashOut: 5000, expectedCash: 15000 } };
    server.on('cash:move', () => withdrawn);
    expect((await till.moveCash('out', 5000, 'Retiro a bóveda')).ok).toBe(true);
    expect(server.sent.at(-1)).toEqual({
      name: 'cash:move',
      payload: { sessionId: open.id, kind: 'out', amount: 5000, reason: 'Retiro a bóveda' },
    });
    expect(till.cashSession?.totals.expectedCash).toBe(15000);

    // A sale rung meanwhile: the X report brings the server's totals.
    const later = {
      ...withdrawn,
      totals: { ...withdrawn.totals, cashSales: 2050, ticketCount: 1, expectedCash: 17050 },
    };
    server.on('cash:report', ({ sessionId }) => (sessionId === open.id ? later : fail('NOT_FOUND')));
    const report = await till.xReport();
    expect(report.ok && report.data.totals.expectedCash).toBe(17050);
    expect(till.cashSession).toEqual(later);

    // A refused move changes nothing on screen.
    server.on('cash:move', () =>
      fail('VALIDATION', 'No hay suficiente efectivo en la caja para ese retiro.'),
    );
    expect((await till.moveCash('out', 900_000, 'Retiro a bóveda')).ok).toBe(false);
    expect(till.cashSession).toEqual(later);
  });

  it('reports a refused open', async () => {
    const { server, till } = setup();
    server.on('cash:current', () => null);
    till.start();
    await server.resync();
    await till.chooseTerminal(caja1.id);
    server.on('cash:open', () => fail('CONFLICT', 'La caja ya está abierta.'));
    const refused = await till.open(1000);
    expect(refused.ok).toBe(false);
    expect(till.cashSession).toBeNull();
  });
});
