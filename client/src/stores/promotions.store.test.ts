// @vitest-environment happy-dom
import 'fake-indexeddb/auto';
import { chileMoment, type PromotionRule } from '@erp/shared/promotions';
import { createPinia, setActivePinia } from 'pinia';
import { describe, expect, it } from 'vitest';
import { fakeRealtime, signedIn } from '../test/fake-realtime.ts';
import { product } from '../test/products.ts';
import { useCartStore } from './cart.store.ts';
import { useCatalogStore } from './catalog.store.ts';
import { promotionChangesOf, usePromotionsStore } from './promotions.store.ts';

const bebida = product({ code: 'BEB-01', name: 'Bebida cola 1,5 L', price: 1990 });
const jugo = product({ code: 'JUG-01', name: 'Jugo 1 L', price: 990 });
const pan = product({ code: 'PAN-01', name: 'Pan', weighable: true, unit: 'kg', price: 2490 });
const today = chileMoment(new Date()).date;

function promotion(id: string, name: string, rule: PromotionRule, productIds: string[]) {
  return {
    id,
    name,
    rule,
    productIds,
    categories: [] as string[],
    storeId: null,
    startsOn: today,
    endsOn: today,
    weekdays: [1, 2, 3, 4, 5, 6, 7],
    fromTime: null,
    toTime: null,
    active: true,
    updatedAt: new Date().toISOString(),
  };
}
const TWO_FOR_ONE = promotion(crypto.randomUUID(), '2x1 bebida', { kind: 'buy_pay', buy: 2, pay: 1 }, [
  bebida.id,
]);
const PACK = promotion(
  crypto.randomUUID(),
  '3 por $2.000',
  { kind: 'pack_price', quantity: 3, price: 2000 },
  [jugo.id],
);

async function till() {
  setActivePinia(createPinia());
  const storeId = signedIn();
  const server = fakeRealtime();
  server.on('catalog:snapshot', () => ({ version: 1, storeId, products: [bebida, jugo, pan] }));
  server.on('label:rules', () => []);
  let promotions = [TWO_FOR_ONE, PACK];
  server.on('promotion:current', () => promotions);
  await useCatalogStore().start();
  const store = usePromotionsStore();
  store.start();
  await server.resync();
  const cart = useCartStore();
  await cart.start();
  return { cart, server, store, set: (list: typeof promotions) => (promotions = list) };
}

describe('promotions at the till', () => {
  it('previews each promotion on its line, sends what it showed, and follows the back office', async () => {
    const { cart, server, store, set } = await till();
    cart.addProduct(bebida, '2.000');
    cart.addProduct(jugo, '3.000');
    cart.addProduct(pan, '0.500');
    expect(cart.lines.map((l) => [l.amount, l.promotions.map((p) => [p.name, p.amount])])).toEqual([
      [1990, [['2x1 bebida', 1990]]],
      [2000, [['3 por $2.000', 970]]],
      [1245, []],
    ]);
    expect(cart.total).toBe(5235);
    const sale = cart.toSale({ terminalId: crypto.randomUUID(), cashSessionId: crypto.randomUUID() }, []);
    expect(sale.payload.lines.map((l) => l.promotionDiscount)).toEqual([1990, 970, 0]);

    // A line with a discount of its own takes no promotion.
    cart.setDiscount(
      { lineId: cart.ticket.lines[0]!.lineId },
      { kind: 'percent', percent: '10', reason: 'damaged' },
    );
    expect(cart.lines[0]).toMatchObject({ amount: 3582, promotions: [] });

    // The back office ended the pack: the till reads its promotions again.
    set([TWO_FOR_ONE]);
    server.emit('promotion:changed', { id: PACK.id });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(store.list.map((p) => p.id)).toEqual([TWO_FOR_ONE.id]);
    expect(cart.lines[1]).toMatchObject({ amount: 2970, promotions: [] });
  });

  it('tells a PRICE_CHANGED of promotions from one of prices', () => {
    const productId = crypto.randomUUID();
    const promotions = [{ productId, shown: 650, current: 0 }];
    expect(
      promotionChangesOf({ code: 'PRICE_CHANGED', message: '', details: { changes: [], promotions } }),
    ).toEqual(promotions);
    expect(
      promotionChangesOf({
        code: 'PRICE_CHANGED',
        message: '',
        details: { changes: [{ productId, shown: 1, current: 2 }] },
      }),
    ).toBeNull();
  });
});
