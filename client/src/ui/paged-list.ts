import type { ErrorPayload, Result } from '@erp/shared/errors';
import { computed, ref, shallowRef } from 'vue';

export interface PageWindow {
  offset: number;
  limit: number;
}

export type PageLoader<T> = (page: PageWindow) => Promise<Result<{ items: T[]; total: number }>>;

/**
 * One server-paged list (the server's `pageOf` answers): the current page's rows, the total,
 * moving between pages and reloading when filters change. A reply to an older request that
 * arrives after a newer one is dropped, so quick filter typing never shows stale rows.
 */
export function usePagedList<T>(load: PageLoader<T>, limit = 50) {
  const items = shallowRef<T[]>([]);
  const total = ref(0);
  const offset = ref(0);
  const loading = ref(false);
  const error = ref<ErrorPayload | null>(null);
  let latest = 0;

  async function fetchPage(at: number): Promise<void> {
    const request = ++latest;
    loading.value = true;
    const result = await load({ offset: at, limit });
    if (request !== latest) return;
    loading.value = false;
    if (!result.ok) {
      error.value = result.error;
      return;
    }
    error.value = null;
    items.value = result.data.items;
    total.value = result.data.total;
    offset.value = at;
  }

  return {
    items,
    total,
    offset,
    limit,
    loading,
    error,
    hasPrevious: computed(() => offset.value > 0),
    hasNext: computed(() => offset.value + limit < total.value),
    /** From the first page (after a filter change). */
    reload: () => fetchPage(0),
    /** The same page again (after an edit in it). */
    refresh: () => fetchPage(offset.value),
    next: () => fetchPage(offset.value + limit),
    previous: () => fetchPage(Math.max(0, offset.value - limit)),
  };
}

export type PagedList<T> = ReturnType<typeof usePagedList<T>>;
