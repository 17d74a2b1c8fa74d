import { withTenant } from '../platform/orm.ts';
import { onCommand } from '../realtime/commands.ts';
import type { HandlerRegistrar } from '../realtime/tenant-namespace.ts';
import { mailSettings, saveMailSettings } from './mail-settings.ts';

const BACK_OFFICE = ['owner', 'admin'] as const;

/** Back office: the company's SMTP server for e-mailing documents to their buyers. */
export const registerMailHandlers: HandlerRegistrar = (socket, deps) => {
  const { orm, logger, secrets } = deps;
  const { tenantId } = socket.data;

  onCommand(socket, logger, 'mail:settings', { roles: BACK_OFFICE }, () =>
    withTenant(orm, tenantId, async (em) => ({ settings: await mailSettings(em) })),
  );

  onCommand(socket, logger, 'mail:save-settings', { roles: BACK_OFFICE }, (input) =>
    withTenant(orm, tenantId, (em) => saveMailSettings(em, secrets, tenantId, input)),
  );
};
