import type { NodeAuditEntry } from '@erp/shared';
import type { MikroORM } from '@mikro-orm/postgresql';
import { recordAudit } from '../audit/index.ts';
import type { Logger } from '../platform/logger.ts';
import { withTenant } from '../platform/orm.ts';
import type { PendingEvents } from '../realtime/pending-events.ts';
import type { HubActor } from './leases.ts';
import { auditedCommands, sellingRoles, storeTerminalIds } from './store-node.queries.ts';

/**
 * Audits what the hub did offline (docs/store-node.md#offline-audit): each drawer opening as the
 * person logged in at the till, marked as done offline by this store node, once per command id
 * (a re-sent batch records nothing new). An entry naming a till of another store or someone who
 * does not work in this one is not recorded and is logged: the hub cannot make it right by
 * sending it again.
 */
export async function recordNodeAudit(
  orm: MikroORM,
  logger: Logger,
  hub: HubActor,
  entries: readonly NodeAuditEntry[],
  events: PendingEvents,
): Promise<{ recorded: number; duplicates: number; invalid: number }> {
  return withTenant(orm, hub.tenantId, async (em) => {
    const seen = await auditedCommands(
      em,
      entries.map((e) => e.commandId),
    );
    const terminals = await storeTerminalIds(em, hub.storeId);
    const roles = await sellingRoles(
      em,
      entries.map((e) => e.userId),
      hub.storeId,
    );
    const counts = { recorded: 0, duplicates: 0, invalid: 0 };
    for (const entry of entries) {
      if (seen.has(entry.commandId)) {
        counts.duplicates++;
        continue;
      }
      if (!terminals.has(entry.terminalId) || !roles.has(entry.userId)) {
        counts.invalid++;
        logger.warn(
          { tenantId: hub.tenantId, deviceId: hub.deviceId, commandId: entry.commandId },
          'offline drawer opening not audited: not a till or person of this store',
        );
        continue;
      }
      const details = {
        reason: entry.reason,
        commandId: entry.commandId,
        executedAt: entry.at,
        offline: true,
        deviceId: hub.deviceId,
        ...(entry.saleId ? { saleId: entry.saleId } : {}),
      };
      await recordAudit(
        em,
        { userId: entry.userId, storeId: hub.storeId },
        entry.terminalId,
        [{ kind: entry.saleId ? 'drawer_sale' : 'drawer_open', details }],
        events,
      );
      seen.add(entry.commandId);
      counts.recorded++;
    }
    return counts;
  });
}
