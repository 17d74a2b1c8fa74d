/**
 * Inventory contract: stock per product × warehouse with its weighted average cost (PPP), the
 * movement ledger, transfers and collaborative counts. Quantities (3 decimals) and costs
 * (6 decimals) travel as decimal text, never as floats. Costs reach only COST_ROLES (see
 * roles.ts): where a till may read or hear the same thing, the cost fields are optional and
 * absent for it.
 */
import { z } from 'zod';
import { command } from './define.ts';
import { Quantity, QuantityOrZero, SignedQuantity, Uuid } from './primitives.ts';
import { WRITE_OFF_REASONS } from './write-off.events.ts';

/** Net unit cost with up to 6 decimals. */
export const UnitCost = z.string().regex(/^\d{1,13}(\.\d{1,6})?$/, 'Costo con hasta 6 decimales');

export const MOVEMENT_KINDS = [
  'sale',
  'return',
  'receipt',
  'adjustment',
  'transfer_out',
  'transfer_in',
  'count_adjustment',
  // A merma (see write-off.events.ts): out at the current PPP.
  'write_off',
] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];

export const StockChange = z.object({
  warehouseId: Uuid,
  productId: Uuid,
  quantity: z.string(),
  /** PPP; absent for a role outside COST_ROLES. */
  averageCost: z.string().optional(),
});

export const StockLevelView = StockChange.extend({ minimum: z.string().nullable() });

/** A warehouse of the company: a store's, or central (no store). */
export const WarehouseView = z.object({
  id: Uuid,
  code: z.string(),
  name: z.string(),
  storeId: Uuid.nullable(),
  storeName: z.string().nullable(),
});

/** A product whose stock is below the minimum set for it in a warehouse. */
export const LowStockItem = z.object({
  warehouseId: Uuid,
  productId: Uuid,
  productName: z.string(),
  quantity: z.string(),
  minimum: z.string(),
});

export const MovementView = z.object({
  id: Uuid,
  warehouseId: Uuid,
  productId: Uuid,
  kind: z.enum(MOVEMENT_KINDS),
  /** Signed: negative when stock left. */
  quantity: z.string(),
  unitCost: z.string(),
  resultingQuantity: z.string(),
  resultingAverageCost: z.string(),
  userId: Uuid.nullable(),
  deviceId: z.string().nullable(),
  documentType: z.string().nullable(),
  documentId: Uuid.nullable(),
  /** Why a merma (`write_off`) left; null for every other kind. */
  writeOffReason: z.enum(WRITE_OFF_REASONS).nullable(),
  at: z.string(),
});

/** A kardex line as `stock:kardex` answers it: without its costs for a role outside COST_ROLES. */
export const KardexEntry = MovementView.partial({ unitCost: true, resultingAverageCost: true });

/** A movement as written by the command that caused it. */
export const AppliedMovementView = MovementView.pick({
  id: true,
  warehouseId: true,
  productId: true,
  kind: true,
  quantity: true,
  unitCost: true,
  resultingQuantity: true,
  resultingAverageCost: true,
});

export const TransferView = z.object({
  id: Uuid,
  fromWarehouseId: Uuid,
  toWarehouseId: Uuid,
  status: z.enum(['sent', 'received']),
  lines: z.array(
    z.object({
      productId: Uuid,
      quantitySent: z.string(),
      unitCost: z.string(),
      quantityReceived: z.string().nullable(),
      /** received − sent (negative: lost in transit); null until received. */
      difference: z.string().nullable(),
    }),
  ),
});

export const CountView = z.object({
  id: Uuid,
  warehouseId: Uuid,
  fullCount: z.boolean(),
  zones: z.array(z.string()),
  status: z.enum(['open', 'closed', 'applied']),
  startedAt: z.string(),
});

export const CountScan = z.object({
  id: Uuid,
  countId: Uuid,
  barcode: z.string(),
  /** null: the barcode is not in the catalog. */
  productId: Uuid.nullable(),
  productName: z.string().nullable(),
  quantity: z.string(),
  zone: z.string().nullable(),
  userId: Uuid,
  userName: z.string(),
  /** Everyone's running total for this product (or unknown barcode) after this scan. */
  total: z.string(),
});

export const CountTotal = z.object({
  productId: Uuid.nullable(),
  barcode: z.string().nullable(),
  productName: z.string().nullable(),
  counted: z.string(),
  byUser: z.array(z.object({ userId: Uuid, userName: z.string(), counted: z.string() })),
});

