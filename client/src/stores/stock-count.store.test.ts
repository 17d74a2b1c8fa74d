// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeRealtime, signedIn } from '../test/fake-realtime.ts';
import { testWarehouses } from '../test/warehouses.ts';
import { useSessionStore } from './session.store.ts';
import { type Count, type CountOutcome, type Scan, useStockCountStore } from './stock-count.store.ts';
import { useWarehousesStore } from './warehouses.store.ts';

const me = { id: crypto.randomUUID(), email: 'bodega@demo.cl', name: 'Bodega' };
const ana = { id: crypto.randomUUID(), name: 'Ana' };
const leche = { id: crypto.randomUUID(), name: 'Leche' };

async function setUp() {
  const storeA = signedIn();
  useSessionStore().user = me;
  const server = fakeRealtime();
  const [a] = testWarehouses(storeA);
  const count: Count = {
    id: crypto.randomUUID(),
    warehouseId: a!.id,
    fullCount: true,
    zones: ['Pasillo 1', 'Pasillo 2'],
    status: 'open',
    startedAt: '2026-11-24T12:00:00.000Z',
  };
  server.on('warehouse:list', () => [a!]);
  server.on('count:list', () => [count]);
  server.on('count:join', () => ({
    count,
    totals: [
      {
        productId: leche.id,
        barcode: null,
        productName: leche.name,
        counted: '4.000',
        byUser: [{ userId: ana.id, userName: ana.name, counted: '4.000' }],
      },
    ],
  }));
  const warehouses = useWarehousesStore();
  const counting = useStockCountStore();
  warehouses.start();
  counting.start();
  await server.resync();
  return { server, count, counting };
}

function scanOf(
  count: Count,
  who: { id: string; name: string },
  quantity: string,
  total: string,
  product: { id: string; name: string } | null = leche,
): Scan {
  return {
    id: crypto.randomUUID(),
    countId: count.id,
    barcode: product ? '7801000000013' : '7809999999999',
    productId: product?.id ?? null,
    productName: product?.name ?? null,
    quantity,
    zone: 'Pasillo 1',
    userId: who.id,
    userName: who.name,
    total,
  };
}

describe('stock count store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    localStorage.clear();
  });

  it('joins with the running totals, counts its own scan once despite the echo, and hears the others live', async () => {
    const { server, count, counting } = await setUp();
    expect(counting.counts).toEqual([count]);
    expect(await counting.join(count.id)).toBe(true);
    expect(counting.zone).toBe('Pasillo 1');

    const mine = scanOf(count, me, '2.000', '6.000');
    server.on('count:scan', () => mine);
    await counting.scan('7801000000013', '2.000');
    expect(server.sent.find((s) => s.name === 'count:scan')?.payload).toEqual({
      countId: count.id,
      barcode: '7801000000013',
      quantity: '2.000',
      zone: 'Pasillo 1',
    });
    server.emit('count:scanned', mine); // the room's echo
    const [total] = counting.known;
    expect(total?.counted).toBe('6.000');
    expect(counting.countedBy(total!, me.id)).toBe('2.000');
    expect(counting.countedByOthers(total!)).toBe('4.000');

    server.emit('count:scanned', scanOf(count, ana, '-1.000', '5.000'));
    server.emit('count:scanned', scanOf(count, ana, '1.000', '1.000', null));
    server.emit('count:scanned', { ...scanOf(count, ana, '9.000', '9.000'), countId: crypto.randomUUID() });
    expect(counting.known[0]?.counted).toBe('5.000');
    expect(counting.countedByOthers(counting.known[0]!)).toBe('3.000');
    expect(counting.unknown.map((t) => [t.barcode, t.counted])).toEqual([['7809999999999', '1.000']]);
    expect(counting.feed.map((s) => [s.userName, s.quantity])).toEqual([
      ['Ana', '1.000'],
      ['Ana', '-1.000'],
      ['Bodega', '2.000'],
    ]);
  });

  it('shows the variances when another tablet closes, applies them, and drops the applied count', async () => {
    const { server, count, counting } = await setUp();
    await counting.join(count.id);
    const closed: CountOutcome = {
      ...count,
      status: 'closed',
      lines: [{ productId: leche.id, expected: '5.000', counted: '4.000', variance: '-1.000' }],
    };
    server.emit('count:closed', closed);
    expect(counting.active?.status).toBe('closed');
    expect(counting.result).toEqual(closed);
    expect(counting.counts[0]?.status).toBe('closed');

    server.on('count:apply', () => ({ ...closed, status: 'applied' }));
    expect(await counting.apply()).toBe(true);
    expect(counting.result?.status).toBe('applied');
    expect(counting.counts).toEqual([]);
  });

  it('joins again after a reconnection that lost events, and shows the result if it closed meanwhile', async () => {
    const { server, count, counting } = await setUp();
    await counting.join(count.id);
    server.on('count:join', () => ({
      count,
      totals: [{ productId: leche.id, barcode: null, productName: leche.name, counted: '9.000', byUser: [] }],
    }));
    await server.resync();
    expect(counting.known[0]?.counted).toBe('9.000');

    server.on('count:join', () => ({
      ok: false,
      error: { code: 'CONFLICT', message: 'El conteo ya está cerrado.' },
    }));
    server.on('count:result', () => ({ ...count, status: 'closed', lines: [] }));
    await server.resync();
    expect(counting.active).toBeNull();
    expect(counting.result?.status).toBe('closed');
  });

  it('keeps the server’s refusal of a scan', async () => {
    const { server, count, counting } = await setUp();
    await counting.join(count.id);
    server.on('count:scan', () => ({
      ok: false,
      error: { code: 'CONFLICT', message: 'El conteo ya está cerrado.' },
    }));
    expect(await counting.scan('7801000000013', '1.000')).toBeNull();
    expect(counting.error?.message).toBe('El conteo ya está cerrado.');
    expect(counting.totals).toHaveLength(1);
  });
});
