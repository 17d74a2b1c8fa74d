import type { Screen } from '@erp/shared';

/** Room names, in one place. Rooms live inside a tenant's namespace, so they never cross tenants. */
export const rooms = {
  store: (storeId: string) => `store:${storeId}`,
  storeScreen: (storeId: string, screen: Screen) => `store:${storeId}:${screen}`,
  /**
   * The store's sockets whose role sees costs (COST_ROLES), and the rest: stock news carry the
   * PPP to the first only (joined by the inventory handlers).
   */
  storeCosts: (storeId: string) => `store-costs:${storeId}`,
  storeNoCosts: (storeId: string) => `store-no-costs:${storeId}`,
  /** Every socket of a screen kind in the tenant (e.g. all back offices). */
  screen: (screen: Screen) => `screen:${screen}`,
  session: (sessionId: string) => `session:${sessionId}`,
  user: (userId: string) => `user:${userId}`,
  /** Every socket of the tenant that keeps a catalog (joined by the catalog handlers). */
  catalog: () => 'catalog',
  /** The store's hub and any hub trying to become it (see hardware/hub-admission.ts). */
  hubClaim: (storeId: string) => `hub-claim:${storeId}`,
  /** The sockets of one hub credential (closed together when it is revoked). */
  hubDevice: (deviceId: string) => `hub-device:${deviceId}`,
  /** POS sockets watching a store's scale (`default`: whichever scale the hub uses by default). */
  scaleWatch: (storeId: string, scaleId: string) => `scale-watch:${storeId}:${scaleId}`,
  /** Tablets taking part in one stock count. */
  count: (countId: string) => `count:${countId}`,
};

export const tenantNamespace = (slug: string) => `/t/${slug}`;
export const TENANT_NAMESPACE_PATTERN = /^\/t\/([a-z0-9-]{2,40})$/;
