import { randomUUID } from 'node:crypto';
import {
  chileMoment,
  DEFAULT_LEASE_SIZES,
  LEASE_DOC_TYPES,
  type LeaseAnswer,
  type LeaseDocType,
  type LeaseRequest,
  type LeaseSizes,
  type LeaseView,
  type NodeStoreContext,
} from '@erp/shared';
import { leaseSealContext, sealToHub } from '@erp/sii-core';
import type { z } from 'zod';
import { AppError } from '../platform/app-error.ts';
import { isoTime } from '../platform/rows.ts';
import type { SecretBox } from '../platform/secrets.ts';
import type { SqlExecutor } from '../platform/sql-session.ts';
import { storePromotions } from '../promotions/index.ts';
import type { PendingEvents } from '../realtime/pending-events.ts';
import { storeContext } from '../sales/index.ts';
import { cafKeyMaterial, carveLeaseRange } from '../sii/index.ts';
import {
  adoptRenewedLeases,
  bindSealKey,
  foliosToAnnul,
  insertLease,
  type LeaseRow,
  leaseSettingRows,
  listLeases,
  liveLeasesOf,
  refusedOfflineSales,
  revokeLeases,
  saveLeaseSize,
  storeIds,
} from './store-node.queries.ts';

/** The hub a command comes from (its socket's handshake). */
export interface HubActor {
  tenantId: string;
  deviceId: string;
  storeId: string;
}

type Sizes = z.output<typeof LeaseSizes>;

/** A store's lease sizes: its own settings over the defaults. */
export async function leaseSizes(em: SqlExecutor, storeId: string): Promise<Sizes> {
  const sizes: Sizes = { ...DEFAULT_LEASE_SIZES };
  for (const row of await leaseSettingRows(em, storeId)) sizes[row.doc_type as LeaseDocType] = row.size;
  return sizes;
}

/**
 * Folios of a lease still free as far as the server knows: past both the recorded sales and the
 * hub's own cursor (sales it took and has not synchronised yet).
 */
function leftIn(lease: LeaseRow, cursors: ReadonlyMap<string, number>): number {
  const total = lease.folio_to - lease.folio_from + 1;
  const cursor = cursors.get(lease.id);
  const byCursor = cursor === undefined ? total : Math.max(0, lease.folio_to - cursor + 1);
  return Math.max(0, Math.min(total - lease.used, byCursor));
}

/** A hub's live leases with what sealing them needs, read in the tenant transaction. */
export interface GrantedLeases {
  leases: LeaseRow[];
  keys: Map<string, { cafXml: string; privateKeyPem: string }>;
  sizes: Sizes;
  store: z.input<typeof NodeStoreContext>;
}

/**
 * A hub's leases, refilled, in the caller's transaction: binds its sealing key on first use
 * (another key later is refused until the credential is renewed), adopts the leases of the
 * credentials it renewed, and for each document type the store leases whose free folios are down
 * to half a lease or less, carves a new lease from the folio counter (docs/store-node.md#leases).
 * Returns every live lease with its CAF's key material: `sealLeases` seals them after commit, so
 * the counter's row lock is not held for the cryptography.
 */
export async function grantLeases(
  em: SqlExecutor,
  box: SecretBox,
  hub: HubActor,
  request: z.output<typeof LeaseRequest>,
  events: PendingEvents,
): Promise<GrantedLeases> {
  const bound = await bindSealKey(em, hub.deviceId, request.publicKey);
  if (bound === null) throw new AppError('TOKEN_REVOKED', 'La credencial de este hub fue revocada.');
  if (bound !== request.publicKey) throw new AppError('HUB_KEY_MISMATCH');
  await adoptRenewedLeases(em, hub.deviceId);
  const sizes = await leaseSizes(em, hub.storeId);
  const cursors = new Map(request.cursors.map((c) => [c.leaseId, c.nextFolio]));
  let leases = await liveLeasesOf(em, hub.deviceId);
  let granted = false;
  for (const docType of LEASE_DOC_TYPES) {
    const size = sizes[docType];
    if (size === 0) continue;
    const left = leases.filter((l) => l.doc_type === docType).reduce((sum, l) => sum + leftIn(l, cursors), 0);
    if (left > size / 2) continue;
    const range = await carveLeaseRange(em, docType, size, events);
    if (!range) continue; // no CAF with folios: the hub sells what it has left; the wall shows the folio alert
    await insertLease(em, {
      id: randomUUID(),
      storeId: hub.storeId,
      deviceId: hub.deviceId,
      docType,
      ...range,
    });
    granted = true;
  }
  if (granted) leases = await liveLeasesOf(em, hub.deviceId);
  const keys = new Map<string, { cafXml: string; privateKeyPem: string }>();
  for (const lease of leases) {
    if (!keys.has(lease.caf_id))
      keys.set(lease.caf_id, await cafKeyMaterial(em, box, hub.tenantId, lease.caf_id));
  }
  return { leases, keys, sizes, store: await nodeStoreContext(em, hub) };
}

/**
 * What the hub sells offline with besides its catalog replica: the issuer, the settings the sale
 * rules read and the store's promotions not ended as of today (Chile).
 */
