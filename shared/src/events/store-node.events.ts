/**
 * The store node (offline-first store): folio leases for a store's hub, the synchronisation of
 * the sales it took while the central server could not be reached, and each store's node state
 * (docs/store-node.md).
 *
 * Hub → server commands (hub credential, `screen: 'hub'`):
 * - `node:lease`: the hub's live leases, refilled (a new lease) for each document type whose
 *   folios left fell to half a lease or less. Every answer carries every live lease with its CAF
 *   and the CAF's private key sealed to the hub's X25519 key (`@erp/sii-core`'s `openSealed`
 *   with `leaseSealContext`). The first key sent binds to the credential; another one later is
 *   HUB_KEY_MISMATCH until the credential is renewed (the renewed credential binds anew).
 * - `node:sync`: offline sales in the order they were taken, at most 100 per batch; each is
 *   answered on its own. A repeat (same sale id) answers the stored result, so a batch may be
 *   re-sent whole after a dropped connection.
 * - `node:status`: since when the hub has been cut off and how many sales wait.
 */
import { z } from 'zod';
import { TenantSettings } from '../settings.ts';
import { command } from './define.ts';
import { Pesos, Timestamp, Uuid } from './primitives.ts';
import { PromotionView } from './promotions.events.ts';
import { SaleCommit, SaleResult } from './sales.events.ts';

/** The document types a store may lease: boleta 39, boleta exenta 41, factura 33 (optional per store). */
export const LEASE_DOC_TYPES = [39, 41, 33] as const;
export type LeaseDocType = (typeof LEASE_DOC_TYPES)[number];

/** Folios per lease when a store has no setting of its own; 0 leases none of that type. */
export const DEFAULT_LEASE_SIZES: Readonly<Record<LeaseDocType, number>> = { 39: 2000, 41: 200, 33: 0 };
/** A lease never holds more than this many folios. */
export const MAX_LEASE_SIZE = 50_000;

const LeaseSize = z.number().int().min(0).max(MAX_LEASE_SIZE);
export const LeaseSizes = z.object({ 39: LeaseSize.min(1), 41: LeaseSize.min(1), 33: LeaseSize }).strict();

/** An X25519 public key, raw 32 bytes in base64 (`generateLeaseKeyPair().publicKey`). */
export const HubPublicKey = z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'Llave X25519 en base64');

/** `sealToHub`'s output: open it with `openSealed(sealed, privateKeyPem, leaseSealContext(...))`. */
export const SealedSecret = z.object({
  alg: z.literal('X25519-HKDF-SHA256-A256GCM'),
  epk: z.string(),
  salt: z.string(),
  iv: z.string(),
  ct: z.string(),
  tag: z.string(),
});

export const LeaseRequest = z
  .object({
    publicKey: HubPublicKey,
    /**
     * The next folio the hub would take from each lease it holds, sales not yet synchronised
     * included: the refill counts them as used.
     */
    cursors: z
      .array(z.object({ leaseId: Uuid, nextFolio: z.number().int().positive() }).strict())
      .max(100)
      .default([]),
  })
  .strict();

export const LeaseGrant = z.object({
  leaseId: Uuid,
  docType: z.literal(LEASE_DOC_TYPES),
  /** The folios `from`..`to` (inclusive), all inside one CAF. */
  from: z.number().int().positive(),
  to: z.number().int().positive(),
  cafId: Uuid,
  /** The `<CAF version="1.0">…</CAF>` element as stored (it goes unchanged into the TED's DD). */
  cafXml: z.string(),
  /** The CAF's RSASK (PKCS#1 PEM) sealed to the hub; context `leaseSealContext({tenantId, deviceId, leaseId})`. */
  sealedKey: SealedSecret,
  grantedAt: Timestamp,
  /** Folios of this lease the server has recorded sales for. */
  used: z.number().int().nonnegative(),
});
export type LeaseGrant = z.output<typeof LeaseGrant>;

/**
 * What the hub needs besides its catalog replica to sell offline as the server would: the issuer
 * of the store's documents, the settings the sale rules read (discount limits, the UF of the
 * 135 UF rule), and the store's promotions not ended (each runs by its own days and hours).
 */
