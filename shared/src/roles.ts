/** Roles a membership grants within a tenant, from most to least powerful. */
export const ROLES = ['owner', 'admin', 'supervisor', 'cashier', 'warehouse'] as const;
export type Role = (typeof ROLES)[number];

/** Screen kinds; each socket joins the room of its screen within its store. */
export const SCREENS = ['pos', 'wall', 'tablet', 'backoffice', 'hub'] as const;
export type Screen = (typeof SCREENS)[number];

/** Role sets used by command guards. */
export const ADMIN_ROLES: readonly Role[] = ['owner', 'admin'];
export const SUPERVISOR_ROLES: readonly Role[] = ['owner', 'admin', 'supervisor'];
export const ALL_ROLES: readonly Role[] = ROLES;
/** Who moves goods: receipts, transfers, counts and adjustments. */
export const STOCK_ROLES: readonly Role[] = ['owner', 'admin', 'supervisor', 'warehouse'];
/**
 * Who may see costs (PPP, unit costs of movements): whoever runs the warehouses, never a till.
 * Everyone else gets stock answers and live stock news without them.
 */
export const COST_ROLES: readonly Role[] = ['owner', 'admin', 'supervisor', 'warehouse'];

/**
 * Who may open each screen. The handshake refuses other combinations, because joining a
 * screen's rooms means receiving what that screen is shown (the wall sees every sale and cash
 * movement of the tenant). The hub screen is for device credentials, never for people.
 */
export const SCREEN_ROLES: Readonly<Record<Screen, readonly Role[]>> = {
  pos: ['owner', 'admin', 'supervisor', 'cashier'],
  wall: ['owner', 'admin', 'supervisor'],
  tablet: ['owner', 'admin', 'supervisor', 'warehouse'],
  backoffice: ['owner', 'admin'],
  hub: [],
};
