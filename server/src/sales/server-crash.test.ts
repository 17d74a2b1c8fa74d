/**
 * The server dies (kill -9) while cashiers are ringing sales; it comes back on the same port and
 * the cashiers retry every unacknowledged sale with the same sale id, as the POS does from its
 * durable outbox. Every acknowledged sale must exist exactly once, with the folio it was
 * acknowledged with, folios gap-free, and stock equal to what was sold.
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type TestServer, type TestTenant, tokenFor } from '../../test/harness.ts';
import { addCaf, addProducts, addTerminals, receiveStock, type TestProduct } from '../../test/selling.ts';
import { randomPort, spawnServerProcess } from '../../test/server-process.ts';
import { useTestServer } from '../../test/test-server-fixture.ts';
import { withTenant } from '../platform/orm.ts';

const CASHIERS = 5;
const SALES_EACH = 40;

let seeder: TestServer;
let tenant: TestTenant;
let product: TestProduct;
let child: ChildProcess | undefined;
const port = randomPort();
const url = `http://127.0.0.1:${port}`;

/** The server under test, on the same port every time it comes back. */
async function startChild(): Promise<void> {
  const started = spawnServerProcess(port, 'error');
  child = started.child;
  await started.ready;
}

const world = useTestServer(['crash']);
beforeAll(async () => {
  ({
    server: seeder,
    tenants: [tenant],
  } = world);
  const [created] = await addProducts(seeder, tenant, [
    { code: 'JUGO', name: 'Jugo de naranja 1 L', price: 1590, exempt: false, weighable: false },
  ]);
  product = created!;
  await receiveStock(seeder, tenant, tenant.stores[0]!.warehouseId, [product.id], '1000');
  await addCaf(seeder, tenant, 39, 1, 1000);
  await startChild();
});

afterAll(() => {
  child?.kill('SIGKILL');
});

/** Rings one sale until it is acknowledged, resending the same sale id after a timeout. */
async function ringUntilAcked(socket: Socket, sale: object): Promise<{ saleId: string; folio: number }> {
  for (let attempt = 0; attempt < 60; attempt++) {
    try {
      const result = await socket.timeout(2000).emitWithAck('sale:commit', sale);
      if (result.ok) return result.data;
      if (result.error.code !== 'INTERNAL') throw new Error(JSON.stringify(result.error));
    } catch (error) {
      // No answer (timeout) or the connection dropped under the request: send the same sale again.
      if (!(error instanceof Error) || !/timed out|disconnected/i.test(error.message)) throw error;
    }
  }
  throw new Error('sale never acknowledged');
}

it('keeps every acknowledged sale exactly once across a kill -9 of the server', async () => {
  const terminals = await addTerminals(seeder, tenant, CASHIERS);
  const token = await tokenFor(url, tenant.emails.cashier);
  const cashiers = await Promise.all(
    terminals.map(async (terminalId) => {
      const socket = io(`${url}/t/${tenant.slug}`, {
        auth: { token, screen: 'pos' },
        transports: ['websocket'],
        reconnectionDelay: 100,
        reconnectionDelayMax: 300,
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      const opened = await socket.emitWithAck('cash:open', { terminalId, openingFloat: 0 });
      if (!opened.ok) throw new Error(JSON.stringify(opened.error));
      return { socket, terminalId, cashSessionId: opened.data.id };
    }),
  );

  const acked: { saleId: string; folio: number }[] = [];
  const ringing = Promise.all(
    cashiers.map(async (c) => {
      for (let i = 0; i < SALES_EACH; i++) {
        const sale = {
          saleId: randomUUID(),
          terminalId: c.terminalId,
          cashSessionId: c.cashSessionId,
          lines: [{ productId: product.id, quantity: '1', unitPrice: 1590 }],
          payments: [{ method: 'card', amount: 1590, authorizationCode: 'OK' }],
        };
        acked.push(await ringUntilAcked(c.socket, sale));
      }
    }),
  );
  // Kill the server twice while sales are in flight, and bring it back each time.
  for (const delay of [400, 900]) {
    await new Promise((r) => setTimeout(r, delay));
    child!.kill('SIGKILL');
    await new Promise<void>((r) => child!.once('exit', () => r()));
    await startChild();
  }
  await ringing;
  for (const c of cashiers) c.socket.close();

  expect(acked).toHaveLength(CASHIERS * SALES_EACH);
  const rows = await withTenant(seeder.orm, tenant.tenantId, (em) =>
    em.execute<{ id: string; folio: number }[]>(
      `select id, folio from sale where kind = 'sale' order by folio`,
    ),
  );
  expect(rows).toHaveLength(CASHIERS * SALES_EACH);
  const stored = new Map(rows.map((r) => [r.id, r.folio]));
  for (const sale of acked) expect(stored.get(sale.saleId)).toBe(sale.folio);
  expect(rows.map((r) => r.folio)).toEqual(Array.from({ length: rows.length }, (_, i) => i + 1));
  const [stock] = await withTenant(seeder.orm, tenant.tenantId, (em) =>
    em.execute<{ quantity: string }[]>('select quantity from stock_level where product_id = ?', [product.id]),
  );
  expect(Number(stock!.quantity)).toBe(1000 - CASHIERS * SALES_EACH);
}, 90_000);
