// @vitest-environment happy-dom
import type { WallSnapshot, WallStoreSales } from '@erp/shared/events/index';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import { useRealtimeStore } from '../../stores/realtime.store.ts';
import { fakeRealtime } from '../../test/fake-realtime.ts';
import { useWallStore, WALL_RELOAD_DELAY_MS, WALL_SII_RELOAD_MS } from './wall.store.ts';
import { hourBars, latestTickets, niceCeiling, sumFigures } from './wall-view.ts';

const id = () => crypto.randomUUID();
const STORE_A = id();
const STORE_B = id();
const CASHIER = id();
const TERMINAL = id();
const SESSION = id();
const DAY = '2026-11-24';

function block(
  storeId: string,
  asOf: string,
  total: number,
  tickets: number,
  extra: Partial<WallStoreSales> = {},
) {
  return {
    storeId,
    day: DAY,
    asOf,
    figures: {
      total,
      tickets,
      averageTicket: tickets ? Math.round(total / tickets) : 0,
      returns: 0,
      returnsTotal: 0,
    },
    cashiers: [],
    hourly: [],
    tickets: [],
    drawers: [],
    cashDropThreshold: 300000,
    ...extra,
  } satisfies WallStoreSales;
}

function snapshot(sales: WallStoreSales[], asOf = '2026-11-24T13:00:00.000Z'): WallSnapshot {
  return {
    day: DAY,
    asOf,
    lowFolioThreshold: 100,
    stores: [
      { id: STORE_A, name: 'Tienda A' },
      { id: STORE_B, name: 'Tienda B' },
    ],
    terminals: [{ id: TERMINAL, name: 'Caja 1', storeId: STORE_A }],
    warehouses: [],
    people: [{ id: CASHIER, name: 'Carla Cajera' }],
    sales,
    audit: [],
    lowStock: { count: 0, items: [] },
    folios: [{ docType: 39, remaining: 500, low: false }],
    hubs: [
      { storeId: STORE_A, configured: 1, online: false, printers: [] },
      { storeId: STORE_B, configured: 0, online: false, printers: [] },
    ],
    sii: { pending: 0, oldestPendingAt: null, rejected: 0, latest: [] },
  };
}

const drawer = (expectedCash: number) => ({
  sessionId: SESSION,
  terminalId: TERMINAL,
  cashierId: CASHIER,
  status: 'open' as const,
  openedAt: '2026-11-24T12:00:00.000Z',
  expectedCash,
  dropSuggested: false,
});

beforeEach(() => {
  setActivePinia(createPinia());
  vi.useFakeTimers();
});
afterEach(() => {
  useWallStore().stop();
  vi.useRealTimers();
});

/** A wall whose server answers each snapshot with the next of `answers` (the last one repeats). */
async function startedWall(...answers: WallSnapshot[]) {
  const server = fakeRealtime();
  let reads = 0;
  server.on('wall:snapshot', () => answers[Math.min(reads++, answers.length - 1)]!);
  const wall = useWallStore();
  wall.start();
  await server.resync();
  return { server, wall, reads: () => reads };
}

