import { ADMIN_ROLES } from '@erp/shared';
import { HEAVY_READ_COST, onCommand, WHOLE_READ_COST } from '../realtime/commands.ts';
import type { HandlerRegistrar } from '../realtime/tenant-namespace.ts';
import { salesReport } from './reports.service.ts';
import { salesReportCsv } from './reports-csv.ts';
import { writeOffReport } from './write-off-report.service.ts';
import { writeOffReportCsv } from './write-off-report-csv.ts';

/**
 * Sales and mermas reports show costs and margins: the owner's and admins' business, not the
 * floor's. They aggregate a period's sale lines or mermas, so they run as heavy reads: on their
 * own pool (a burst of reports never takes the connections sales use), in the tenant's turn.
 */
export const registerReportHandlers: HandlerRegistrar = (socket, { logger, heavy }) => {
  const { tenantId } = socket.data;

  onCommand(
    socket,
    logger,
    'report:sales',
    { roles: ADMIN_ROLES, cost: HEAVY_READ_COST },
    ({ offset, limit, ...query }) => heavy.read(tenantId, (em) => salesReport(em, query, { offset, limit })),
  );
  // The CSV is built in the turn too: for a long period it is the larger part of the work.
  onCommand(socket, logger, 'report:csv', { roles: ADMIN_ROLES, cost: WHOLE_READ_COST }, (query) =>
    heavy.read(tenantId, async (em) => salesReportCsv(query, await salesReport(em, query, null))),
  );
  onCommand(
    socket,
    logger,
    'report:write-offs',
    { roles: ADMIN_ROLES, cost: HEAVY_READ_COST },
    ({ offset, limit, ...query }) =>
      heavy.read(tenantId, (em) => writeOffReport(em, query, { offset, limit })),
  );
  onCommand(socket, logger, 'report:write-offs-csv', { roles: ADMIN_ROLES, cost: WHOLE_READ_COST }, (query) =>
    heavy.read(tenantId, async (em) => writeOffReportCsv(query, await writeOffReport(em, query, null))),
  );
};
