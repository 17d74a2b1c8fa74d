/**
 * A sale lands only in a drawer of the seller's own store, and a cashier's only in their own:
 * the terminal and cash session ids come from the payload, so the server checks them.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { connectClient, type TestClient, tokenFor } from '../../test/harness.ts';
import type { Till } from '../../test/selling.ts';
import { useSellingFixture } from '../../test/selling-fixture.ts';

const LECHE = 1;
const shop = useSellingFixture({ label: 'cross-store', stock: '100', everyStore: true, cafs: [[39, 1, 50]] });
let storeB: Till;
let supervisor: TestClient;
let supervisorTill: { terminalId: string; cashSessionId: string };

beforeAll(async () => {
  const { tenant, server } = shop;
  storeB = await shop.openTill(tenant.stores[1]!.terminalIds[0]!, tenant.emails.cashier2);
  supervisor = await connectClient(server.url, tenant.slug, {
    token: await tokenFor(server.url, tenant.emails.supervisor),
    storeId: tenant.stores[0]!.id,
    screen: 'pos',
  });
  shop.keep(supervisor);
  const terminalId = tenant.stores[0]!.terminalIds[1]!;
  const opened = await supervisor.emitWithAck('cash:open', { terminalId, openingFloat: 10000 });
  if (!opened.ok) throw new Error(JSON.stringify(opened.error));
  supervisorTill = { terminalId, cashSessionId: opened.data.id };
});

function sell(socket: TestClient, drawer: { terminalId: string; cashSessionId: string }) {
  return socket.emitWithAck('sale:commit', {
    saleId: randomUUID(),
    terminalId: drawer.terminalId,
    cashSessionId: drawer.cashSessionId,
    lines: [{ productId: shop.products[LECHE]!.id, quantity: '1', unitPrice: 1190 }],
    payments: [{ method: 'cash', tendered: 1190 }],
  });
}

async function tickets(owner: TestClient, sessionId: string): Promise<number> {
  const report = await owner.emitWithAck('cash:report', { sessionId });
  if (!report.ok) throw new Error(JSON.stringify(report.error));
  return report.data.totals.ticketCount;
}

it("refuses a sale booked into another store's open drawer, which stays untouched", async () => {
  const answer = await sell(shop.till.socket, storeB);
  expect(answer).toMatchObject({ ok: false, error: { code: 'CASH_SESSION_REQUIRED' } });
  expect(await tickets(storeB.socket, storeB.cashSessionId)).toBe(0);
});

it("refuses a cashier's sale into another person's drawer of the same store", async () => {
  const answer = await sell(shop.till.socket, supervisorTill);
  expect(answer).toMatchObject({ ok: false, error: { code: 'CASH_SESSION_REQUIRED' } });
  expect(await tickets(supervisor, supervisorTill.cashSessionId)).toBe(0);
});

it("lets a supervisor ring into a cashier's drawer of their store", async () => {
  const answer = await sell(supervisor, shop.till);
  expect(answer).toMatchObject({ ok: true });
  expect(await tickets(shop.till.socket, shop.till.cashSessionId)).toBe(1);
});
