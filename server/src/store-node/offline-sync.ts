import type { OfflineSale, Role, SyncOutcome } from '@erp/shared';
import { checkDocumentTed, flattenTed } from '@erp/sii-core';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { LockedStock } from '../inventory/index.ts';
import { AppError, toErrorPayload } from '../platform/app-error.ts';
import type { Logger } from '../platform/logger.ts';
import type { SecretBox } from '../platform/secrets.ts';
import { type SqlSession, withTenantSql } from '../platform/sql-session.ts';
import { PendingEvents } from '../realtime/pending-events.ts';
import {
  commitSale,
  type OfflineIssue,
  type SaleResultData,
  SELLING_ROLES,
  storeContext,
} from '../sales/index.ts';
import type { HubActor } from './leases.ts';
import {
  adoptRenewedLeases,
  leasesForSales,
  recordOfflineSale,
  type SaleLeaseRow,
  sellingRoles,
  voidLeasedFolio,
} from './store-node.queries.ts';

type Sale = z.output<typeof OfflineSale>;

/**
 * The leased folio and the TED of an offline sale, checked against the document the commit
 * rebuilt: the lease is this hub's and live, of the document's type, and holds the folio; the
 * TED verifies with the lease's CAF key and its DD is exactly what this document gives
 * (RUT, type, folio, date, receiver, total, first item, CAF, time); the totals are the hub's.
 */
function leasedIssue(
  lease: SaleLeaseRow | undefined,
  hub: HubActor,
  sale: Sale,
  issued: () => void,
): OfflineIssue['issue'] {
  return async (document, amounts, stampedAt) => {
    issued();
    if (!lease || lease.device_id !== hub.deviceId) {
      throw new AppError('LEASE_REFUSED', 'El arriendo de folios de esta venta no es de este hub.');
    }
    if (lease.revoked_at) {
      throw new AppError(
        'LEASE_REFUSED',
        'El arriendo de folios de esta venta fue revocado con la credencial del hub.',
      );
    }
    if (lease.doc_type !== sale.docType || document.type !== sale.docType) {
      throw new AppError(
        'LEASE_REFUSED',
        `La venta es un documento tipo ${document.type}; el hub la emitió como tipo ${sale.docType} con un arriendo tipo ${lease.doc_type}.`,
      );
    }
    if (sale.folio < lease.folio_from || sale.folio > lease.folio_to) {
      throw new AppError(
        'LEASE_REFUSED',
        `El folio ${sale.folio} no está en el arriendo de este hub (${lease.folio_from}–${lease.folio_to}).`,
      );
    }
    // Stored and printed as sent: the flat form, the one the signed DTE will carry.
    if (flattenTed(sale.ted) !== sale.ted) {
      throw new AppError(
        'TED_INVALID',
        'El timbre debe enviarse tal como se firmó, sin espacios entre etiquetas.',
      );
    }
    const check = checkDocumentTed(sale.ted, document, sale.folio, amounts, lease.caf_xml, stampedAt);
    if (!check.ok) throw new AppError('TED_INVALID', `Timbre rechazado: ${check.reason}.`);
    const { net, iva, exempt, total } = amounts.totals;
    const fields = {
      docType: document.type,
      folio: sale.folio,
      net: net ?? 0,
      iva: iva ?? 0,
      exempt: exempt ?? 0,
      total,
    };
    const hubTotals = sale.totals;
    if (
      hubTotals.net !== fields.net ||
      hubTotals.iva !== fields.iva ||
      hubTotals.exempt !== fields.exempt ||
      hubTotals.total !== fields.total
    ) {
      throw new AppError('TED_INVALID', 'Los totales del hub no son los del documento timbrado.');
    }
    return { cafId: lease.caf_id, fields: { ...fields, ted: sale.ted } };
  };
}

/**
 * Sales per transaction. Each sale has its savepoint, and PostgreSQL keeps the ids of only 64
 * subtransactions per session where other sessions' snapshots find them; past that, every
 * snapshot taken meanwhile looks them up in pg_subtrans, slower for the whole database.
 */
const SALES_PER_TRANSACTION = 50;

/** What a transaction's sales share, read (and locked) once at its start. */
interface BatchContext {
  /** Each cashier's role in the hub's store (none: does not sell here). */
  roles: ReadonlyMap<string, string>;
  /** The leases the sales name, locked for share, by id. */
  leases: ReadonlyMap<string, SaleLeaseRow>;
  /** The stock rows the sales move, locked. */
  stock: LockedStock;
}

/**
 * Records a hub's batch of offline sales in order, exactly once each (docs/store-node.md#offline-sales):
 * up to 50 sales per transaction, each in a savepoint, so a refused sale is rolled back alone
 * and the others go on. One commit for all of them instead of one per sale; the leases, roles
 * and stock rows the sales need are read and locked once. `committed` gets each transaction's
 * recorded sales' notifications after its commit (a refused sale's are dropped with it).
 */
