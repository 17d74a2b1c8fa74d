/** The reporting domain's front door: report and wall handlers, and the wall refresh after a commit. */
export { registerReportHandlers } from './reports.handlers.ts';
export { registerWallHandlers } from './wall.handlers.ts';
export { storeSalesChanged } from './wall-feed.ts';
