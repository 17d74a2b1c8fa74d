import { randomUUID } from 'node:crypto';
import { withEan13CheckDigit } from '@erp/shared/ean13';
import type { MikroORM } from '@mikro-orm/postgresql';
import { COST_DECIMALS, Dec, insertMinimums, warehouseIds } from '../inventory/index.ts';
import { withoutTenant, withTenant } from '../platform/orm.ts';
import { createReceipt, saveSupplier } from '../purchasing/index.ts';
import { PendingEvents } from '../realtime/pending-events.ts';
import { tenantIdBySlug } from '../tenancy/index.ts';
import { productCount } from './catalog.queries.ts';
import { type ProductWrite, upsertProducts } from './catalog.service.ts';
import { DEMO_SUPPLIERS, PRODUCT_FAMILIES } from './demo-catalog-data.ts';

/** Deterministic pseudo-random numbers (mulberry32), so every seed gives the same catalog. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface DemoProduct extends ProductWrite {
  /** Net unit cost the demo stock was bought at. */
  cost: string;
}

/** Every name × brand × size of each family, families interleaved so any prefix covers them all. */
function* familyCombinations() {
  const lists = PRODUCT_FAMILIES.map((family) =>
    family.names.flatMap((name) =>
      (family.brands.length ? family.brands : ['']).flatMap((brand) =>
        (family.sizes.length ? family.sizes : ['']).map((size, sizeIndex) => ({
          family,
          name,
          brand,
          size,
          sizeIndex,
        })),
      ),
    ),
  );
  for (let i = 0; lists.some((l) => i < l.length); i++) {
    for (const list of lists) if (i < list.length) yield list[i]!;
  }
}

/** Retail prices end in 90, as on Chilean shelves. */
const shelfPrice = (pesos: number) => Math.max(90, Math.round(pesos / 100) * 100 - 10);

/**
 * `count` realistic products (bread, dairy, drinks, groceries, cleaning, weighed deli, bakery
 * and produce), identical on every run: packaged goods with valid EAN-13 barcodes under the
 * Chilean GS1 prefix 780, weighed goods with a PLU for scale labels. Past the natural
 * combinations (about 4,000) it adds packs (and selections of weighed goods), so the same
 * generator feeds the 5,000-product demo and the 50,000-product benchmark.
 */
export function demoProducts(count: number, seed = 42): DemoProduct[] {
  const next = random(seed);
  const combos = [...familyCombinations()];
  const products: DemoProduct[] = [];
  const itemsPerBrand = new Map<string, number>();
  const brandCodes = new Map<string, number>();
  let plu = 1000;
  for (let i = 0; i < count; i++) {
    const { family, name, brand, size, sizeIndex } = combos[i % combos.length]!;
    const round = Math.floor(i / combos.length);
    const weighed = family.sizes.length === 0;
    const variant = round === 0 ? '' : weighed ? ` Selección ${round + 1}` : ` Pack x${round + 1}`;
    const [low, high] = family.price;
    // Bigger sizes cost more: geometric steps from the family's lowest to highest price, ±10 %.
    const step = family.sizes.length > 1 ? sizeIndex / (family.sizes.length - 1) : next();
    const price = shelfPrice(low * (high / low) ** step * (0.9 + next() * 0.2) * (weighed ? 1 : round + 1));
    const netCost = new Dec(price)
      .div(1.19)
      .times(0.6 + next() * 0.2)
      .toDecimalPlaces(2);
    products.push({
      id: randomUUID(),
      code: `P${String(i + 1).padStart(6, '0')}`,
      name: [name, brand, size].filter(Boolean).join(' ') + variant,
      brand,
      category: family.category,
      unit: family.unit ?? 'unidad',
      weighable: weighed,
      plu: weighed ? plu++ : null,
      price,
      exempt: false,
      additionalTax: family.additionalTax ?? null,
      active: true,
      barcodes: weighed ? [] : [ean13For(brand || family.category, brandCodes, itemsPerBrand)],
      cost: netCost.toFixed(COST_DECIMALS),
    });
  }
  return products;
}

