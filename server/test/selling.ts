/**
 * Test fixture for selling: products priced and in stock, CAFs for the document types, extra
 * terminals, and cashier sockets with open cash sessions.
 */
import { randomUUID } from 'node:crypto';
import type { AdditionalTaxCode, ProductInput } from '@erp/shared';
import { makeTestCaf } from '@erp/sii-core/test-authority';
import type { AppInstance } from '../src/app.ts';
import { upsertProducts } from '../src/catalog/index.ts';
import { applyMovements } from '../src/inventory/index.ts';
import { withTenant } from '../src/platform/orm.ts';
import { PendingEvents } from '../src/realtime/pending-events.ts';
import { storeCaf } from '../src/sii/folios.ts';
import type { SeededTenant } from '../src/tenancy/index.ts';
import { connectClient, type TestClient, type TestTenant, tokenFor } from './harness.ts';

/** What the fixtures need of a server: its ORM and secret box (a test server, or a bench's own). */
type Backend = Pick<AppInstance, 'orm' | 'secrets'>;

export interface TestProduct {
  id: string;
  code: string;
  name: string;
  price: number;
  exempt: boolean;
  weighable: boolean;
  /** A weighable product's PLU, as the store's scales print it on their labels. */
  plu?: number;
  additionalTax?: AdditionalTaxCode;
}

export const SAMPLE_PRODUCTS: Omit<TestProduct, 'id'>[] = [
  { code: 'PAN-01', name: 'Pan marraqueta', price: 2490, exempt: false, weighable: true },
  { code: 'LEC-01', name: 'Leche entera 1 L Colún', price: 1190, exempt: false, weighable: false },
  { code: 'BEB-01', name: 'Bebida cola 1,5 L', price: 1990, exempt: false, weighable: false },
  { code: 'HUE-01', name: 'Huevos blancos docena', price: 3590, exempt: true, weighable: false },
];

export async function addProducts(server: Backend, tenant: SeededTenant, products = SAMPLE_PRODUCTS) {
  const withIds = products.map((p) => ({ ...p, id: randomUUID() }));
  await withTenant(server.orm, tenant.tenantId, (em) =>
    upsertProducts(
      em,
      withIds.map((p): ProductInput & { id: string } => ({
        id: p.id,
        code: p.code,
        name: p.name,
        brand: '',
        category: 'Almacén',
        unit: p.weighable ? 'kg' : 'unidad',
        weighable: p.weighable,
        plu: p.plu ?? null,
        price: p.price,
        exempt: p.exempt,
        additionalTax: p.additionalTax ?? null,
        active: true,
        barcodes: [],
      })),
      new PendingEvents(),
    ),
  );
  return withIds;
}

export async function receiveStock(
  server: Backend,
  tenant: SeededTenant,
  warehouseId: string,
  productIds: string[],
  quantity: string,
) {
  await withTenant(server.orm, tenant.tenantId, (em) =>
    applyMovements(
      em,
      productIds.map((productId) => ({
        warehouseId,
        productId,
        kind: 'receipt' as const,
        quantity,
        unitCost: '500',
      })),
      new PendingEvents(),
      { userId: null, deviceId: null },
    ),
  );
}

export async function addCaf(server: Backend, tenant: SeededTenant, type: number, from: number, to: number) {
  const caf = makeTestCaf({ rut: '76192083-9', type, from, to });
  return withTenant(server.orm, tenant.tenantId, (em) =>
    storeCaf(em, server.secrets, { id: tenant.tenantId, rut: '76192083-9' }, caf, new PendingEvents()),
  );
}

/** Extra terminals in store 0, so many cashiers can sell at once. */
export async function addTerminals(server: Backend, tenant: SeededTenant, count: number): Promise<string[]> {
  return withTenant(server.orm, tenant.tenantId, async (em) => {
    const ids = Array.from({ length: count }, () => randomUUID());
    for (const [i, id] of ids.entries()) {
      await em.execute(
        'insert into terminal (id, tenant_id, store_id, code, name) values (?, current_tenant_id(), ?, ?, ?)',
        [id, tenant.stores[0]!.id, `X-${i}-${id.slice(0, 4)}`, `Caja extra ${i}`],
      );
    }
    return ids;
  });
}

export interface Till {
  socket: TestClient;
  terminalId: string;
  cashSessionId: string;
}

/** A cashier socket on a terminal of store 0 with an open cash session. */
export async function openTill(
  server: { url: string },
  tenant: Pick<TestTenant, 'slug' | 'emails'>,
  terminalId: string,
  email = tenant.emails.cashier,
): Promise<Till> {
  const socket = await connectClient(server.url, tenant.slug, {
    token: await tokenFor(server.url, email),
    screen: 'pos',
  });
  const opened = await socket.emitWithAck('cash:open', { terminalId, openingFloat: 20000 });
  if (!opened.ok) throw new Error(JSON.stringify(opened.error));
  return { socket, terminalId, cashSessionId: opened.data.id };
}
