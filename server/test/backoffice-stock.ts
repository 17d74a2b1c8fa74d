/**
 * Stock received at known net costs for back-office tests (valuation, kardex, purchases): a
 * supplier, three receipts through the admin's socket and one adjustment. Worked figures:
 * store A holds leche 19 × PPP 700 = 13.300, bebida 3 × 1.234,5 = 3.704 (rounded), pan
 * 1,5 kg × 999,99 = 1.500; store B holds huevos 10 × 2.000 = 20.000.
 */
import { beforeAll } from 'vitest';
import { connectClient, type TestClient, type TestTenant, tokenFor } from './harness.ts';
import { addProducts, type TestProduct } from './selling.ts';
import { type TestServerFixture, useTestServer } from './test-server-fixture.ts';

type Server = Parameters<typeof addProducts>[0] & { url: string };

export interface StockHistory {
  admin: TestClient;
  products: Record<'pan' | 'leche' | 'bebida' | 'huevos', TestProduct>;
  suppliers: { sur: string; norte: string; idle: string };
  /** Receipt ids, oldest first. */
  receipts: string[];
}

export async function receiveBusinessStock(server: Server, tenant: TestTenant): Promise<StockHistory> {
  const [pan, leche, bebida, huevos] = await addProducts(server, tenant);
  const admin = await connectClient(server.url, tenant.slug, {
    token: await tokenFor(server.url, tenant.emails.admin),
    screen: 'backoffice',
  });
  const ok = <T>(result: { ok: true; data: T } | { ok: false; error: unknown }): T => {
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    return result.data;
  };
  const supplier = async (rut: string, name: string) =>
    ok(await admin.emitWithAck('supplier:save', { rut, name, giro: 'Mayorista' })).id;
  const suppliers = {
    sur: await supplier('76.086.428-5', 'Distribuidora Sur'),
    norte: await supplier('77.777.777-7', 'Comercial Norte'),
    idle: await supplier('11.111.111-1', 'Proveedor sin compras'),
  };
  const [storeA, storeB] = tenant.stores;
  const receive = async (
    supplierId: string,
    warehouseId: string,
    folio: number,
    lines: [TestProduct, string, string][],
  ) =>
    ok(
      await admin.emitWithAck('receipt:create', {
        supplierId,
        warehouseId,
        documentType: 33,
        folio,
        lines: lines.map(([p, quantity, unitCost]) => ({ productId: p.id, quantity, unitCost })),
      }),
    ).id;
  const receipts = [
    await receive(suppliers.sur, storeA!.warehouseId, 501, [
      [leche!, '10', '600'],
      [bebida!, '3', '1234.5'],
      [pan!, '1.5', '999.99'],
    ]),
    await receive(suppliers.sur, storeA!.warehouseId, 502, [[leche!, '10', '800']]),
    await receive(suppliers.norte, storeB!.warehouseId, 77, [[huevos!, '10', '2000']]),
  ];
  ok(
    await admin.emitWithAck('stock:adjust', {
      warehouseId: storeA!.warehouseId,
      lines: [{ productId: leche!.id, quantity: '-1' }],
    }),
  );
  return {
    admin,
    products: { pan: pan!, leche: leche!, bebida: bebida!, huevos: huevos! },
    suppliers,
    receipts,
  };
}

export interface StockHistoryFixture extends TestServerFixture<[TestTenant, TestTenant]> {
  /** The tenant with the stock; `other` (labelled `<label>b`) has none. */
  tenant: TestTenant;
  other: TestTenant;
  stock: StockHistory;
}

/** A test file's server with the business stock received before its tests (two minutes allowed). */
export function useBusinessStock(label: string): StockHistoryFixture {
  const fixture = useTestServer([label, `${label}b`]) as StockHistoryFixture;
  beforeAll(async () => {
    const [tenant, other] = fixture.tenants;
    const stock = await receiveBusinessStock(fixture.server, tenant);
    fixture.keep(stock.admin);
    Object.assign(fixture, { tenant, other, stock });
  }, 120_000);
  return fixture;
}
