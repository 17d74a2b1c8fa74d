import { ADMIN_ROLES, ALL_ROLES } from '@erp/shared';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit } from '../audit/index.ts';
import { withTenant } from '../platform/orm.ts';
import { HEAVY_READ_COST, onCommand, WHOLE_READ_COST } from '../realtime/commands.ts';
import { withTenantEvents } from '../realtime/publish-after-commit.ts';
import { rooms } from '../realtime/rooms.ts';
import type { HandlerRegistrar } from '../realtime/tenant-namespace.ts';
import { currentCatalogVersion, productCategories } from './catalog.queries.ts';
import {
  listCatalog,
  lookupProduct,
  productDetail,
  saveProduct,
  search,
  setStorePrice,
  sharedCatalogFeed,
} from './catalog.service.ts';
import { applyImport, previewImport } from './catalog-import.ts';
import { getLabelRules, setLabelRules, testLabel } from './scale-labels.service.ts';

export const registerCatalogHandlers: HandlerRegistrar = (socket, { orm, logger, heavy }) => {
  const { tenantId, storeId } = socket.data;
  // Every screen but the hardware hub keeps or shows the catalog, so it follows its changes.
  if (socket.data.screen !== 'hub') socket.join(rooms.catalog());
  const read = <T>(work: (em: EntityManager) => Promise<T>) => withTenant(orm, tenantId, work);
  const editor = { userId: socket.data.userId, storeId };
  const feed = async (since: number | null) =>
    sharedCatalogFeed(heavy, tenantId, storeId, since, await read(currentCatalogVersion));

  onCommand(socket, logger, 'product:search', { roles: ALL_ROLES }, (input) =>
    read((em) => search(em, input, storeId)),
  );
  onCommand(socket, logger, 'product:lookup', { roles: ALL_ROLES }, ({ code }) =>
    read((em) => lookupProduct(em, code, storeId)),
  );
  // The POS takes its first catalog over HTTP (catalog.routes.ts: gzipped once per version and
  // shared); on the socket the whole catalog is for tools, and each copy is compressed for its
  // socket alone, on the CPU every tenant's sales share: it costs twice a whole report.
  onCommand(socket, logger, 'catalog:snapshot', { roles: ALL_ROLES, cost: 2 * WHOLE_READ_COST }, () =>
    feed(null),
  );
  onCommand(socket, logger, 'catalog:changes', { roles: ALL_ROLES, cost: HEAVY_READ_COST }, ({ since }) =>
    feed(since),
  );
  onCommand(socket, logger, 'label:test', { roles: ALL_ROLES }, ({ barcode }) =>
    read((em) => testLabel(em, barcode, storeId)),
  );
  onCommand(socket, logger, 'label:rules', { roles: ALL_ROLES }, () => read(getLabelRules));

  onCommand(socket, logger, 'product:list', { roles: ADMIN_ROLES }, (input) =>
    read((em) => listCatalog(em, input)),
  );
  onCommand(socket, logger, 'product:get', { roles: ADMIN_ROLES }, ({ id }) =>
    read((em) => productDetail(em, id)),
  );
  onCommand(socket, logger, 'product:categories', { roles: ADMIN_ROLES }, () => read(productCategories));

  onCommand(socket, logger, 'label:set-rules', { roles: ADMIN_ROLES }, ({ rules }) =>
    read((em) => setLabelRules(em, rules)),
  );
  onCommand(socket, logger, 'product:save', { roles: ADMIN_ROLES }, (input) =>
    withTenantEvents(orm, socket, (em, events) => saveProduct(em, input, events, storeId, editor)),
  );
  onCommand(socket, logger, 'product:set-store-price', { roles: ADMIN_ROLES }, (input) =>
    withTenantEvents(orm, socket, (em, events) => setStorePrice(em, input, events, editor)),
  );
  onCommand(socket, logger, 'catalog:import-preview', { roles: ADMIN_ROLES }, ({ csv }) =>
    read((em) => previewImport(em, csv)),
  );
  onCommand(socket, logger, 'catalog:import-apply', { roles: ADMIN_ROLES }, ({ csv }) =>
    withTenantEvents(orm, socket, async (em, events) => {
      const result = await applyImport(em, csv, events, (progress) =>
        socket.nsp.to(rooms.session(socket.data.sessionId)).emit('catalog:import-progress', progress),
      );
      await recordAudit(em, editor, null, [{ kind: 'catalog_import', details: result }], events);
      return result;
    }),
  );
};
