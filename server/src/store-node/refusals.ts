import type { OfflineSale, SyncOutcome } from '@erp/shared';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { withTenantSql } from '../platform/sql-session.ts';
import type { HubActor } from './leases.ts';
import { type OfflineRefusal, recordRefusals } from './store-node.queries.ts';

/** A refusal that may pass by itself: the hub sends the sale again, nothing to show a person. */
const TRANSIENT = new Set(['INTERNAL', 'RATE_LIMITED']);

/**
 * Keeps the offline sales this batch refused for good, for the back office: their boletas were
 * handed to buyers and no document will carry their folios. In its own transaction, after the
 * batch: a sale's refusal rolled its own work back.
 */
export async function keepRefusedSales(
  orm: MikroORM,
  hub: HubActor,
  sales: readonly z.output<typeof OfflineSale>[],
  outcomes: readonly SyncOutcome[],
): Promise<void> {
  const bySaleId = new Map(sales.map((s) => [s.sale.saleId, s]));
  const refusals: OfflineRefusal[] = [];
  for (const outcome of outcomes) {
    if (outcome.status !== 'refused' || TRANSIENT.has(outcome.error.code)) continue;
    const sale = bySaleId.get(outcome.saleId);
    if (!sale) continue;
    refusals.push({
      saleId: outcome.saleId,
      leaseId: sale.leaseId,
      docType: sale.docType,
      folio: sale.folio,
      total: sale.totals.total,
      cashierId: sale.cashierId,
      issuedAt: sale.issuedAt,
      code: outcome.error.code,
      message: outcome.error.message,
    });
  }
  if (refusals.length === 0) return;
  await withTenantSql(orm, hub.tenantId, (sql) => recordRefusals(sql, hub, refusals));
}
