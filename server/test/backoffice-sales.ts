/**
 * A small business history for back-office tests (reports, sales list, cash sessions): products
 * received at known net costs into both stores, sales rung by two cashiers through real sockets
 * (boleta, boleta with an exempt line, mixed payment, factura) and a partial return. The figures
 * each report must show are worked out by hand in `EXPECTED`.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll } from 'vitest';
import type { AppInstance } from '../src/app.ts';
import { withTenant } from '../src/platform/orm.ts';
import { connectClient, TEST_PIN, type TestClient, type TestTenant, tokenFor } from './harness.ts';
import { addCaf, addProducts, openTill, type TestProduct, type Till } from './selling.ts';
import { type TestServerFixture, useTestServer } from './test-server-fixture.ts';

type Server = Pick<AppInstance, 'orm' | 'secrets'> & { url: string };

export const BUSINESS_PRODUCTS = [
  { code: 'PAN-01', name: 'Pan marraqueta', price: 2490, exempt: false, weighable: true },
  { code: 'LEC-01', name: 'Leche entera 1 L', price: 1190, exempt: false, weighable: false },
  { code: 'BEB-01', name: 'Bebida cola 1,5 L', price: 1990, exempt: false, weighable: false },
  // Exempt, with the characters a CSV must quote.
  { code: 'HUE-01', name: 'Huevos "color"; docena', price: 3590, exempt: true, weighable: false },
];

export interface BusinessHistory {
  products: Record<'pan' | 'leche' | 'bebida' | 'huevos', TestProduct>;
  /** S1 boleta (store A), S2 boleta with an exempt line paid by card (moved to yesterday), S3 mixed payment (store B), S4 factura, R1 return of one leche of S1. */
  ids: Record<'s1' | 's2' | 's3' | 's4' | 'r1', string>;
  folios: Record<'s1' | 's2' | 's3' | 's4' | 'r1', number>;
  today: string;
  yesterday: string;
  tills: Till[];
  supplierId: string;
}

/** What every report of the whole period adds up to (see the sales below). */
export const EXPECTED = {
  totals: { tickets: 4, returns: 1, quantity: null, total: 17378, net: 15177, cost: 9969, margin: 5208 },
  /** Collected: cash rounded to $10 (S1 5438 → 5440). */
  collected: 17380,
};

