import { ADMIN_ROLES, ALL_ROLES, COST_ROLES, STOCK_ROLES } from '@erp/shared';
import { AppError } from '../platform/app-error.ts';
import { withTenant } from '../platform/orm.ts';
import { onCommand } from '../realtime/commands.ts';
import { actorOf, withTenantEvents } from '../realtime/publish-after-commit.ts';
import { rooms } from '../realtime/rooms.ts';
import type { HandlerRegistrar } from '../realtime/tenant-namespace.ts';
import { adjustStock, getInventorySettings, setInventorySettings, setMinimum } from './inventory.service.ts';
import { kardex, listBelowMinimum, listStock, listWarehouses } from './stock.queries.ts';
import {
  applyCount,
  closeCount,
  closedCountResult,
  countState,
  listCounts,
  recordScan,
  startCount,
} from './stock-count.service.ts';
import { listTransfers, receiveTransfer, sendTransfer } from './transfer.service.ts';
import { recordWriteOff } from './write-off.service.ts';

export const registerInventoryHandlers: HandlerRegistrar = (socket, { orm, logger }) => {
  const { tenantId, storeId, role } = socket.data;
  const actor = actorOf(socket);
  // Stock is read at every till, but costs only by whoever runs the warehouses.
  const withCosts = COST_ROLES.includes(role);
  if (storeId) socket.join(withCosts ? rooms.storeCosts(storeId) : rooms.storeNoCosts(storeId));

  onCommand(socket, logger, 'warehouse:list', { roles: ALL_ROLES }, () =>
    withTenant(orm, tenantId, listWarehouses),
  );
  onCommand(socket, logger, 'stock:list', { roles: ALL_ROLES }, ({ warehouseId, productIds }) =>
    withTenant(orm, tenantId, (em) => listStock(em, { warehouseId, productIds, withCosts })),
  );
  onCommand(socket, logger, 'stock:kardex', { roles: ALL_ROLES }, (query) =>
    withTenant(orm, tenantId, (em) => kardex(em, { ...query, withCosts })),
  );
  onCommand(socket, logger, 'stock:below-minimum', { roles: ALL_ROLES }, ({ warehouseId }) =>
    withTenant(orm, tenantId, (em) => listBelowMinimum(em, warehouseId)),
  );
  onCommand(socket, logger, 'inventory:settings', { roles: ALL_ROLES }, () =>
    withTenant(orm, tenantId, getInventorySettings),
  );
  onCommand(socket, logger, 'inventory:set-settings', { roles: ADMIN_ROLES }, (settings) =>
    withTenant(orm, tenantId, (em) => setInventorySettings(em, settings)),
  );
  onCommand(socket, logger, 'stock:adjust', { roles: STOCK_ROLES }, (input) =>
    withTenantEvents(orm, socket, (em, events) => adjustStock(em, input, events, actor)),
  );
  onCommand(socket, logger, 'stock:set-minimum', { roles: STOCK_ROLES }, (input) =>
    withTenantEvents(orm, socket, (em, events) => setMinimum(em, input, events, actor)),
  );
  onCommand(socket, logger, 'stock:write-off', { roles: STOCK_ROLES }, (input) =>
    withTenantEvents(orm, socket, (em, events) => recordWriteOff(em, input, events, actor)),
  );
  onCommand(socket, logger, 'transfer:send', { roles: STOCK_ROLES }, (input) =>
    withTenantEvents(orm, socket, (em, events) => sendTransfer(em, input, events, actor)),
  );
  onCommand(socket, logger, 'transfer:list', { roles: STOCK_ROLES }, ({ warehouseId, status }) =>
    withTenant(orm, tenantId, (em) => listTransfers(em, warehouseId, status)),
  );
  onCommand(socket, logger, 'transfer:receive', { roles: STOCK_ROLES }, (input) =>
    withTenantEvents(orm, socket, (em, events) => receiveTransfer(em, input, events, actor)),
  );

  onCommand(socket, logger, 'count:list', { roles: STOCK_ROLES }, ({ warehouseId }) =>
    withTenant(orm, tenantId, (em) => listCounts(em, warehouseId, actor)),
  );
  onCommand(socket, logger, 'count:result', { roles: STOCK_ROLES }, ({ countId }) =>
    withTenant(orm, tenantId, (em) => closedCountResult(em, countId, actor)),
  );
  onCommand(socket, logger, 'count:start', { roles: STOCK_ROLES }, async (input) => {
    const count = await withTenantEvents(orm, socket, (em, events) => startCount(em, input, events, actor));
    socket.join(rooms.count(count.id));
    return count;
  });
  // The count is read under this tenant's RLS first: a count id of another tenant is NOT_FOUND,
  // and another store's is refused, so a socket joins the rooms of its own store's counts only.
  onCommand(socket, logger, 'count:join', { roles: STOCK_ROLES }, async ({ countId }) => {
    const state = await withTenant(orm, tenantId, (em) => countState(em, countId, actor));
    if (state.count.status !== 'open') throw new AppError('CONFLICT', 'El conteo ya está cerrado.');
    socket.join(rooms.count(countId));
    return state;
  });
  onCommand(socket, logger, 'count:scan', { roles: STOCK_ROLES }, (input) =>
    withTenantEvents(orm, socket, (em, events) => recordScan(em, input, events, actor)),
  );
  onCommand(socket, logger, 'count:close', { roles: STOCK_ROLES }, ({ countId }) =>
    withTenantEvents(orm, socket, (em, events) => closeCount(em, countId, events, actor)),
  );
  onCommand(socket, logger, 'count:apply', { roles: STOCK_ROLES }, ({ countId }) =>
    withTenantEvents(orm, socket, (em, events) => applyCount(em, countId, events, actor)),
  );
};
