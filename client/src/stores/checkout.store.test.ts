// @vitest-environment happy-dom
import 'fake-indexeddb/auto';
import { fail } from '@erp/shared/errors';
import { createPinia, setActivePinia } from 'pinia';
import { describe, expect, it } from 'vitest';
import { fakeRealtime, signedIn } from '../test/fake-realtime.ts';
import { useCartStore } from './cart.store.ts';
import { type PendingSale, priceChangesOf, type SaleAnswer, useCheckoutStore } from './checkout.store.ts';

const productId = crypto.randomUUID();

function sale(saleId = crypto.randomUUID()): Omit<PendingSale, 'queuedAt'> {
  return {
    payload: {
      saleId,
      terminalId: crypto.randomUUID(),
      cashSessionId: crypto.randomUUID(),
      docType: 39,
      lines: [{ productId, quantity: '1.000', unitPrice: 1990, discount: 0, priceOverride: false }],
      payments: [{ method: 'cash', tendered: 2000 }],
    },
    lines: [{ name: 'Bebida', quantity: '1.000', weighable: false, unitPrice: 1990, amount: 1990 }],
    customerName: null,
  };
}

function answer(saleId: string, folio: number): SaleAnswer {
  return {
    saleId,
    docType: 39,
    folio,
    issuedAt: new Date().toISOString(),
    net: 1672,
    iva: 318,
    exempt: 0,
    total: 1990,
    toPay: 1990,
    cashRounding: 0,
    paidCash: 1990,
    paidCard: 0,
    paidFiado: 0,
    change: 10,
    ted: '<TED version="1.0"><DD></DD></TED>',
    discounts: [],
  };
}

async function pos(storeId?: string) {
  setActivePinia(createPinia());
  const id = signedIn(storeId);
  const server = fakeRealtime();
  const checkout = useCheckoutStore();
  await checkout.start();
  return { storeId: id, server, checkout };
}

describe('checkout store', () => {
  it('shows the server folio and forgets the sale once acknowledged', async () => {
    const { server, checkout } = await pos();
    const s = sale();
    let waitingWhileSent: boolean | undefined;
    server.on('sale:commit', (payload) => {
      waitingWhileSent = checkout.isWaiting(payload.saleId);
      return answer(payload.saleId, 41);
    });
    const result = await checkout.commit(s);
    // While the answer is awaited the sale is queued but not "waiting for a retry".
    expect(waitingWhileSent).toBe(false);
    expect(result.ok).toBe(true);
    expect(checkout.receipt).toMatchObject({ result: { folio: 41 }, lines: s.lines });
    expect(checkout.pendingCount).toBe(0);
  });

  it('keeps an unanswered sale in IndexedDB across a reload and resends it unchanged on reconnect', async () => {
    const first = await pos();
    const s = sale();
    first.server.on('sale:commit', () => fail('TIMEOUT'));
    const lost = await first.checkout.commit(s);
    expect(lost.ok).toBe(false);
    expect(first.checkout.isPending(s.payload.saleId)).toBe(true);
    expect(first.checkout.isWaiting(s.payload.saleId)).toBe(true);
    expect(first.checkout.receipt).toBeNull();

    // The page reloads; the sale is still queued and goes out again with the SAME sale id.
    const second = await pos(first.storeId);
    expect(second.checkout.pending.map((p) => p.payload.saleId)).toEqual([s.payload.saleId]);
    second.server.on('sale:commit', (payload) => answer(payload.saleId, 7));
    const cart = useCartStore();
    cart.ticket.saleId = s.payload.saleId; // the ticket restored with the queued sale
    await second.server.resync();
    expect(cart.ticket.saleId).not.toBe(s.payload.saleId); // acknowledged: next customer
    expect(second.server.sent).toEqual([{ name: 'sale:commit', payload: first.server.sent[0]!.payload }]);
    expect(second.checkout.receipt?.result.folio).toBe(7);

    const third = await pos(first.storeId);
    expect(third.checkout.pendingCount).toBe(0);
  });

  it('drops a refused sale from the outbox and hands back the current prices of PRICE_CHANGED', async () => {
    const { server, checkout } = await pos();
    const changes = [{ productId, shown: 1990, current: 2190 }];
    server.on('sale:commit', () => fail('PRICE_CHANGED', undefined, { changes }));
    const s = sale();
    const refused = await checkout.commit(s);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(priceChangesOf(refused.error)).toEqual(changes);
    expect(checkout.isPending(s.payload.saleId)).toBe(false);

    // Corrected and sent again with the same sale id: the first attempt was rolled back.
    server.on('sale:commit', (payload) => answer(payload.saleId, 8));
    const again = await checkout.commit({
      ...s,
      payload: { ...s.payload, lines: [{ ...s.payload.lines[0]!, unitPrice: 2190 }] },
    });
    expect(again.ok && again.data.saleId).toBe(s.payload.saleId);
  });

  it('reads no price changes from other errors', () => {
    expect(priceChangesOf(fail('VALIDATION').error)).toBeNull();
  });
});