export async function ringBusinessHistory(server: Server, tenant: TestTenant): Promise<BusinessHistory> {
  const [pan, leche, bebida, huevos] = await addProducts(server, tenant, BUSINESS_PRODUCTS);
  const products = { pan: pan!, leche: leche!, bebida: bebida!, huevos: huevos! };
  await withTenant(server.orm, tenant.tenantId, async (em) => {
    await em.execute(`update product set category = 'Lácteos' where id = ?`, [leche!.id]);
    await em.execute(`update product set category = '' where id = ?`, [huevos!.id]);
  });
  for (const type of [39, 41, 33, 61]) await addCaf(server, tenant, type, 1, 100);

  const admin = await connectClient(server.url, tenant.slug, {
    token: await tokenFor(server.url, tenant.emails.admin),
    screen: 'backoffice',
  });
  const ok = <T>(result: { ok: true; data: T } | { ok: false; error: unknown }): T => {
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    return result.data;
  };
  const supplier = ok(
    await admin.emitWithAck('supplier:save', {
      rut: '76.086.428-5',
      name: 'Distribuidora Sur',
      giro: 'Mayorista',
    }),
  );
  const receive = async (warehouseId: string, folio: number, lines: [TestProduct, string, string][]) =>
    ok(
      await admin.emitWithAck('receipt:create', {
        supplierId: supplier.id,
        warehouseId,
        documentType: 33,
        folio,
        lines: lines.map(([p, quantity, unitCost]) => ({ productId: p.id, quantity, unitCost })),
      }),
    );
  const [storeA, storeB] = tenant.stores;
  // PPP in store A: pan 1000, leche (10 @ 600 + 10 @ 800) 700, bebida 1234.5, huevos 2000.
  await receive(storeA!.warehouseId, 1001, [
    [pan!, '10', '1000'],
    [leche!, '10', '600'],
    [bebida!, '20', '1234.5'],
    [huevos!, '10', '2000'],
  ]);
  await receive(storeA!.warehouseId, 1002, [[leche!, '10', '800']]);
  // Store B: leche 650, bebida 1300.
  await receive(storeB!.warehouseId, 1003, [
    [leche!, '10', '650'],
    [bebida!, '10', '1300'],
  ]);
  admin.close();

  const tillA = await openTill(server, tenant, storeA!.terminalIds[0]!);
  const tillB = await openTill(server, tenant, storeB!.terminalIds[0]!, tenant.emails.cashier2);
  const sell = async (
    till: Till,
    lines: [TestProduct, string][],
    payments: unknown[],
    extra: Record<string, unknown> = {},
  ) =>
    ok(
      await till.socket.emitWithAck('sale:commit', {
        saleId: randomUUID(),
        terminalId: till.terminalId,
        cashSessionId: till.cashSessionId,
        lines: lines.map(([p, quantity]) => ({ productId: p.id, quantity, unitPrice: p.price })),
        payments: payments as never,
        ...extra,
      }),
    );
  // S1: 3 × 1190 + 0,750 kg × 2490 (1868) = 5438; net round(5438 / 1,19) = 4570; cost 2100 + 750.
  const s1 = await sell(
    tillA,
    [
      [leche!, '3'],
      [pan!, '0.750'],
    ],
    [{ method: 'cash', tendered: 10000 }],
  );
  // S2: 2 × 1990 afecto (net 3345) + 3590 exempt = 7570 by card; cost 2469 + 2000.
  const s2 = await sell(
    tillA,
    [
      [bebida!, '2'],
      [huevos!, '1'],
    ],
    [{ method: 'card', amount: 7570, authorizationCode: 'A1' }],
  );
  // S3 (store B): 1190 + 1990 = 3180 (net 2672), $1.000 by card and 2180 cash; cost 650 + 1300.
  const s3 = await sell(
    tillB,
    [
      [leche!, '1'],
      [bebida!, '1'],
    ],
    [
      { method: 'card', amount: 1000, authorizationCode: 'B1' },
      { method: 'cash', tendered: 2180 },
    ],
  );
  // S4: factura, 2 leches at net 1000 each: net 2000, IVA 380, total 2380; cost 1400.
  const s4 = await sell(tillA, [[leche!, '2']], [{ method: 'cash', tendered: 2380 }], {
    docType: 33,
    customer: {
      rut: '11.111.111-1',
      razonSocial: 'Comercial Uno Ltda.',
      giro: 'Almacén',
      address: 'Av. Uno 1',
      comuna: 'Ñuñoa',
    },
  });
  // R1: one leche of S1 back: NC net 1000, IVA 190, total 1190 refunded in cash; cost back 700.
  const r1 = ok(
    await tillA.socket.emitWithAck('sale:return', {
      returnId: randomUUID(),
      terminalId: tillA.terminalId,
      cashSessionId: tillA.cashSessionId,
      original: { saleId: s1.saleId },
      lines: [{ lineNo: 1, quantity: '1' }],
      refundMethod: 'cash',
      reason: 'Envase dañado',
      approval: { email: tenant.emails.supervisor, pin: TEST_PIN },
    }),
  );
  // S2 happened yesterday (Chile day), so the day report has two rows.
  const days = await withTenant(server.orm, tenant.tenantId, async (em) => {
    await em.execute(
      `update sale set issue_date = issue_date - 1, issued_at = issued_at - interval '1 day' where id = ?`,
      [s2.saleId],
    );
    const [row] = await em.execute<{ today: string; yesterday: string }[]>(
      `select to_char(issue_date, 'YYYY-MM-DD') as today, to_char(issue_date - 1, 'YYYY-MM-DD') as yesterday
         from sale where id = ?`,
      [s1.saleId],
    );
    return row!;
  });
  return {
    products,
    ids: { s1: s1.saleId, s2: s2.saleId, s3: s3.saleId, s4: s4.saleId, r1: r1.saleId },
    folios: { s1: s1.folio, s2: s2.folio, s3: s3.folio, s4: s4.folio, r1: r1.folio },
    today: days.today,
    yesterday: days.yesterday,
    tills: [tillA, tillB],
    supplierId: supplier.id,
  };
}

export interface BusinessHistoryFixture extends TestServerFixture<[TestTenant, TestTenant]> {
  /** The tenant with the history; `other` (labelled `<label>b`) has none. */
  tenant: TestTenant;
  other: TestTenant;
  history: BusinessHistory;
  /** The tenant's admin, signed in with no screen. */
  admin: TestClient;
}

/** A test file's server with the business history rung before its tests (slow: two minutes allowed). */
export function useBusinessHistory(label: string): BusinessHistoryFixture {
  const fixture = useTestServer([label, `${label}b`]) as BusinessHistoryFixture;
  beforeAll(async () => {
    const [tenant, other] = fixture.tenants;
    const history = await ringBusinessHistory(fixture.server, tenant);
    for (const till of history.tills) fixture.keep(till.socket);
    const admin = await fixture.signIn(tenant, tenant.emails.admin);
    Object.assign(fixture, { tenant, other, history, admin });
  }, 120_000);
  return fixture;
}