/** `780` + a 4-digit company code per brand + a 5-digit item number + check digit. */
function ean13For(brand: string, brandCodes: Map<string, number>, itemsPerBrand: Map<string, number>) {
  if (!brandCodes.has(brand)) brandCodes.set(brand, 1000 + brandCodes.size);
  const item = (itemsPerBrand.get(brand) ?? 0) + 1;
  itemsPerBrand.set(brand, item);
  return withEan13CheckDigit(`780${brandCodes.get(brand)}${String(item).padStart(5, '0')}`);
}

/** Demo stock: 0–60 units (5–40 kg for weighed goods), minimums of 5 units or 2 kg. */
function demoStock(product: DemoProduct, next: () => number) {
  return product.weighable
    ? { quantity: (5 + next() * 35).toFixed(3), minimum: '2.000' }
    : { quantity: String(Math.floor(next() * 61)), minimum: next() < 0.5 ? '5' : '10' };
}

/** Supplier of a family's goods in the demo. */
function supplierIndex(family: string): number {
  if (family === 'Lácteos' || family === 'Huevos') return 1;
  if (family === 'Bebidas' || family === 'Cervezas y vinos') return 2;
  if (family.startsWith('Panadería')) return 3;
  if (family === 'Limpieza' || family === 'Higiene personal') return 4;
  return 0;
}

/**
 * Fills a tenant's catalog with `count` demo products, the demo suppliers, minimums and opening
 * stock received from those suppliers in every warehouse (so the ledger explains every unit).
 * Does nothing when the tenant already has products. Bulk statements: seconds, not minutes.
 */
export async function seedDemoCatalog(orm: MikroORM, tenantId: string, count: number): Promise<boolean> {
  return withTenant(orm, tenantId, async (em) => {
    if ((await productCount(em)) > 0) return false;
    const products = demoProducts(count);
    const events = new PendingEvents();
    await upsertProducts(
      em,
      products.map(({ cost: _, ...p }) => p),
      events,
    );
    const suppliers = [];
    for (const supplier of DEMO_SUPPLIERS) suppliers.push(await saveSupplier(em, supplier));
    const warehouses = await warehouseIds(em);
    const next = random(7);
    let folio = 1000;
    for (const warehouseId of warehouses) {
      const stock = products.map((product) => ({ product, ...demoStock(product, next) }));
      await insertMinimums(
        em,
        warehouseId,
        stock.map((s) => ({ p: s.product.id, min: s.minimum })),
      );
      const bySupplier = new Map<number, typeof stock>();
      for (const s of stock.filter((line) => new Dec(line.quantity).gt(0))) {
        const index = supplierIndex(s.product.category);
        const lines = bySupplier.get(index) ?? [];
        lines.push(s);
        bySupplier.set(index, lines);
      }
      for (const [index, lines] of bySupplier) {
        await createReceipt(
          em,
          {
            supplierId: suppliers[index]!.id,
            warehouseId,
            documentType: 33,
            folio: folio++,
            lines: lines.map((s) => ({
              productId: s.product.id,
              quantity: s.quantity,
              unitCost: s.product.cost,
            })),
          },
          events,
          // The seed receives for the whole company, in every store.
          { userId: null, deviceId: 'demo-seed', storeId: null },
        );
      }
    }
    return true;
  });
}

/** Catalog sizes of the demo tenants. */
export const DEMO_CATALOG_SIZES: Readonly<Record<string, number>> = {
  'minimarket-demo': 5000,
  'almacen-sur': 400,
};

/** Seeds the demo catalogs of the demo tenants that have none yet. */
export async function seedDemoCatalogs(orm: MikroORM): Promise<string[]> {
  const seeded: string[] = [];
  for (const [slug, count] of Object.entries(DEMO_CATALOG_SIZES)) {
    const tenantId = await withoutTenant(orm, (em) => tenantIdBySlug(em, slug));
    if (tenantId && (await seedDemoCatalog(orm, tenantId, count))) seeded.push(slug);
  }
  return seeded;
}