describe('wall store', () => {
  it('keeps the block with the latest asOf per store, so a late update never rolls totals back', async () => {
    const { server, wall } = await startedWall(
      snapshot([
        block(STORE_A, '2026-11-24T13:00:00.000Z', 5000, 2),
        block(STORE_B, '2026-11-24T13:00:00.000Z', 0, 0),
      ]),
    );
    expect(wall.company).toMatchObject({ total: 5000, tickets: 2, averageTicket: 2500 });

    server.emit('wall:update', block(STORE_A, '2026-11-24T13:00:02.000Z', 9000, 3));
    server.emit('wall:update', block(STORE_A, '2026-11-24T13:00:01.000Z', 7000, 2)); // older, arrives late
    server.emit('wall:update', block(STORE_B, '2026-11-24T13:00:01.500Z', 1990, 1));
    expect(wall.blocks.map((b) => b.figures.total)).toEqual([9000, 1990]);
    expect(wall.company).toMatchObject({ total: 10990, tickets: 4, averageTicket: 2748 });
  });

  it("follows each store's node: read with the wall, then each store-node:state as it comes", async () => {
    const server = fakeRealtime();
    server.on('wall:snapshot', () => snapshot([block(STORE_A, '2026-11-24T13:00:00.000Z', 0, 0)]));
    server.on('store-node:states', () => ({
      stores: [{ storeId: STORE_A, hubOnline: true, offlineSince: null, pending: 0, reportedAt: null }],
    }));
    const wall = useWallStore();
    wall.start();
    await server.resync();
    expect(wall.nodes.get(STORE_A)).toMatchObject({ hubOnline: true, pending: 0 });
    server.emit('store-node:state', {
      storeId: STORE_A,
      hubOnline: false,
      offlineSince: '2026-11-24T13:10:00.000Z',
      pending: 0,
      reportedAt: null,
    });
    server.emit('store-node:state', {
      storeId: STORE_B,
      hubOnline: true,
      offlineSince: '2026-11-24T12:00:00.000Z',
      pending: 7,
      reportedAt: '2026-11-24T13:11:00.000Z',
    });
    expect(wall.nodes.get(STORE_A)).toMatchObject({
      hubOnline: false,
      offlineSince: '2026-11-24T13:10:00.000Z',
    });
    expect(wall.nodes.get(STORE_B)).toMatchObject({ pending: 7 });
  });

  it('reads the snapshot again after a reconnection that lost events, and then shows its numbers', async () => {
    const { server, wall } = await startedWall(
      snapshot([
        block(STORE_A, '2026-11-24T13:00:00.000Z', 1000, 1),
        block(STORE_B, '2026-11-24T13:00:00.000Z', 0, 0),
      ]),
      snapshot(
        [
          block(STORE_A, '2026-11-24T13:05:00.000Z', 8000, 4),
          block(STORE_B, '2026-11-24T13:05:00.000Z', 2000, 1),
        ],
        '2026-11-24T13:05:00.000Z',
      ),
    );
    expect(wall.company.total).toBe(1000);
    await server.resync();
    expect(wall.company).toMatchObject({ total: 10000, tickets: 5 });
    expect(server.sent.filter((s) => s.name === 'wall:snapshot')).toHaveLength(2);
  });

  it('reads the snapshot again after a recovered reconnection too', async () => {
    const { wall, reads } = await startedWall(snapshot([block(STORE_A, '2026-11-24T13:00:00.000Z', 0, 0)]));
    const realtime = useRealtimeStore();
    realtime.status = 'connected';
    await nextTick();
    realtime.status = 'reconnecting';
    await nextTick();
    expect(reads()).toBe(1);
    realtime.recovered = true;
    realtime.status = 'connected';
    await vi.advanceTimersByTimeAsync(0);
    expect(reads()).toBe(2);
    expect(wall.snapshot).not.toBeNull();
  });

  it('follows drawers: cash and drop alert in place, closed ones leave, an unknown one asks for a snapshot', async () => {
    const first = snapshot([
      block(STORE_A, '2026-11-24T13:00:00.000Z', 0, 0, { drawers: [drawer(20000)] }),
      block(STORE_B, '2026-11-24T13:00:00.000Z', 0, 0),
    ]);
    const { server, wall, reads } = await startedWall(first);
    const change = { sessionId: SESSION, storeId: STORE_A, terminalId: TERMINAL, status: 'open' as const };
    server.emit('cash:changed', { changes: [{ ...change, expectedCash: 320000, dropSuggested: true }] });
    expect(wall.drawers).toEqual([expect.objectContaining({ expectedCash: 320000, dropSuggested: true })]);

    server.emit('cash:changed', {
      changes: [{ ...change, status: 'closed', expectedCash: 0, dropSuggested: false }],
    });
    expect(wall.drawers).toEqual([]);

    server.emit('cash:changed', {
      changes: [{ ...change, sessionId: id(), expectedCash: 10000, dropSuggested: false }],
    });
    expect(reads()).toBe(1);
    await vi.advanceTimersByTimeAsync(WALL_RELOAD_DELAY_MS);
    expect(reads()).toBe(2);
  });

  it('streams only the audit kinds the wall watches, once each, newest first', async () => {
    const { server, wall } = await startedWall(snapshot([block(STORE_A, '2026-11-24T13:00:00.000Z', 0, 0)]));
    const entry = (kind: string, createdAt: string, details: Record<string, unknown>) => ({
      kind,
      storeId: STORE_A,
      terminalId: TERMINAL,
      userId: CASHIER,
      details,
      createdAt,
    });
    server.emit('audit:logged', {
      changes: [
        entry('discount', '2026-11-24T13:00:01.000Z', { name: 'Leche', amount: 100, saleId: 'x' }),
        entry('settings_change', '2026-11-24T13:00:02.000Z', {}),
      ],
    });
    // The same entry again, its details in another key order (as jsonb returns them).
    server.emit('audit:logged', {
      changes: [
        entry('discount', '2026-11-24T13:00:01.000Z', { saleId: 'x', amount: 100, name: 'Leche' }),
        entry('line_void', '2026-11-24T13:00:03.000Z', { name: 'Pan' }),
      ],
    });
    expect(wall.snapshot?.audit.map((a) => a.kind)).toEqual(['line_void', 'discount']);
  });

  it('reads a new snapshot when the day changes, once per burst', async () => {
    const { server, reads } = await startedWall(snapshot([block(STORE_A, '2026-11-24T13:00:00.000Z', 0, 0)]));
    const tomorrow = { ...block(STORE_A, '2026-11-25T03:00:00.000Z', 0, 0), day: '2026-11-25' };
    server.emit('wall:update', tomorrow);
    server.emit('wall:update', tomorrow);
    await vi.advanceTimersByTimeAsync(WALL_RELOAD_DELAY_MS);
    expect(reads()).toBe(2);
  });

  it('shows the low-folio state the snapshot records, and live alerts mark its type low or restored', async () => {
    const recorded = snapshot([]);
    recorded.folios = [
      { docType: 39, remaining: 500, low: false },
      { docType: 61, remaining: 40, low: true },
    ];
    const { server, wall } = await startedWall(recorded);
    expect(wall.snapshot?.folios.filter((f) => f.low).map((f) => f.docType)).toEqual([61]);
    server.emit('folio:low', { docType: 39, remaining: 99 });
    server.emit('folio:low', { docType: 33, remaining: 7 });
    expect(wall.snapshot?.folios).toEqual([
      { docType: 39, remaining: 99, low: true },
      { docType: 61, remaining: 40, low: true },
      { docType: 33, remaining: 7, low: true },
    ]);
    server.emit('folio:restored', { docType: 61, remaining: 540 });
    expect(wall.snapshot?.folios.find((f) => f.docType === 61)).toEqual({
      docType: 61,
      remaining: 540,
      low: false,
    });
  });

  it('shows a refused document at once and reads the pending count again later, once per burst', async () => {
    const { server, wall, reads } = await startedWall(
      snapshot([block(STORE_A, '2026-11-24T13:00:00.000Z', 0, 0)]),
    );
    const change = {
      documentId: id(),
      saleId: id(),
      docType: 39,
      folio: 12,
      detail: 'RCH: firma inválida',
      trackId: '123',
      at: '2026-11-24T13:01:00.000Z',
    };
    server.emit('dte:status', { changes: [{ ...change, state: 'rejected' }] });
    server.emit('dte:status', {
      changes: [
        { ...change, state: 'rejected' },
        { ...change, documentId: id(), state: 'accepted' },
      ],
    });
    expect(wall.snapshot?.sii).toMatchObject({ rejected: 1, latest: [{ folio: 12, state: 'rejected' }] });
    await vi.advanceTimersByTimeAsync(WALL_RELOAD_DELAY_MS);
    expect(reads()).toBe(1);
    await vi.advanceTimersByTimeAsync(WALL_SII_RELOAD_MS);
    expect(reads()).toBe(2);
  });
});

