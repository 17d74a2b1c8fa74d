import { ok, type Result } from '@erp/shared/errors';
import { CatalogFeed } from '@erp/shared/events/index';
import { z } from 'zod';
import { apiRequest } from './api.ts';

/**
 * The snapshot's envelope; its products are checked by the caller a slice at a time, so that
 * checking 50,000 of them never holds the page in one task.
 */
const SnapshotAnswer = z.object({
  ok: z.literal(true),
  data: CatalogFeed.extend({ products: z.array(z.unknown()) }),
});

/**
 * The whole active catalog of a store (`GET /api/t/:slug/catalog/snapshot`): gzipped on the
 * wire, and the browser's HTTP cache revalidates it by catalog version (a 304 at the same one).
 */
export async function fetchCatalogSnapshot(
  tenantSlug: string,
  storeId: string | null,
  token: string | null,
): Promise<Result<z.output<typeof SnapshotAnswer>['data']>> {
  const store = storeId ? `?store=${encodeURIComponent(storeId)}` : '';
  const answer = await apiRequest(`/api/t/${encodeURIComponent(tenantSlug)}/catalog/snapshot${store}`, {
    token: token ?? undefined,
    schema: SnapshotAnswer,
  });
  return answer.ok ? ok(answer.data.data) : answer;
}
