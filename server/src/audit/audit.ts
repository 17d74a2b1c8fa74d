import { WALL_AUDIT_KINDS } from '@erp/shared';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { PendingEvents } from '../realtime/pending-events.ts';
import { rooms } from '../realtime/rooms.ts';
import { insertAuditRows } from './audit.queries.ts';

/**
 * The tenant's append-only audit log: voided lines, price overrides, discounts, drawer openings
 * (for a sale, or without one), reprints, returns and refused approval PINs, and the back
 * office's price, settings and user changes. Rows are written in the transaction of the action
 * they record (the serving role may insert and read them, never change them) and streamed to
 * the wall.
 */
export interface AuditInput {
  kind:
    | 'discount'
    | 'price_override'
    | 'line_void'
    | 'drawer_open'
    // The one drawer opening of a cash sale (not on the wall: it is the normal case).
    | 'drawer_sale'
    | 'reprint'
    | 'return'
    // A wrong approval PIN at a till (or a wrong password when setting a PIN).
    | 'approval_refused'
    // A stored customer's blank fields filled in at a till (set values never change).
    | 'customer_complete'
    // A parked ticket dropped at a till, with its lines (rung up, never paid).
    | 'ticket_discard'
    // Back office: a base or store price changed, a CSV import, company settings, a user's access.
    | 'price_change'
    | 'catalog_import'
    | 'settings_change'
    | 'user_change'
    // A merma recorded at a tablet or the back office (inventory).
    | 'write_off'
    // Back office: a promotion saved (with what it now says) or deleted.
    | 'promotion_save'
    | 'promotion_delete'
    // Fiado: a sale charged to a customer account, an abono to one, an account created or edited.
    | 'fiado'
    | 'account_payment'
    | 'account_change'
    // Store node: an offline sale sold at a price other than the central one at that moment, or
    // took a product's stock below zero (recorded anyway: the goods are gone).
    | 'offline_price'
    | 'negative_stock'
    // Store node: a till opened, cash put in or taken out, or a till closed at the hub offline.
    | 'till_offline';
  details: Record<string, unknown>;
}

export interface AuditRow {
  kind: string;
  storeId: string | null;
  terminalId: string | null;
  userId: string;
  details: Record<string, unknown>;
  createdAt: string;
}

export interface AuditActor {
  userId: string;
  storeId: string | null;
}

export function auditRows(
  actor: AuditActor,
  terminalId: string | null,
  entries: readonly AuditInput[],
): AuditRow[] {
  const createdAt = new Date().toISOString();
  return entries.map((e) => ({ ...e, storeId: actor.storeId, terminalId, userId: actor.userId, createdAt }));
}

const WATCHED: ReadonlySet<string> = new Set(WALL_AUDIT_KINDS);

/**
 * Streams written audit rows of the kinds the wall follows to it once the transaction commits;
 * the rest (back office changes, a cash sale's drawer opening) stay in the log only.
 */
export function announceAudit(events: PendingEvents, rows: readonly AuditRow[]): void {
  for (const row of rows) {
    if (WATCHED.has(row.kind)) events.collect([rooms.screen('wall')], 'audit:logged', row);
  }
}

/**
 * Writes audit entries in the caller's transaction and streams them to the wall after commit.
 * The sale and the return write theirs inside their own one statement (`INSERT_AUDIT_SQL`).
 */
export async function recordAudit(
  em: EntityManager,
  actor: AuditActor,
  terminalId: string | null,
  entries: readonly AuditInput[],
  events: PendingEvents,
): Promise<void> {
  const rows = auditRows(actor, terminalId, entries);
  await insertAuditRows(em, rows);
  announceAudit(events, rows);
}
