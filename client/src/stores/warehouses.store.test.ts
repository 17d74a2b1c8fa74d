// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeRealtime, signedIn } from '../test/fake-realtime.ts';
import { testWarehouses } from '../test/warehouses.ts';
import { useWarehousesStore } from './warehouses.store.ts';

describe('warehouses store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    localStorage.clear();
  });

  it('works in the first warehouse of its store, remembers a choice per device, and refuses another store’s', async () => {
    const storeA = signedIn();
    const server = fakeRealtime();
    const list = testWarehouses(storeA);
    const backRoom = { ...list[0]!, id: crypto.randomUUID(), code: 'B1-F', name: 'Cámara de frío' };
    server.on('warehouse:list', () => [list[0]!, backRoom, list[1]!, list[2]!]);
    const warehouses = useWarehousesStore();
    warehouses.start();
    await server.resync();
    expect(warehouses.currentId).toBe(list[0]!.id);
    expect(warehouses.own.map((w) => w.name)).toEqual(['Bodega Tienda A', 'Cámara de frío']);
    expect(warehouses.isLive(list[2]!.id)).toBe(false);

    warehouses.choose(list[1]!.id);
    expect(warehouses.currentId).toBe(list[0]!.id);
    warehouses.choose(backRoom.id);

    // A new page on the same device starts where the last one was.
    setActivePinia(createPinia());
    signedIn(storeA);
    const again = fakeRealtime();
    again.on('warehouse:list', () => [list[0]!, backRoom, list[1]!, list[2]!]);
    const reopened = useWarehousesStore();
    reopened.start();
    await again.resync();
    expect(reopened.current?.name).toBe('Cámara de frío');
    expect(reopened.nameOf(list[2]!.id)).toBe('Bodega central');
  });

  it('keeps the error of a failed load and no warehouse', async () => {
    signedIn();
    const server = fakeRealtime();
    const warehouses = useWarehousesStore();
    warehouses.start();
    await server.resync();
    expect(warehouses.error?.code).toBe('OFFLINE');
    expect(warehouses.currentId).toBeNull();
  });
});
