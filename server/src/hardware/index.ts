/**
 * The hardware domain's front door: people's and hubs' handlers, the hub's admission for the
 * handshake, receipt delivery after a commit, and the demo hub `npm start` runs.
 */
export { ensureDemoHub } from './demo-hub.ts';
export { registerHardwareHandlers } from './hardware.handlers.ts';
export { registerHubHandlers } from './hub.handlers.ts';
export { assertStoreHubFree } from './hub-admission.ts';
export { authenticateHub } from './hub-credentials.ts';
export { deliverStoreReceipts } from './receipt-delivery.ts';