describe('wall figures', () => {
  it('adds stores up with the average of gross sales, not of net', () => {
    expect(
      sumFigures([
        { total: 3000, tickets: 2, averageTicket: 2000, returns: 1, returnsTotal: 1000 },
        { total: 1990, tickets: 1, averageTicket: 1990, returns: 0, returnsTotal: 0 },
      ]),
    ).toEqual({ total: 4990, tickets: 3, averageTicket: 1997, returns: 1, returnsTotal: 1000 });
  });

  it('draws opening to closing hours at least, stacked per store, and merges tickets newest first', () => {
    const a = block(STORE_A, 'x', 0, 0, {
      hourly: [{ hour: 7, total: 1000, tickets: 1 }],
      tickets: [
        {
          saleId: id(),
          kind: 'sale',
          terminalId: TERMINAL,
          cashierId: CASHIER,
          docType: 39,
          folio: 1,
          total: 1000,
          issuedAt: '2026-11-24T10:00:00.000Z',
        },
      ],
    });
    const b = block(STORE_B, 'x', 0, 0, {
      hourly: [{ hour: 7, total: 500, tickets: 2 }],
      tickets: [{ ...a.tickets[0]!, saleId: id(), folio: 2, issuedAt: '2026-11-24T10:00:05.000Z' }],
    });
    const bars = hourBars([a, b], 12);
    expect(bars.map((bar) => bar.hour)).toEqual([7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]);
    expect(bars[0]).toEqual({
      hour: 7,
      total: 1500,
      tickets: 3,
      parts: [
        { storeId: STORE_A, total: 1000 },
        { storeId: STORE_B, total: 500 },
      ],
    });
    expect(latestTickets([a, b], 20).map((t) => [t.folio, t.storeId])).toEqual([
      [2, STORE_B],
      [1, STORE_A],
    ]);
    expect([niceCeiling(0), niceCeiling(1500), niceCeiling(180000), niceCeiling(2000)]).toEqual([
      1, 2000, 200000, 2000,
    ]);
  });
});