export async function syncOfflineSales(
  orm: MikroORM,
  box: SecretBox,
  logger: Logger,
  hub: HubActor,
  sales: readonly Sale[],
  committed: (events: readonly PendingEvents[]) => void,
): Promise<SyncOutcome[]> {
  const outcomes: SyncOutcome[] = [];
  for (let at = 0; at < sales.length; at += SALES_PER_TRANSACTION) {
    const part = sales.slice(at, at + SALES_PER_TRANSACTION);
    const synced = await withTenantSql(orm, hub.tenantId, async (sql) => {
      const batch = await prepareBatch(sql, hub, part);
      const done = [];
      for (const sale of part) done.push(await syncOfflineSale(sql, box, logger, hub, batch, sale));
      return done;
    });
    outcomes.push(...synced.map((s) => s.outcome));
    committed(synced.flatMap((s) => (s.events ? [s.events] : [])));
  }
  return outcomes;
}

/**
 * Before a transaction's sales: the leases of the credentials this hub renewed become its own;
 * the role of each cashier who rang them is read (in this store: bound to it, or company-wide);
 * the leases they name are read and locked for share; and the stock rows they move are locked
 * in the ledger's fixed order, as an online sale locks them, so the two never deadlock (each
 * sale then reads them from memory: `LockedStock`).
 */
async function prepareBatch(sql: SqlSession, hub: HubActor, sales: readonly Sale[]): Promise<BatchContext> {
  await adoptRenewedLeases(sql, hub.deviceId);
  const roles = await sellingRoles(
    sql,
    sales.map((s) => s.cashierId),
    hub.storeId,
  );
  const leases = await leasesForSales(
    sql,
    sales.map((s) => s.leaseId),
  );
  const { warehouseId } = await storeContext(sql, hub.tenantId, hub.storeId);
  const stock = await LockedStock.lock(
    sql,
    sales.flatMap((s) => s.sale.lines.map((line) => ({ warehouseId, productId: line.productId }))),
  );
  return { roles, leases: new Map(leases.map((l) => [l.id, l])), stock };
}

const FOLIO_CONSTRAINTS = ['offline_sale_tenant_id_doc_type_folio_key', 'sale_tenant_id_doc_type_folio_key'];

/**
 * Records one offline sale in its savepoint of the batch's transaction: a sale id recorded before
 * (a re-sent batch) answers its stored result; one committed online before answers that sale
 * (`superseded`: the offline folio is voided, to be annulled). Otherwise the sale goes through
 * the online commit with the hub's time, prices, folio and TED (`OfflineIssue`), its folio's use
 * written in the same statement (a folio used twice breaks the unique keys: FOLIO_USED). A
 * refusal rolls back to the savepoint: nothing of the sale stays, the batch goes on.
 */
async function syncOfflineSale(
  sql: SqlSession,
  box: SecretBox,
  logger: Logger,
  hub: HubActor,
  batch: BatchContext,
  sale: Sale,
): Promise<{ outcome: SyncOutcome; events: PendingEvents | null }> {
  const saleId = sale.sale.saleId;
  // Its own events: a refused sale's rolled back and must not be announced.
  const events = new PendingEvents();
  try {
    return await sql.savepoint(async () => {
      const role = batch.roles.get(sale.cashierId);
      if (!role || !(SELLING_ROLES as readonly string[]).includes(role)) {
        throw AppError.forbidden('Quien registró la venta no vende en esta sucursal.');
      }
      // The commit checks the lease only for a sale it records now: one it returns from the
      // idempotency key was recorded before.
      let fresh = false;
      const offline: OfflineIssue = {
        issuedAt: new Date(sale.issuedAt),
        prices: new Map(sale.prices.map((p) => [p.productId, p.unitPrice])),
        issue: leasedIssue(batch.leases.get(sale.leaseId), hub, sale, () => {
          fresh = true;
        }),
        alongside: [
          recordOfflineSale({
            saleId,
            leaseId: sale.leaseId,
            deviceId: hub.deviceId,
            docType: sale.docType,
            folio: sale.folio,
          }),
        ],
        stock: batch.stock,
      };
      const seller = {
        tenantId: hub.tenantId,
        userId: sale.cashierId,
        role: role as Role,
        storeId: hub.storeId,
      };
      const result: SaleResultData = await commitSale(sql, box, seller, sale.sale, events, offline);
      batch.stock.keep();
      if (fresh) return { outcome: { saleId, status: 'recorded', result }, events };
      // Stored before: by an earlier sync of this sale, or ONLINE under another folio. Then the
      // hub's folio was printed on a receipt no document matches: it is voided, to be annulled.
      const ours = result.folio === sale.folio && result.docType === sale.docType;
      if (!ours) await voidLeasedFolio(sql, { ...sale, deviceId: hub.deviceId, saleId });
      return { outcome: { saleId, status: ours ? 'duplicate' : 'superseded', result }, events: null };
    });
  } catch (error) {
    batch.stock.drop();
    const constraint = (error as { constraint?: string }).constraint;
    const refused =
      constraint && FOLIO_CONSTRAINTS.includes(constraint)
        ? new AppError('FOLIO_USED', `El folio ${sale.folio} ya se usó en otra venta.`)
        : error;
    const payload = toErrorPayload(refused);
    if (!(refused instanceof AppError)) {
      logger.error(
        { err: error, tenantId: hub.tenantId, deviceId: hub.deviceId, saleId },
        'offline sale failed',
      );
    } else {
      logger.warn(
        {
          tenantId: hub.tenantId,
          deviceId: hub.deviceId,
          saleId,
          code: payload.code,
          reason: payload.message,
        },
        'offline sale refused',
      );
    }
    return { outcome: { saleId, status: 'refused', error: payload }, events: null };
  }
}
