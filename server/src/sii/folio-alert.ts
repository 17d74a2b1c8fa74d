import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../platform/logger.ts';
import { withTenant } from '../platform/orm.ts';
import type { SqlExecutor } from '../platform/sql-session.ts';
import type { PendingEvents } from '../realtime/pending-events.ts';
import { rooms } from '../realtime/rooms.ts';
import { tenantSettings } from '../tenancy/index.ts';
import { evaluateFolioAlerts, staleFolioAlertTenants } from './folio-alert.queries.ts';

/**
 * Tells the back offices and walls that a document type's low-folio state changed: `folio:low`,
 * the alert, once per crossing under the tenant's threshold (folios left in CAFs in force), or
 * `folio:restored` when a check lifts it. The state lives in `folio_alert`, so every server
 * process and a restarted one agree on it; screens read it on load (`folioStates`).
 */
export function announceFolioState(
  events: PendingEvents,
  event: 'folio:low' | 'folio:restored',
  docType: number,
  remaining: number,
): void {
  for (const screen of ['backoffice', 'wall'] as const) {
    events.push(rooms.screen(screen), event, { docType, remaining });
  }
}

/**
 * Compares every document type's folios left with the tenant's current threshold, in the
 * caller's unit of work, after anything that moves either besides a folio take (a CAF stored, the
 * threshold saved): a type it takes under the threshold is announced, one lifted above it (a
 * refill, a lower threshold) is announced as restored, so screens drop the warning, and may
 * alert again on a later crossing.
 */
export async function checkFolioAlerts(em: SqlExecutor, events: PendingEvents): Promise<void> {
  const { lowFolioThreshold } = await tenantSettings(em);
  for (const change of await evaluateFolioAlerts(em, lowFolioThreshold)) {
    if (change.crossed) announceFolioState(events, 'folio:low', change.docType, change.remaining);
    if (change.lifted) announceFolioState(events, 'folio:restored', change.docType, change.remaining);
  }
}

/**
 * At server start, the tenants whose state may be out of date (a CAF expired while nothing
 * checked, or CAFs older than the state) are checked. Nothing is announced live: this server has
 * no screens yet, and the screens of other servers read the state when they next load. A state
 * already recorded stays as it is, so a restart never repeats an alert.
 */
export async function checkFolioAlertsAtStart(orm: MikroORM, logger: Logger): Promise<void> {
  const tenants = await staleFolioAlertTenants(orm.em.fork());
  for (const tenantId of tenants) {
    const changes = await withTenant(orm, tenantId, async (em) =>
      evaluateFolioAlerts(em, (await tenantSettings(em)).lowFolioThreshold),
    );
    const crossed = changes.filter((c) => c.crossed).map((c) => c.docType);
    if (crossed.length > 0) logger.warn({ tenantId, docTypes: crossed }, 'low folios found at start');
  }
}