export const CountLine = z.object({
  productId: Uuid,
  expected: z.string(),
  counted: z.string(),
  variance: z.string(),
});

export const CountResult = CountView.extend({ lines: z.array(CountLine) });

const Zone = z.string().trim().min(1).max(40);

export const inventoryCommands = {
  'warehouse:list': command(z.object({}).strict(), z.array(WarehouseView)),
  'stock:list': command(
    z.object({ warehouseId: Uuid, productIds: z.array(Uuid).max(1000).optional() }).strict(),
    z.array(StockLevelView),
  ),
  'stock:kardex': command(
    z
      .object({ warehouseId: Uuid, productId: Uuid, limit: z.number().int().min(1).max(500).default(100) })
      .strict(),
    z.array(KardexEntry),
  ),
  /** The warehouse's products below their minimum now, by name. */
  'stock:below-minimum': command(z.object({ warehouseId: Uuid }).strict(), z.array(LowStockItem)),
  'stock:adjust': command(
    z
      .object({
        warehouseId: Uuid,
        lines: z
          .array(z.object({ productId: Uuid, quantity: SignedQuantity }).strict())
          .min(1)
          .max(500),
      })
      .strict(),
    z.array(AppliedMovementView),
  ),
  'stock:set-minimum': command(
    z.object({ warehouseId: Uuid, productId: Uuid, minimum: QuantityOrZero.nullable() }).strict(),
    StockLevelView,
  ),
  'inventory:settings': command(z.object({}).strict(), z.object({ allowNegativeStock: z.boolean() })),
  'inventory:set-settings': command(
    z.object({ allowNegativeStock: z.boolean() }).strict(),
    z.object({ allowNegativeStock: z.boolean() }),
  ),
  'transfer:send': command(
    z
      .object({
        fromWarehouseId: Uuid,
        toWarehouseId: Uuid,
        lines: z
          .array(z.object({ productId: Uuid, quantity: Quantity }).strict())
          .min(1)
          .max(500),
      })
      .strict(),
    TransferView,
  ),
  'transfer:list': command(
    z.object({ warehouseId: Uuid, status: z.enum(['sent', 'received']).default('sent') }).strict(),
    z.array(TransferView),
  ),
  'transfer:receive': command(
    z
      .object({
        transferId: Uuid,
        lines: z.array(z.object({ productId: Uuid, quantityReceived: QuantityOrZero }).strict()).max(500),
      })
      .strict(),
    TransferView,
  ),
  'count:start': command(
    z
      .object({
        warehouseId: Uuid,
        /** true: products not scanned count as zero; false: only scanned products are adjusted. */
        fullCount: z.boolean().default(true),
        zones: z.array(Zone).max(50).default([]),
      })
      .strict(),
    CountView,
  ),
  /** The warehouse's counts not yet applied (open, or closed and waiting), newest first. */
  'count:list': command(z.object({ warehouseId: Uuid }).strict(), z.array(CountView)),
  /** Joins the count's room (live scans of every tablet) and returns its state. */
  'count:join': command(
    z.object({ countId: Uuid }).strict(),
    z.object({ count: CountView, totals: z.array(CountTotal) }),
  ),
  'count:scan': command(
    z
      .object({
        countId: Uuid,
        barcode: z.string().trim().min(1).max(40),
        quantity: SignedQuantity.default('1'),
        zone: Zone.optional(),
      })
      .strict(),
    CountScan,
  ),
  /** A closed or applied count with its variances. */
  'count:result': command(z.object({ countId: Uuid }).strict(), CountResult),
  'count:close': command(z.object({ countId: Uuid }).strict(), CountResult),
  'count:apply': command(z.object({ countId: Uuid }).strict(), CountResult),
};

export const inventoryNotifications = {
  /**
   * To the store owning the warehouse (back offices for a central one); one message per commit,
   * with the PPP only to the store's sockets of COST_ROLES.
   */
  'stock:changed': z.object({ changes: z.array(StockChange) }),
  /** Once per crossing below the minimum; to the store's tablets and wall. */
  'stock:low': z.object({ changes: z.array(LowStockItem) }),
  /** To the destination store's tablets: goods on their way. */
  'transfer:sent': TransferView,
  /** To the store's tablets, so they can join. */
  'count:started': CountView,
  /** To the count's room. */
  'count:scanned': CountScan,
  'count:closed': CountResult,
  'count:applied': CountResult,
};
