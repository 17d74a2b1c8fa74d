/** Test support: products created through the catalog service, with sensible defaults. */
import { randomUUID } from 'node:crypto';
import { type ProductData, ProductInput } from '@erp/shared';
import type { MikroORM } from '@mikro-orm/postgresql';
import { withTenant } from '../platform/orm.ts';
import { PendingEvents } from '../realtime/pending-events.ts';
import { upsertProducts } from './catalog.service.ts';
import { demoProducts } from './demo-catalog.ts';

export async function createProducts(
  orm: MikroORM,
  tenantId: string,
  specs: Partial<ProductInput>[],
): Promise<ProductData[]> {
  const products = specs.map((spec, i) => {
    const code = spec.code ?? `P-${randomUUID().slice(0, 8)}-${i}`;
    return {
      ...ProductInput.parse({ name: `Producto ${code}`, price: 1000, ...spec, code }),
      id: randomUUID(),
    };
  });
  return withTenant(orm, tenantId, (em) => upsertProducts(em, products, new PendingEvents()));
}

/** The first `count` products of the demo catalog, without suppliers or stock (quicker than `seedDemoCatalog`). */
export async function createDemoProducts(orm: MikroORM, tenantId: string, count: number): Promise<void> {
  await withTenant(orm, tenantId, (em) =>
    upsertProducts(
      em,
      demoProducts(count).map(({ cost: _, ...p }) => p),
      new PendingEvents(),
    ),
  );
}
