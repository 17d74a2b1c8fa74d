import type { OfflineSale, Role, SyncOutcome } from '@erp/shared';
import { checkDocumentTed, flattenTed } from '@erp/sii-core';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { AppError, toErrorPayload } from '../platform/app-error.ts';
import type { Logger } from '../platform/logger.ts';
import type { SecretBox } from '../platform/secrets.ts';
import { type SqlExecutor, withTenantSql } from '../platform/sql-session.ts';
import { PendingEvents } from '../realtime/pending-events.ts';
import { commitSale, type OfflineIssue, type SaleResultData, SELLING_ROLES } from '../sales/index.ts';
import type { HubActor } from './leases.ts';
import {
  adoptRenewedLeases,
  leaseForSale,
  recordOfflineSale,
  sellingRole,
  voidLeasedFolio,
} from './store-node.queries.ts';

type Sale = z.output<typeof OfflineSale>;

/**
 * The leased folio and the TED of an offline sale, checked against the document the commit
 * rebuilt: the lease is this hub's and live, of the document's type, and holds the folio; the
 * TED verifies with the lease's CAF key and its DD is exactly what this document gives
 * (RUT, type, folio, date, receiver, total, first item, CAF, time); the totals are the hub's.
 */
function leasedIssue(em: SqlExecutor, hub: HubActor, sale: Sale, issued: () => void): OfflineIssue['issue'] {
  return async (document, amounts, stampedAt) => {
    issued();
    const lease = await leaseForSale(em, sale.leaseId);
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

const FOLIO_CONSTRAINTS = ['offline_sale_tenant_id_doc_type_folio_key', 'sale_tenant_id_doc_type_folio_key'];

/**
 * Records one offline sale in its own transaction, exactly once: a sale id recorded before (a
 * re-sent batch) answers its stored result; one committed online before answers that sale
 * (`superseded`: the offline folio stays unused). Otherwise the sale goes through the online
 * commit with the hub's time, prices, folio and TED (`OfflineIssue`), its folio's use written in
 * the same statement (a folio used twice breaks the unique keys: FOLIO_USED).
 */
/** Who may have rung the batch's sales: each cashier's role in the hub's store (read once per batch). */
export type SellingRoles = ReadonlyMap<string, string | undefined>;

export async function syncOfflineSale(
  orm: MikroORM,
  box: SecretBox,
  logger: Logger,
  hub: HubActor,
  roles: SellingRoles,
  sale: Sale,
): Promise<{ outcome: SyncOutcome; events: PendingEvents | null }> {
  const saleId = sale.sale.saleId;
  // Its own events: a refused sale's rolled back and must not be announced.
  const events = new PendingEvents();
  try {
    // The commit checks the lease only for a sale it records now: one it returns from the
    // idempotency key was recorded before.
    let fresh = false;
    const result = await withTenantSql(orm, hub.tenantId, async (em) => {
      const role = roles.get(sale.cashierId);
      if (!role || !(SELLING_ROLES as readonly string[]).includes(role)) {
        throw AppError.forbidden('Quien registró la venta no vende en esta sucursal.');
      }
      const offline: OfflineIssue = {
        issuedAt: new Date(sale.issuedAt),
        prices: new Map(sale.prices.map((p) => [p.productId, p.unitPrice])),
        issue: leasedIssue(em, hub, sale, () => {
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
      };
      const seller = {
        tenantId: hub.tenantId,
        userId: sale.cashierId,
        role: role as Role,
        storeId: hub.storeId,
      };
      const committed: SaleResultData = await commitSale(em, box, seller, sale.sale, events, offline);
      return committed;
    });
    if (fresh) return { outcome: { saleId, status: 'recorded', result }, events };
    // Stored before: by an earlier sync of this sale, or ONLINE under another folio. Then the
    // hub's folio was printed on a receipt no document matches: it is voided, to be annulled.
    const ours = result.folio === sale.folio && result.docType === sale.docType;
    if (!ours) {
      await withTenantSql(orm, hub.tenantId, (em) =>
        voidLeasedFolio(em, { ...sale, deviceId: hub.deviceId, saleId }),
      );
    }
    return { outcome: { saleId, status: ours ? 'duplicate' : 'superseded', result }, events: null };
  } catch (error) {
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

/**
 * Before a batch: the leases of the credentials this hub renewed become its own, and the role of
 * each cashier who rang its sales is read (in this store: bound to it, or company-wide).
 */
export function prepareBatch(orm: MikroORM, hub: HubActor, sales: readonly Sale[]): Promise<SellingRoles> {
  return withTenantSql(orm, hub.tenantId, async (em) => {
    await adoptRenewedLeases(em, hub.deviceId);
    const roles = new Map<string, string | undefined>();
    for (const userId of new Set(sales.map((s) => s.cashierId))) {
      roles.set(userId, await sellingRole(em, userId, hub.storeId));
    }
    return roles;
  });
}
