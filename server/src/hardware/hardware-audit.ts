import type { EntityManager } from '@mikro-orm/postgresql';
import type { PendingEvents } from '../realtime/pending-events.ts';
import { rooms } from '../realtime/rooms.ts';
import { type AuditInput, auditRows, INSERT_AUDIT_SQL } from '../sales/audit.ts';

/** Writes audit entries in the caller's transaction and streams them to the wall after commit. */
export async function recordAudit(
  em: EntityManager,
  actor: { userId: string; storeId: string | null },
  terminalId: string | null,
  entries: readonly AuditInput[],
  events: PendingEvents,
): Promise<void> {
  const rows = auditRows(actor, terminalId, entries);
  await em.execute(`with a as (${INSERT_AUDIT_SQL}) select 1`, [JSON.stringify(rows)]);
  for (const row of rows) events.collect([rooms.screen('wall')], 'audit:logged', row);
}