async function nodeStoreContext(em: SqlExecutor, hub: HubActor): Promise<z.input<typeof NodeStoreContext>> {
  const context = await storeContext(em, hub.tenantId, hub.storeId);
  const promotions = await storePromotions(em, hub.storeId, chileMoment(new Date()).date);
  return {
    issuer: context.issuer,
    settings: { uf: context.settings.uf, discountLimitPercent: context.settings.discountLimitPercent },
    promotions,
  };
}

/** The lease answer: each lease with its CAF and the CAF key sealed to the hub's key for that lease. */
export function sealLeases(
  granted: GrantedLeases,
  hub: HubActor,
  publicKey: string,
): z.input<typeof LeaseAnswer> {
  return {
    tenantId: hub.tenantId,
    deviceId: hub.deviceId,
    storeId: hub.storeId,
    sizes: granted.sizes,
    store: granted.store,
    leases: granted.leases.map((lease) => {
      const key = granted.keys.get(lease.caf_id)!;
      return {
        leaseId: lease.id,
        docType: lease.doc_type as LeaseDocType,
        from: lease.folio_from,
        to: lease.folio_to,
        cafId: lease.caf_id,
        cafXml: key.cafXml,
        sealedKey: sealToHub(
          key.privateKeyPem,
          publicKey,
          leaseSealContext({ tenantId: hub.tenantId, deviceId: hub.deviceId, leaseId: lease.id }),
        ),
        grantedAt: isoTime(lease.granted_at),
        used: lease.used,
      };
    }),
  };
}

/** A revoked hub credential takes its leases with it (and those of the credentials it renewed). */
export function revokeHubLeases(em: SqlExecutor, deviceId: string): Promise<string[]> {
  return revokeLeases(em, deviceId);
}

export async function leaseViews(
  em: SqlExecutor,
  storeId: string | null,
): Promise<z.input<typeof LeaseView>[]> {
  return (await listLeases(em, storeId)).map((l) => ({
    leaseId: l.id,
    storeId: l.store_id,
    deviceId: l.device_id,
    docType: l.doc_type,
    from: l.folio_from,
    to: l.folio_to,
    grantedAt: isoTime(l.granted_at),
    revokedAt: l.revoked_at ? isoTime(l.revoked_at) : null,
    used: l.used,
    unused: l.folio_to - l.folio_from + 1 - l.used,
  }));
}

/** What the admin does with the unused folios of a revoked lease (docs/sii-rules.md#caf). */
export const ANNULMENT_INSTRUCTIONS =
  'Estos folios se entregaron a un hub cuya credencial fue revocada y ninguna venta sincronizada los usó, ' +
  'o el hub los imprimió en una venta que la central ya había registrado con otro folio (reemplazados), ' +
  'o en una venta sin conexión que la central rechazó (rechazados, detallados abajo). ' +
  'Antes de anularlos, revise si el hub guardó ventas sin sincronizar con alguno de ellos (esas boletas ya se entregaron al cliente: ' +
  'no anule esos folios). Luego anule los demás en sii.cl → Servicios online → Factura electrónica → Sistema de facturación de mercado → ' +
  'Anulación de folios, indicando el tipo de documento y cada rango (desde–hasta). Un folio anulado no se vuelve a usar. ' +
  'Una venta rechazada sí ocurrió (el cliente se llevó los productos y la boleta): corrija el motivo y regístrela de nuevo ' +
  'en línea para declarar el ingreso y descontar el stock.';

export async function unusedFolios(em: SqlExecutor, storeId: string | null) {
  const rows = await foliosToAnnul(em, storeId);
  const refused = await refusedOfflineSales(em, storeId);
  return {
    ranges: rows.map((r) => ({
      leaseId: r.lease_id,
      storeId: r.store_id,
      docType: r.doc_type,
      from: r.folio_from,
      to: r.folio_to,
      count: r.folio_to - r.folio_from + 1,
      reason: r.reason,
      revokedAt: r.revoked_at ? isoTime(r.revoked_at) : null,
    })),
    refused: refused.map((r) => ({
      saleId: r.sale_id,
      storeId: r.store_id,
      docType: r.doc_type,
      folio: r.folio,
      total: r.total,
      cashierName: r.cashier_name,
      issuedAt: isoTime(r.issued_at),
      code: r.code,
      message: r.message,
      refusedAt: isoTime(r.last_refused_at),
    })),
    instructions: ANNULMENT_INSTRUCTIONS,
  };
}

export async function leaseSettings(em: SqlExecutor) {
  const stores = await storeIds(em);
  const rows = await leaseSettingRows(em, null);
  return {
    stores: stores.map((storeId) => {
      const sizes: Sizes = { ...DEFAULT_LEASE_SIZES };
      for (const row of rows) if (row.store_id === storeId) sizes[row.doc_type as LeaseDocType] = row.size;
      return { storeId, sizes };
    }),
    defaults: { ...DEFAULT_LEASE_SIZES },
  };
}

export async function saveLeaseSettings(em: SqlExecutor, storeId: string, sizes: Sizes) {
  if (!(await storeIds(em)).includes(storeId)) throw AppError.notFound('la sucursal');
  for (const docType of LEASE_DOC_TYPES) await saveLeaseSize(em, storeId, docType, sizes[docType]);
  return { storeId, sizes };
}
