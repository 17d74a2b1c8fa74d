/**
 * The catalog's front door: what other domains, the app, scripts and tests use from it. Only
 * re-exports, so importing it runs nothing.
 */
export { registerCatalogHandlers } from './catalog.handlers.ts';
export { registerCatalogRoutes } from './catalog.routes.ts';
export { type ProductWrite, upsertProducts } from './catalog.service.ts';
export { parseCsv } from './csv.ts';
export { demoProducts, seedDemoCatalog, seedDemoCatalogs } from './demo-catalog.ts';
export { setLabelRules } from './scale-labels.service.ts';
export { createDemoProducts, createProducts } from './test-products.ts';
