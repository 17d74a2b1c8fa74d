/**
 * The sii domain's front door: what other domains use from it. The pure document code is the
 * `@erp/sii-core` package; this domain adds folios, CAFs and certificates in the database, the
 * outbox-driven worker and the back office commands.
 */

export { seedDemoSii } from './demo-sii.ts';
export { documentOfSale } from './dte.queries.ts';
export { createDteAnnouncer } from './dte-announcer.ts';
export { folioStates } from './folio-alert.queries.ts';
export { checkFolioAlerts, checkFolioAlertsAtStart } from './folio-alert.ts';
export { type CarvedRange, cafKeyMaterial, carveLeaseRange, loadCaf } from './folios.ts';
export { type IssuedDocument, issueTaxDocument } from './issue-document.ts';
