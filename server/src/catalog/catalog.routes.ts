import type { MikroORM } from '@mikro-orm/postgresql';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../platform/app-error.ts';
import { withTenant } from '../platform/orm.ts';
import type { HeavyReads } from '../realtime/heavy-reads.ts';
import { resolveStore } from '../realtime/tenant-namespace.ts';
import { type AuthService, bearer } from '../tenancy/index.ts';
import { currentCatalogVersion } from './catalog.queries.ts';
import { sharedCatalogFeed } from './catalog.service.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface SnapshotRequest {
  Params: { tenantSlug: string };
  Querystring: { store?: string };
}

/**
 * `GET /api/t/:tenantSlug/catalog/snapshot?store=<id>` — the whole active catalog with the
 * store's prices, as `catalog:snapshot` answers it (`{"ok":true,"data":CatalogFeed}`), for a
 * POS's first load. Over HTTP rather than the socket: a socket that once sent a multi-megabyte
 * message keeps a compressor (hundreds of KB) for as long as it lives, while here the answer is
 * gzipped once per catalog version and store and shared by every till, and the browser may keep
 * it (`ETag` = the version; a revalidation at the same version is a 304 without reading the
 * catalog). Bearer token, the same as the socket's handshake; the store is resolved as there
 * (one's own store, or any store of the company for a company-wide membership). Reads run in
 * the tenant's transaction on the heavy reads' pool, so RLS scopes them and they take the
 * tenant's turn.
 */
export function registerCatalogRoutes(
  app: FastifyInstance,
  { orm, auth, heavy }: { orm: MikroORM; auth: AuthService; heavy: HeavyReads },
): void {
  async function scopeOf(request: FastifyRequest<SnapshotRequest>) {
    const session = await auth.verify(bearer(request));
    const memberships = (await auth.memberships(session.userId)).filter(
      (m) => m.tenantSlug === request.params.tenantSlug,
    );
    if (memberships.length === 0) throw new AppError('WRONG_TENANT');
    const requested = request.query.store;
    if (requested !== undefined && !UUID.test(requested)) throw AppError.notFound('la sucursal');
    const storeId = await resolveStore({ orm }, memberships, requested);
    return { tenantId: memberships[0]!.tenantId, storeId };
  }

  app.get<SnapshotRequest>('/api/t/:tenantSlug/catalog/snapshot', async (request, reply) => {
    const { tenantId, storeId } = await scopeOf(request);
    const version = await withTenant(orm, tenantId, currentCatalogVersion);
    const etag = `"catalog-${version}-${storeId ?? 'tenant'}"`;
    // Private: the answer carries this company's catalog; no-cache: kept, but asked again each time.
    reply.header('cache-control', 'private, no-cache').header('etag', etag).header('vary', 'accept-encoding');
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    const feed = await sharedCatalogFeed(heavy, tenantId, storeId, null, version);
    reply.header('content-type', 'application/json; charset=utf-8');
    if (!/\bgzip\b/.test(request.headers['accept-encoding'] ?? '')) return reply.send(feed.reply);
    return reply.header('content-encoding', 'gzip').send(await feed.gzipped());
  });
}
