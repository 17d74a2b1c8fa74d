/**
 * Catalog contract: products with barcodes and prices, the versioned catalog feed a POS keeps
 * locally, scale-label rules and the CSV import. Prices are whole pesos with IVA included.
 */
import { z } from 'zod';
import { SCALE_VALUE_KINDS, scaleRuleProblem } from '../scale-label.ts';
import { ADDITIONAL_TAX_CODES } from '../tax.ts';
import { command } from './define.ts';
import { PageRequest, pageOf } from './paging.ts';
import { EnteredPesos, Uuid } from './primitives.ts';

/** Scanner text: digits and letters (internal codes may have dashes). */
export const Barcode = z.string().regex(/^[0-9A-Za-z-]{1,32}$/, 'Código de barras no válido');

export const PRODUCT_UNITS = ['unidad', 'kg', 'lt'] as const;

/** SII additional-tax codes a minimarket sells under (ILA and sugary drinks). */
export const ADDITIONAL_TAXES = {
  24: 'Licores, piscos, whisky (31,5%)',
  25: 'Vinos (20,5%)',
  26: 'Cervezas y bebidas alcohólicas (20,5%)',
  27: 'Bebidas analcohólicas (10%)',
  271: 'Bebidas azucaradas (18%)',
} as const;
export { ADDITIONAL_TAX_CODES };

export const ProductInput = z
  .object({
    /** Absent: a new product. */
    id: Uuid.optional(),
    code: z.string().trim().min(1).max(40),
    name: z.string().trim().min(1).max(120),
    brand: z.string().trim().max(60).default(''),
    category: z.string().trim().max(60).default(''),
    unit: z.enum(PRODUCT_UNITS).default('unidad'),
    weighable: z.boolean().default(false),
    /** Scale PLU; needed to read scale labels of a weighable product. */
    plu: z.number().int().min(0).max(999_999).nullable().default(null),
    price: EnteredPesos,
    exempt: z.boolean().default(false),
    additionalTax: z.literal(ADDITIONAL_TAX_CODES).nullable().default(null),
    active: z.boolean().default(true),
    barcodes: z.array(Barcode).max(20).default([]),
  })
  .strict();
export type ProductInput = z.output<typeof ProductInput>;

/** A product as every store sees it (base price). */
export const ProductData = z.object({
  id: Uuid,
  code: z.string(),
  name: z.string(),
  brand: z.string(),
  category: z.string(),
  unit: z.enum(PRODUCT_UNITS),
  weighable: z.boolean(),
  plu: z.number().int().nullable(),
  price: EnteredPesos,
  exempt: z.boolean(),
  additionalTax: z.literal(ADDITIONAL_TAX_CODES).nullable(),
  active: z.boolean(),
  barcodes: z.array(z.string()),
  /** Catalog version of the product's last change. */
  version: z.number().int(),
});
export type ProductData = z.output<typeof ProductData>;

/** A product for one store: `storePrice` overrides `price` there when not null. */
export const ProductView = ProductData.extend({ storePrice: EnteredPesos.nullable() });
export type ProductView = z.output<typeof ProductView>;

/** The feed: products changed after `since` (all of them for a snapshot), and the version reached. */
export const CatalogFeed = z.object({
  version: z.number().int(),
  storeId: Uuid.nullable(),
  products: z.array(ProductView),
});

export const ScaleLabelRuleSchema = z
  .object({
    prefix: z.string().regex(/^2\d{0,2}$/),
    pluLength: z.number().int().min(1).max(10),
    valueKind: z.enum(SCALE_VALUE_KINDS),
    valueLength: z.number().int().min(1).max(10),
  })
  .strict()
  .refine((r) => scaleRuleProblem(r) === null, { message: 'Regla de etiqueta no válida' });

