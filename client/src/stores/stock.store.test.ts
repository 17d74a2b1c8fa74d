// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { describe, expect, it } from 'vitest';
import { fakeRealtime } from '../test/fake-realtime.ts';
import { useStockStore } from './stock.store.ts';

describe('stock store', () => {
  // As a till gets them: quantities without the PPP (a cashier does not see costs).
  it('asks only for the products shown, once, again after a resync, and follows live changes of that warehouse only', async () => {
    setActivePinia(createPinia());
    const server = fakeRealtime();
    const warehouseId = crypto.randomUUID();
    const productId = crypto.randomUUID();
    const other = crypto.randomUUID();
    server.on('stock:list', (input) =>
      (input.productIds ?? [])
        .filter((id) => id === productId)
        .map((id) => ({ warehouseId: input.warehouseId, productId: id, quantity: '12.000', minimum: null })),
    );
    const stock = useStockStore();
    stock.start(warehouseId);
    await stock.show([productId, other]);
    expect(stock.quantityOf(productId)).toBe('12.000');
    expect(stock.quantityOf(other)).toBeNull();
    // Shown again (a tab opened twice): nothing asked. A stale connection: asked again.
    await stock.show([other, productId]);
    const lists = () => server.sent.filter((c) => c.name === 'stock:list');
    expect(lists()).toEqual([
      { name: 'stock:list', payload: { warehouseId, productIds: [productId, other] } },
    ]);
    await server.resync();
    expect(lists()).toHaveLength(2);

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