export const NodeStoreContext = z.object({
  issuer: z.object({
    rut: z.string(),
    razonSocial: z.string(),
    giro: z.string(),
    address: z.string(),
    comuna: z.string(),
    acteco: z.number().int(),
    resolutionNumber: z.number().int(),
    resolutionDate: z.string(),
    siiBranchCode: z.number().int().nullable(),
    storeAddress: z.string(),
    storeComuna: z.string(),
  }),
  settings: TenantSettings.pick({ uf: true, discountLimitPercent: true }),
  promotions: z.array(PromotionView),
});

export const LeaseAnswer = z.object({
  tenantId: Uuid,
  deviceId: Uuid,
  storeId: Uuid,
  /** Read with every lease answer, so the hub's copy is as fresh as its last connection. */
  store: NodeStoreContext,
  /** Every live lease of this hub, oldest first; a lease missing from here was revoked. */
  leases: z.array(LeaseGrant),
  sizes: LeaseSizes,
});

/** Unit price (IVA included) the hub's catalog replica gave a product when it sold it. */
export const OfflinePrice = z.object({ productId: Uuid, unitPrice: Pesos }).strict();

/**
 * One sale the hub took offline: the POS's `sale:commit` payload exactly as it came (same sale
 * id; no fiado and no approvals: the hub cannot check either offline), who rang it, and what the
 * hub decided. The server rebuilds the document from these with the hub's prices, the
 * promotions in force at `issuedAt` and the same code the online sale uses; the TED must be
 * the one that document gives (same DD), signed with the lease's CAF key.
 */
export const OfflineSale = z
  .object({
    sale: SaleCommit,
    /** The person logged in at the till (a membership of the company in this store). */
    cashierId: Uuid,
    leaseId: Uuid,
    docType: z.literal(LEASE_DOC_TYPES),
    folio: z.number().int().positive(),
    /** When the hub stamped it; TSTED is this instant in Chile time (`chileTimestamp`). */
    issuedAt: Timestamp,
    prices: z.array(OfflinePrice).min(1).max(1000),
    /** The flattened `<TED version="1.0">…</TED>` as stamped and printed. */
    ted: z.string().min(1).max(8000),
    totals: z.object({ net: Pesos, iva: Pesos, exempt: Pesos, total: Pesos }).strict(),
  })
  .strict()
  .refine((s) => s.sale.payments.every((p) => p.method !== 'fiado'), {
    message: 'Una venta sin conexión no puede ser fiado.',
    path: ['sale', 'payments'],
  });
export type OfflineSale = z.input<typeof OfflineSale>;

export const SyncBatch = z.object({ sales: z.array(OfflineSale).min(1).max(100) }).strict();

/**
 * What became of one offline sale. `recorded`: stored now. `duplicate`: stored before (a re-sent
 * batch), `result` as first answered. `superseded`: the sale id was already committed ONLINE
 * with another folio (its ack was lost before the hub took over): the offline folio stays
 * unused and is listed for anulación. `refused`: not stored, with the reason; the hub keeps it.
 */
export const SyncOutcome = z.discriminatedUnion('status', [
  z.object({ saleId: Uuid, status: z.literal(['recorded', 'duplicate', 'superseded']), result: SaleResult }),
  z.object({
    saleId: Uuid,
    status: z.literal('refused'),
    error: z.object({ code: z.string(), message: z.string() }),
  }),
]);
export type SyncOutcome = z.output<typeof SyncOutcome>;

export const SyncAnswer = z.object({ outcomes: z.array(SyncOutcome) });

export const NodeStatusReport = z
  .object({
    /** When the hub lost the central server; null while it is connected. */
    offlineSince: Timestamp.nullable(),
    /** Offline sales not yet acknowledged by `node:sync`. */
    pending: z.number().int().nonnegative(),
  })
  .strict();

// ─── Screens ──────────────────────────────────────────────────────────────────────────────────

/** A store's node as the wall and back office show it: "sin conexión desde HH:MM, N ventas por sincronizar". */
export const StoreNodeState = z.object({
  storeId: Uuid,
  /** A hub of the store is connected to the central server now. */
  hubOnline: z.boolean(),
  /** Since when the store is cut off: the hub's report, else when its socket dropped; null when online. */
  offlineSince: Timestamp.nullable(),
  /** Offline sales waiting, as last reported by the hub. */
  pending: z.number().int().nonnegative(),
  reportedAt: Timestamp.nullable(),
});
export type StoreNodeState = z.output<typeof StoreNodeState>;

