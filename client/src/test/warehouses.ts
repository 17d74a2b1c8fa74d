import type { Warehouse } from '../stores/warehouses.store.ts';

/** The warehouses of a test company: one per store (A, B) and a central one. */
export function testWarehouses(storeA: string, storeB: string = crypto.randomUUID()): Warehouse[] {
  return [
    { id: crypto.randomUUID(), code: 'B1', name: 'Bodega Tienda A', storeId: storeA, storeName: 'Tienda A' },
    { id: crypto.randomUUID(), code: 'B2', name: 'Bodega Tienda B', storeId: storeB, storeName: 'Tienda B' },
    { id: crypto.randomUUID(), code: 'CENTRAL', name: 'Bodega central', storeId: null, storeName: null },
  ];
}