export const LabelTestResult = z.object({
  barcode: z.string(),
  /** `scale_label`: decoded and the PLU is known; the other values say why not. */
  outcome: z.enum(['scale_label', 'unknown_plu', 'bad_check_digit', 'not_ean13', 'no_rule']),
  message: z.string(),
  plu: z.number().int().nullable(),
  valueKind: z.enum(SCALE_VALUE_KINDS).nullable(),
  /** Kilograms with 3 decimals, as text. */
  quantity: z.string().nullable(),
  amount: EnteredPesos.nullable(),
  product: ProductView.nullable(),
});

/** A product as the back office edits it: base data and every store's own price. */
export const ProductDetail = ProductData.extend({
  storePrices: z.array(z.object({ storeId: Uuid, price: EnteredPesos })),
});

export const PRODUCT_STATUSES = ['active', 'inactive', 'all'] as const;

/** The back office's product list: one page, filtered, matching `query` like `product:search` does. */
export const ProductListRequest = z
  .object({
    query: z.string().trim().max(100).default(''),
    category: z.string().trim().max(60).optional(),
    status: z.enum(PRODUCT_STATUSES).default('active'),
    weighable: z.boolean().optional(),
    ...PageRequest,
  })
  .strict();

export const ImportRowError = z.object({ line: z.number().int(), message: z.string() });
export const ImportPreview = z.object({
  total: z.number().int(),
  toCreate: z.array(z.object({ line: z.number().int(), code: z.string(), name: z.string() })),
  toUpdate: z.array(
    z.object({ line: z.number().int(), code: z.string(), name: z.string(), changes: z.array(z.string()) }),
  ),
  unchanged: z.number().int(),
  errors: z.array(ImportRowError),
});
export const ImportResult = z.object({
  importId: Uuid,
  created: z.number().int(),
  updated: z.number().int(),
});

const Csv = z.object({ csv: z.string().min(1).max(900_000) }).strict();

export const catalogCommands = {
  'product:search': command(
    z
      .object({
        query: z.string().trim().min(1).max(100),
        limit: z.number().int().min(1).max(100).default(20),
        includeInactive: z.boolean().default(false),
      })
      .strict(),
    z.array(ProductView),
  ),
  /** By barcode or internal code: what a scanner or a typed code asks for. */
  'product:lookup': command(z.object({ code: z.string().trim().min(1).max(40) }).strict(), ProductView),
  'product:list': command(ProductListRequest, pageOf(ProductData)),
  'product:get': command(z.object({ id: Uuid }).strict(), ProductDetail),
  /** The tenant's categories in use, for filters and the product form. */
  'product:categories': command(z.object({}).strict(), z.array(z.string())),
  'product:save': command(ProductInput, ProductView),
  'product:set-store-price': command(
    z.object({ productId: Uuid, storeId: Uuid, price: EnteredPesos.nullable() }).strict(),
    ProductView,
  ),
  'catalog:snapshot': command(z.object({}).strict(), CatalogFeed),
  'catalog:changes': command(z.object({ since: z.number().int().nonnegative() }).strict(), CatalogFeed),
  'label:test': command(z.object({ barcode: z.string().trim().min(1).max(40) }).strict(), LabelTestResult),
  'label:rules': command(z.object({}).strict(), z.array(ScaleLabelRuleSchema)),
  'label:set-rules': command(
    z.object({ rules: z.array(ScaleLabelRuleSchema).max(10) }).strict(),
    z.array(ScaleLabelRuleSchema),
  ),
  'catalog:import-preview': command(Csv, ImportPreview),
  'catalog:import-apply': command(Csv, ImportResult),
};

export const catalogNotifications = {
  /** Products changed (base data and price); to every screen of the tenant. */
  'product:changed': z.object({ changes: z.array(ProductData) }),
  /** `storeId` null: the base price; otherwise that store's override (`price` null: removed). */
  'price:changed': z.object({
    changes: z.array(
      z.object({
        productId: Uuid,
        storeId: Uuid.nullable(),
        price: EnteredPesos.nullable(),
        version: z.number().int(),
      }),
    ),
  }),
  /** To the session that runs the import. */
  'catalog:import-progress': z.object({
    importId: Uuid,
    processed: z.number().int(),
    total: z.number().int(),
  }),
};
