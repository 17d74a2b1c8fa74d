import type { ErrorPayload } from '@erp/shared/errors';
import type { StoreView, UserView, WarehouseView } from '@erp/shared/events/index';
import { onBeforeUnmount, ref, shallowRef } from 'vue';
import type { z } from 'zod';
import { useRealtimeStore } from '../../../stores/realtime.store.ts';

/** Most users a filter offers: a minimarket chain has tens, the list pages at 200. */
const USER_LIMIT = 200;

/**
 * What the business sections' filters offer: the company's stores (with their tills), users and
 * warehouses, read when the section opens and again after a reconnection.
 */
export function useFilterOptions(needs: { stores?: boolean; users?: boolean; warehouses?: boolean }) {
  const realtime = useRealtimeStore();
  const stores = shallowRef<z.output<typeof StoreView>[]>([]);
  const users = shallowRef<z.output<typeof UserView>[]>([]);
  const warehouses = shallowRef<z.output<typeof WarehouseView>[]>([]);
  const error = ref<ErrorPayload | null>(null);

  async function load(): Promise<void> {
    const [storeList, userList, warehouseList] = await Promise.all([
      needs.stores ? realtime.command('store:list', {}) : null,
      needs.users ? realtime.command('user:list', { includeInactive: true, limit: USER_LIMIT }) : null,
      needs.warehouses ? realtime.command('warehouse:list', {}) : null,
    ]);
    error.value = null;
    if (storeList) {
      if (storeList.ok) stores.value = storeList.data;
      else error.value = storeList.error;
    }
    if (userList) {
      // One person may hold several memberships (one per store): one entry per person.
      if (userList.ok) users.value = [...new Map(userList.data.items.map((u) => [u.id, u])).values()];
      else error.value = userList.error;
    }
    if (warehouseList) {
      if (warehouseList.ok) warehouses.value = warehouseList.data;
      else error.value = warehouseList.error;
    }
  }

  onBeforeUnmount(realtime.onResync(load));
  return { stores, users, warehouses, error, reload: load };
}
