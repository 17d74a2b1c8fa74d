/**
 * The store-node domain's front door: folio leases for store hubs, the synchronisation of their
 * offline sales, and the stores' node state (docs/store-node.md).
 */
export { revokeHubLeases } from './leases.ts';
export { registerStoreNodeHandlers, registerStoreNodeHubHandlers } from './store-node.handlers.ts';
