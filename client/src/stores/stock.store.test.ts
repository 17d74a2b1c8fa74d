// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { describe, expect, it } from 'vitest';
import { fakeRealtime } from '../test/fake-realtime.ts';
import { useStockStore } from './stock.store.ts';

describe('stock store', () => {
  // As a till gets them: quantities without the PPP (a cashier does not see costs).
  it('loads the warehouse stock on resync and follows live changes of that warehouse only', async () => {
    setActivePinia(createPinia());
    const server = fakeRealtime();
    const warehouseId = crypto.randomUUID();
    const productId = crypto.randomUUID();
    server.on('stock:list', (input) => [
      { warehouseId: input.warehouseId, productId, quantity: '12.000', minimum: null },
    ]);
    const stock = useStockStore();
    stock.start(warehouseId);
    await server.resync();
    expect(stock.quantityOf(productId)).toBe('12.000');

    server.emit('stock:changed', {
      changes: [{ warehouseId, productId, quantity: '11.000' }],
    });
    server.emit('stock:changed', {
      changes: [{ warehouseId: crypto.randomUUID(), productId, quantity: '99.000' }],
    });
    expect(stock.quantityOf(productId)).toBe('11.000');
    expect(stock.quantityOf(crypto.randomUUID())).toBeNull();
  });
});
