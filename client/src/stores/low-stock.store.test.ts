// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeRealtime, signedIn } from '../test/fake-realtime.ts';
import { testWarehouses } from '../test/warehouses.ts';
import { missing, useLowStockStore } from './low-stock.store.ts';
import { useWarehousesStore } from './warehouses.store.ts';

describe('low stock store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    localStorage.clear();
  });

  it('lists the warehouse’s products below minimum and follows alerts and stock changes live', async () => {
    const storeA = signedIn();
    const server = fakeRealtime();
    const [a, b] = testWarehouses(storeA);
    const [yogur, pan, leche] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    server.on('warehouse:list', () => [a!, b!]);
    server.on('stock:below-minimum', ({ warehouseId }) => [
      { warehouseId, productId: yogur, productName: 'Yogur', quantity: '2.000', minimum: '5.000' },
    ]);
    const warehouses = useWarehousesStore();
    const low = useLowStockStore();
    warehouses.start();
    low.start();
    await server.resync();
    expect(low.items.map((i) => [i.productName, missing(i)])).toEqual([['Yogur', '3.000']]);

    server.emit('stock:low', {
      changes: [
        { warehouseId: a!.id, productId: leche, productName: 'Leche', quantity: '-1.000', minimum: '6.000' },
        { warehouseId: b!.id, productId: pan, productName: 'Pan', quantity: '0.000', minimum: '3.000' },
      ],
    });
    expect(low.items.map((i) => [i.productName, missing(i)])).toEqual([
      ['Leche', '7.000'],
      ['Yogur', '3.000'],
    ]);

    server.emit('stock:changed', {
      changes: [
        { warehouseId: a!.id, productId: yogur, quantity: '5.000', averageCost: '1' },
        { warehouseId: a!.id, productId: leche, quantity: '4.500', averageCost: '1' },
        { warehouseId: b!.id, productId: leche, quantity: '99.000', averageCost: '1' },
      ],
    });
    expect(low.items.map((i) => [i.productName, i.quantity])).toEqual([['Leche', '4.500']]);
  });
});
