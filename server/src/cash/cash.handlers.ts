import type { CashSessionView } from '@erp/shared';
import { ALL_ROLES, blindCloseReport, blindSession, SUPERVISOR_ROLES } from '@erp/shared';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { withTenant } from '../platform/orm.ts';
import { onCommand } from '../realtime/commands.ts';
import { rooms } from '../realtime/rooms.ts';
import type { HandlerRegistrar } from '../realtime/tenant-namespace.ts';
import { tenantSettings } from '../tenancy/index.ts';
import {
  type Actor,
  approveClose,
  closeSession,
  currentSession,
  moveCash,
  openSession,
  sessionReport,
} from './cash.service.ts';
import { announceCash } from './cash-announce.ts';

const CASH_ROLES = ['owner', 'admin', 'supervisor', 'cashier'] as const;

export const registerCashHandlers: HandlerRegistrar = (socket, { orm, logger }) => {
  const { tenantId } = socket.data;
  // Only supervisors see what a drawer should hold; everyone else at a till counts blind.
  const seesExpected = SUPERVISOR_ROLES.includes(socket.data.role);
  const tillView = (session: z.infer<typeof CashSessionView>) =>
    seesExpected ? session : blindSession(session);
  const actor = (): Actor => ({
    userId: socket.data.userId,
    role: socket.data.role,
    storeId: socket.data.storeId,
  });
  /** Runs a cash change and reads the drop threshold in the same transaction, then tells the walls. */
  const changeAndAnnounce = async (
    change: (em: EntityManager) => Promise<z.infer<typeof CashSessionView>>,
  ) => {
    const { session, threshold } = await withTenant(orm, tenantId, async (em) => ({
      session: await change(em),
      threshold: (await tenantSettings(em)).cashDropThreshold,
    }));
    announceCash(socket.nsp, [session], threshold);
    return session;
  };

  onCommand(socket, logger, 'cash:open', { roles: CASH_ROLES }, async ({ terminalId, openingFloat }) =>
    tillView(await changeAndAnnounce((em) => openSession(em, actor(), terminalId, openingFloat))),
  );

  onCommand(socket, logger, 'cash:current', { roles: ALL_ROLES }, async ({ terminalId }) => {
    const session = await withTenant(orm, tenantId, (em) => currentSession(em, actor(), terminalId));
    return session && tillView(session);
  });

  onCommand(socket, logger, 'cash:report', { roles: CASH_ROLES }, async ({ sessionId }) =>
    tillView(await withTenant(orm, tenantId, (em) => sessionReport(em, actor(), sessionId))),
  );

  onCommand(socket, logger, 'cash:move', { roles: CASH_ROLES }, async (input) =>
    tillView(await changeAndAnnounce((em) => moveCash(em, actor(), input))),
  );

  onCommand(socket, logger, 'cash:close', { roles: CASH_ROLES }, async (input) => {
    const report = await withTenant(orm, tenantId, (em) => closeSession(em, actor(), input));
    announceCash(socket.nsp, [report.session], 0);
    if (report.session.status === 'pending_approval') {
      socket.nsp.to(rooms.screen('wall')).emit('cash:approval-requested', report);
    }
    return seesExpected ? report : blindCloseReport(report);
  });

  onCommand(socket, logger, 'cash:approve-close', { roles: SUPERVISOR_ROLES }, async ({ sessionId }) => {
    const report = await withTenant(orm, tenantId, (em) => approveClose(em, actor(), sessionId));
    announceCash(socket.nsp, [report.session], 0);
    return report;
  });
};
