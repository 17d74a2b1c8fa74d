// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeRealtime, signedIn } from '../test/fake-realtime.ts';
import { testWarehouses } from '../test/warehouses.ts';
import { type Movement, useStockLookupStore } from './stock-lookup.store.ts';
import { useWarehousesStore } from './warehouses.store.ts';

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function movement(warehouseId: string, productId: string, resultingQuantity: string): Movement {
  return {
    id: crypto.randomUUID(),
    warehouseId,
    productId,
    kind: 'sale',
    quantity: '-1.000',
    unitCost: '500.000000',
    resultingQuantity,
    resultingAverageCost: '500.000000',
    userId: null,
    deviceId: null,
    documentType: 'sale',
    documentId: null,
    writeOffReason: null,
    at: '2026-11-24T13:00:00.000Z',
  };
}

describe('stock lookup store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    localStorage.clear();
  });

  it('shows a product in every warehouse (none yet = 0) with the kardex of its own, both live', async () => {
    const storeA = signedIn();
    const server = fakeRealtime();
    const [a, b, central] = testWarehouses(storeA);
    const productId = crypto.randomUUID();
    server.on('warehouse:list', () => [a!, b!, central!]);
    const stock: Record<string, string> = { [a!.id]: '12.000', [central!.id]: '40.000' };
    server.on('stock:list', ({ warehouseId, productIds }) =>
      stock[warehouseId] && productIds?.includes(productId)
        ? [{ warehouseId, productId, quantity: stock[warehouseId], averageCost: '512.5', minimum: null }]
        : [],
    );
    let kardexBalance = '12.000';
    server.on('stock:kardex', ({ warehouseId }) => [movement(warehouseId, productId, kardexBalance)]);

    const warehouses = useWarehousesStore();
    const lookup = useStockLookupStore();
    warehouses.start();
    lookup.start();
    await server.resync();
    await lookup.select(productId, warehouses.currentId);

    expect(lookup.levels.map((l) => [l.warehouseId, l.quantity])).toEqual([
      [a!.id, '12.000'],
      [b!.id, '0.000'],
      [central!.id, '40.000'],
    ]);
    expect(lookup.kardex.map((m) => m.resultingQuantity)).toEqual(['12.000']);

    // A sale in this store: the level moves at once and the kardex is read again.
    kardexBalance = '11.000';
    server.emit('stock:changed', {
      changes: [
        { warehouseId: a!.id, productId, quantity: '11.000', averageCost: '512.5' },
        { warehouseId: a!.id, productId: crypto.randomUUID(), quantity: '1.000', averageCost: '1' },
      ],
    });
    expect(lookup.levelIn(a!.id)?.quantity).toBe('11.000');
    await flush();
    expect(lookup.kardex.map((m) => m.resultingQuantity)).toEqual(['11.000']);
    const kardexReads = server.sent.filter((s) => s.name === 'stock:kardex').length;

    // Another warehouse moving does not re-read this kardex.
    server.emit('stock:changed', {
      changes: [{ warehouseId: central!.id, productId, quantity: '39.000', averageCost: '512.5' }],
    });
    await flush();
    expect(lookup.levelIn(central!.id)?.quantity).toBe('39.000');
    expect(server.sent.filter((s) => s.name === 'stock:kardex')).toHaveLength(kardexReads);

    await lookup.showKardex(central!.id);
    expect(lookup.kardex[0]?.warehouseId).toBe(central!.id);
  });

  it('sets the minimum of the product in a warehouse, and shows why it could not', async () => {
    const storeA = signedIn();
    const server = fakeRealtime();
    const [a] = testWarehouses(storeA);
    const productId = crypto.randomUUID();
    server.on('warehouse:list', () => [a!]);
    server.on('stock:list', () => []);
    server.on('stock:kardex', () => []);
    server.on('stock:set-minimum', ({ warehouseId, minimum }) => ({
      warehouseId,
      productId,
      quantity: '0.000',
      averageCost: '0.000000',
      minimum: minimum ? '5.000' : null,
    }));
    const warehouses = useWarehousesStore();
    const lookup = useStockLookupStore();
    warehouses.start();
    await server.resync();
    await lookup.select(productId, a!.id);
    expect(await lookup.setMinimum(a!.id, '5')).toBe(true);
    expect(lookup.levelIn(a!.id)?.minimum).toBe('5.000');

    server.on('stock:set-minimum', () => ({ ok: false, error: { code: 'FORBIDDEN', message: 'No puede.' } }));
    expect(await lookup.setMinimum(a!.id, null)).toBe(false);
    expect(lookup.error).toMatchObject({ code: 'FORBIDDEN', message: 'No puede.' });
  });

  it('writes off the product: a retry after a lost answer sends the same merma id, a changed merma a new one', async () => {
    const storeA = signedIn();
    const server = fakeRealtime();
    const [a] = testWarehouses(storeA);
    const productId = crypto.randomUUID();
    server.on('warehouse:list', () => [a!]);
    server.on('stock:list', () => []);
    server.on('stock:kardex', () => []);
    const warehouses = useWarehousesStore();
    const lookup = useStockLookupStore();
    warehouses.start();
    await server.resync();
    await lookup.select(productId, a!.id);

    const merma = { warehouseId: a!.id, quantity: '2.000', reason: 'expired' as const };
    server.on('stock:write-off', () => ({
      ok: false,
      error: { code: 'TIMEOUT', message: 'Sin respuesta.' },
    }));
    expect(await lookup.writeOff(merma)).toBeNull();
    expect(lookup.error).toMatchObject({ code: 'TIMEOUT' });

    server.on('stock:write-off', (payload) => ({
      ...payload,
      productName: 'Yogur',
      note: null,
      unitCost: '500.000000',
      value: 1000,
      resultingQuantity: '-2.000',
      resultingAverageCost: '500.000000',
      at: '2026-12-06T13:00:00.000Z',
    }));
    expect(await lookup.writeOff(merma)).toMatchObject({ value: 1000, productId });
    expect(lookup.error).toBeNull();
    await lookup.writeOff({ ...merma, quantity: '3.000' });

    const ids = server.sent
      .filter((s) => s.name === 'stock:write-off')
      .map((s) => (s.payload as { id: string }).id);
    expect(ids).toHaveLength(3);
    expect(ids[1]).toBe(ids[0]);
    expect(ids[2]).not.toBe(ids[0]);
    expect(server.sent.at(-1)?.payload).toMatchObject({ productId, quantity: '3.000', reason: 'expired' });
  });
});