export const LeaseView = z.object({
  leaseId: Uuid,
  storeId: Uuid,
  deviceId: Uuid,
  docType: z.number().int(),
  from: z.number().int(),
  to: z.number().int(),
  grantedAt: Timestamp,
  revokedAt: Timestamp.nullable(),
  /** Folios with a synchronised sale. */
  used: z.number().int().nonnegative(),
  unused: z.number().int().nonnegative(),
});

/**
 * A run of consecutive leased folios no document will carry, to annul at the SII: `revoked`, of a
 * revoked lease and used by no recorded sale; `superseded`, printed by the hub on a sale the
 * server had already committed online under another folio; `refused`, printed by the hub on an
 * offline sale the server refused at synchronisation (listed in `refused`).
 */
export const UnusedFolioRange = z.object({
  leaseId: Uuid,
  storeId: Uuid,
  docType: z.number().int(),
  from: z.number().int(),
  to: z.number().int(),
  count: z.number().int().positive(),
  reason: z.enum(['revoked', 'superseded', 'refused']),
  revokedAt: Timestamp.nullable(),
});

/**
 * An offline sale the server refused at synchronisation: its boleta was printed and handed to the
 * buyer, but no document will reach the SII under its folio. Listed until a sale with its id is
 * recorded.
 */
export const RefusedOfflineSale = z.object({
  saleId: Uuid,
  storeId: Uuid,
  docType: z.number().int(),
  folio: z.number().int(),
  total: z.number().int(),
  cashierName: z.string().nullable(),
  issuedAt: Timestamp,
  code: z.string(),
  message: z.string(),
  refusedAt: Timestamp,
});

export const StoreLeaseSettings = z.object({ storeId: Uuid, sizes: LeaseSizes });

/**
 * What the hub did offline that the server audits when it is back (docs/store-node.md#offline-audit):
 * a cash drawer opened by the hub itself, by whom, at which till, why and when.
 */
export const NodeAuditEntry = z
  .object({
    kind: z.literal('drawer_open'),
    /** The kick's command id: the idempotency key. */
    commandId: Uuid,
    userId: Uuid,
    terminalId: Uuid,
    reason: z.enum(['sale', 'no_sale', 'cash_count']),
    saleId: Uuid.optional(),
    at: Timestamp,
  })
  .strict();
export type NodeAuditEntry = z.output<typeof NodeAuditEntry>;

/** `recorded` now; `duplicates` recorded before (a re-sent batch); `invalid` not of this store. */
export const NodeAuditAnswer = z.object({
  recorded: z.number().int().nonnegative(),
  duplicates: z.number().int().nonnegative(),
  invalid: z.number().int().nonnegative(),
});

export const storeNodeCommands = {
  'node:audit': command(
    z.object({ entries: z.array(NodeAuditEntry).min(1).max(200) }).strict(),
    NodeAuditAnswer,
  ),
  'node:lease': command(LeaseRequest, LeaseAnswer),
  'node:sync': command(SyncBatch, SyncAnswer),
  'node:status': command(NodeStatusReport, z.object({})),
};

export const storeNodeScreenCommands = {
  'store-node:states': command(z.object({}).strict(), z.object({ stores: z.array(StoreNodeState) })),
  'folio-lease:list': command(
    z.object({ storeId: Uuid.optional() }).strict(),
    z.object({ leases: z.array(LeaseView) }),
  ),
  /**
   * Leased folios no document will carry (revoked leases, superseded and refused sales), the
   * refused offline sales, and what to do at the SII.
   */
  'folio-lease:unused': command(
    z.object({ storeId: Uuid.optional() }).strict(),
    z.object({
      ranges: z.array(UnusedFolioRange),
      refused: z.array(RefusedOfflineSale),
      instructions: z.string(),
    }),
  ),
  'folio-lease:settings': command(
    z.object({}).strict(),
    z.object({ stores: z.array(StoreLeaseSettings), defaults: LeaseSizes }),
  ),
  'folio-lease:save-settings': command(StoreLeaseSettings.strict(), StoreLeaseSettings),
};

export const storeNodeNotifications = {
  'store-node:state': StoreNodeState,
};
