import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The tenant of the unit of work running now. `withTenant` sets it; entity `onCreate` hooks
 * read it so a new row always carries the tenant of the transaction it is written in.
 */
const storage = new AsyncLocalStorage<{ tenantId: string }>();

export function runInTenantContext<T>(tenantId: string, work: () => T): T {
  return storage.run({ tenantId }, work);
}

export function currentTenantId(): string {
  const ctx = storage.getStore();
  if (!ctx) throw new Error('No tenant in context: tenant-owned rows must be written inside withTenant()');
  return ctx.tenantId;
}
