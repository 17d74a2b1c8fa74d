// @vitest-environment happy-dom
import 'fake-indexeddb/auto';
import { buildScaleLabel, gramsPreset } from '@erp/shared/scale-label';
import { createPinia, setActivePinia } from 'pinia';
import { describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import { fakeRealtime, signedIn } from '../test/fake-realtime.ts';
import { product } from '../test/products.ts';
import { useCartStore } from './cart.store.ts';
import { useCatalogStore } from './catalog.store.ts';
import { useTillStore } from './till.store.ts';

const bebida = product({
  code: 'BEB-01',
  name: 'Bebida cola 1,5 L',
  barcodes: ['7801610001622'],
  price: 1990,
});
const pan = product({
  code: 'PAN-01',
  name: 'Pan marraqueta',
  weighable: true,
  unit: 'kg',
  plu: 1,
  price: 2490,
});

async function till(storeId?: string) {
  setActivePinia(createPinia());
  const id = signedIn(storeId);
  const server = fakeRealtime();
  server.on('catalog:snapshot', () => ({ version: 1, storeId: id, products: [bebida, pan] }));
  server.on('label:rules', () => [gramsPreset('20')]);
  const catalog = useCatalogStore();
  await catalog.start();
  await server.resync();
  const cart = useCartStore();
  await cart.start();
  return { storeId: id, cart, catalog, server };
}

/** Lets the ticket watcher write to IndexedDB. */
async function saved(): Promise<void> {
  await nextTick();
  await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('cart store', () => {
  it('holds scans typed before the first catalog arrives and rings them up after it, in order', async () => {
    setActivePinia(createPinia());
    const storeId = signedIn();
    const server = fakeRealtime();
    const catalog = useCatalogStore();
    await catalog.start();
    const cart = useCartStore();
    await cart.start();
    // First load: the local copy is empty and the snapshot has not come yet.
    expect(catalog.ready).toBe(false);
    const label = buildScaleLabel(gramsPreset('20'), 1, 500);
    const typed = [label, '7801610001622', '0000000', 'beb-01'].map((code) => cart.addScanWhenReady(code));
    await saved();
    expect(cart.ticket.lines).toEqual([]);

    server.on('catalog:snapshot', () => ({ version: 1, storeId, products: [bebida, pan] }));
    server.on('label:rules', () => [gramsPreset('20')]);
    await server.resync();
    expect(catalog.ready).toBe(true);
    expect((await Promise.all(typed)).map((o) => o.kind)).toEqual(['added', 'added', 'unknown', 'added']);
    expect(cart.ticket.lines.map((l) => [l.code, l.quantity])).toEqual([
      ['PAN-01', '0.500'],
      ['BEB-01', '2.000'],
    ]);
  });

  it('joins repeated scans of a unit product into one line and prices it', async () => {
    const { cart } = await till();
    expect(cart.addScan('7801610001622').kind).toBe('added');
    expect(cart.addScan('beb-01').kind).toBe('added');
    expect(cart.lines).toEqual([
      expect.objectContaining({ productId: bebida.id, quantity: '2.000', amount: 3980 }),
    ]);
    expect(cart.total).toBe(3980);
    expect(cart.itemCount).toBe(2);
  });

  it('totals a factura as its document will: net lines plus 19 % IVA, not the sum of the lines', async () => {
    const { cart } = await till();
    cart.addScan('7801610001622');
    cart.addScan('7801610001622');
    expect(cart.total).toBe(3980);
    cart.setDocType(33);
    // 2 × 1990 / 1.19 = 3344.537816 net → 3345, IVA round(3345 × 0.19) = 636, total 3981.
    expect(cart.total).toBe(3981);
  });

  it('asks for the weight of a weighable product scanned by its code, and rings up scale labels as own lines', async () => {
    const { cart } = await till();
    expect(cart.addScan('PAN-01')).toEqual({ kind: 'needs-weight', product: pan });
    expect(cart.isEmpty).toBe(true);

    const label = buildScaleLabel(gramsPreset('20'), 1, 750);
    cart.addScan(label);
    cart.addScan(label);
    // 2490 × 0.750 = 1867.5 → 1868 (half up, as the server prices it).
    expect(cart.lines.map((l) => [l.quantity, l.amount])).toEqual([
      ['0.750', 1868],
      ['0.750', 1868],
    ]);
    expect(cart.addScan('2000001999999'.slice(0, 12) + '0')).toEqual({ kind: 'bad-label' });
    expect(cart.addScan('123')).toEqual({ kind: 'unknown' });
  });

  it('edits quantities: whole units only for unit products, minus to zero voids the line', async () => {
    const { cart } = await till();
    const line = cart.addProduct(bebida);
    expect(cart.setQuantity(line.lineId, '0.500')).toBe(false);
    expect(cart.setQuantity(line.lineId, '3.000')).toBe(true);
    cart.step(line.lineId, -1);
    expect(cart.lines[0]!.quantity).toBe('2.000');
    cart.step(line.lineId, -1);
    cart.step(line.lineId, -1);
    expect(cart.isEmpty).toBe(true);

    const weighed = cart.addProduct(pan, '1.200');
    expect(cart.setQuantity(weighed.lineId, '0.455')).toBe(true);
    cart.voidLine(weighed.lineId);
    expect(cart.isEmpty).toBe(true);
  });

  it('sends the lines voided before paying with the sale, for the audit log', async () => {
    const { cart } = await till();
    const kept = cart.addProduct(bebida);
    const voided = cart.addProduct(pan, '0.455');
    cart.voidLine(voided.lineId);
    const sale = cart.toSale({ terminalId: crypto.randomUUID(), cashSessionId: crypto.randomUUID() }, []);
    expect(sale.payload.lines).toEqual([expect.objectContaining({ productId: kept.productId })]);
    expect(sale.payload.voidedLines).toEqual([
      { productId: pan.id, name: pan.name, quantity: '0.455', unitPrice: pan.price },
    ]);
  });

  it('takes the current prices the cashier confirmed after PRICE_CHANGED', async () => {
    const { cart, server } = await till();
    cart.addProduct(bebida);
    cart.addProduct(pan, '1.000');
    cart.applyPrices([{ productId: bebida.id, shown: 1990, current: 2190 }]);
    expect(cart.lines.map((l) => l.unitPrice)).toEqual([2190, 2490]);
    // This POS has not heard of the change yet: another product's change does not undo it.
    const { storePrice: _, ...data } = pan;
    server.emit('product:changed', { changes: [{ ...data, name: 'Pan amasado', version: 2 }] });
    await nextTick();
    expect(cart.lines.map((l) => l.unitPrice)).toEqual([2190, 2490]);
    expect(cart.priceNotices).toEqual([]);
  });

  it('shows a price change on a line at once, with a notice, not only at payment', async () => {
    setActivePinia(createPinia());
    const storeId = signedIn();
    const server = fakeRealtime();
    server.on('catalog:snapshot', () => ({ version: 1, storeId, products: [bebida, pan] }));
    server.on('label:rules', () => []);
    const catalog = useCatalogStore();
    await catalog.start();
    await server.resync();
    const cart = useCartStore();
    cart.addProduct(bebida, '2.000');
    cart.addProduct(pan, '0.500');
    cart.addProduct(pan, '0.250');

    server.emit('price:changed', {
      changes: [{ productId: bebida.id, storeId: null, price: 2190, version: 2 }],
    });
    const { storePrice: _, ...data } = pan;
    server.emit('product:changed', { changes: [{ ...data, price: 2690, version: 3 }] });
    await nextTick();
    expect(cart.lines.map((l) => [l.unitPrice, l.amount])).toEqual([
      [2190, 4380],
      [2690, 1345],
      [2690, 673],
    ]);
    expect(cart.total).toBe(4380 + 1345 + 673);
    expect(cart.priceNotices).toEqual([
      { productId: bebida.id, name: bebida.name, from: 1990, to: 2190 },
      { productId: pan.id, name: pan.name, from: 2490, to: 2690 },
    ]);

    // Back to the old price: nothing left to tell. Another store's override changes nothing here.
    server.emit('price:changed', {
      changes: [{ productId: bebida.id, storeId: null, price: 1990, version: 4 }],
    });
    server.emit('price:changed', {
      changes: [{ productId: pan.id, storeId: crypto.randomUUID(), price: 100, version: 5 }],
    });
    await nextTick();
    expect(cart.lines.map((l) => l.unitPrice)).toEqual([1990, 2690, 2690]);
    expect(cart.priceNotices.map((n) => n.productId)).toEqual([pan.id]);
    cart.reset();
    expect(cart.priceNotices).toEqual([]);
  });

  it('turns the ticket into the sale payload and the receipt lines', async () => {
    const { cart } = await till();
    cart.addProduct(bebida);
    cart.addProduct(pan, '0.750');
    const terminalId = crypto.randomUUID();
    const cashSessionId = crypto.randomUUID();
    const customer = {
      id: crypto.randomUUID(),
      rut: '76192083-9',
      razonSocial: 'Almacén Rosita',
      giro: 'Comercio',
      address: 'Calle 1',
      comuna: 'Santiago',
      email: null,
      phone: null,
    };
    cart.setCustomer(customer);
    const payments = [{ method: 'cash' as const, tendered: 5000 }];

    // A boleta ignores a customer picked before switching back.
    expect(cart.toSale({ terminalId, cashSessionId }, payments).payload).not.toHaveProperty('customerId');

    cart.setDocType(33);
    const sale = cart.toSale({ terminalId, cashSessionId }, payments);
    expect(sale.payload).toEqual({
      saleId: cart.ticket.saleId,
      terminalId,
      cashSessionId,
      docType: 33,
      customerId: customer.id,
      lines: [
        {
          productId: bebida.id,
          quantity: '1.000',
          unitPrice: 1990,
          priceOverride: false,
          promotionDiscount: 0,
        },
        { productId: pan.id, quantity: '0.750', unitPrice: 2490, priceOverride: false, promotionDiscount: 0 },
      ],
      payments,
      voidedLines: [],
    });
    expect(sale.lines.map((l) => l.amount)).toEqual([1990, 1868]);
    expect(sale.customerName).toBe('Almacén Rosita');
  });

  it('holds a boleta above 135 UF (the company UF the till read) until its buyer has RUT, name, e-mail and phone, and sends the buyer with it', async () => {
    const { cart } = await till();
    // UF $100,00: 135 UF = $13.500, as the server reads it (sale:settings on every resync).
    const server = fakeRealtime();
    server.on('store:list', () => []);
    server.on('sale:settings', () => ({
      uf: { centavos: 10_000, date: '2026-12-01' },
      discountLimitPercent: 10,
    }));
    await useTillStore().load();
    cart.addProduct(bebida, '6.000'); // 6 × $1.990 = $11.940
    expect(cart.buyerRequired).toBe(false);
    cart.addProduct(bebida); // $13.930 > $13.500
    expect([cart.buyerRequired, cart.awaitingBuyer]).toEqual([true, true]);

    const buyer = {
      id: crypto.randomUUID(),
      rut: '12345678-5',
      razonSocial: 'María José Pérez',
      giro: null,
      address: null,
      comuna: null,
      email: 'maria@example.cl',
      phone: null,
    };
    cart.setCustomer(buyer);
    expect(cart.awaitingBuyer).toBe(true); // no phone yet
    cart.setCustomer({ ...buyer, phone: '+56 9 8765 4321' });
    expect(cart.awaitingBuyer).toBe(false);
    const sale = cart.toSale({ terminalId: crypto.randomUUID(), cashSessionId: crypto.randomUUID() }, [
      { method: 'cash', tendered: 14000 },
    ]);
    expect(sale.payload).toMatchObject({ docType: 39, customerId: buyer.id });
    expect(sale.customerName).toBe('María José Pérez');

    // A factura is not a boleta: no buyer rule.
    cart.setCustomer(null);
    cart.setDocType(33);
    expect([cart.buyerRequired, cart.awaitingBuyer]).toEqual([false, false]);
  });

  it('asks for the buyer when the server refused the boleta without one, whatever the till UF says', async () => {
    const { cart } = await till();
    cart.addProduct(bebida); // far below 135 UF at the fallback UF
    expect(cart.awaitingBuyer).toBe(false);
    cart.askBuyer();
    expect([cart.buyerRequired, cart.awaitingBuyer]).toEqual([true, true]);
    cart.reset();
    expect(cart.buyerRequired).toBe(false);
  });

  it('discounts a line and the ticket with the server arithmetic and sends them with their reason', async () => {
    const { cart } = await till();
    const server = fakeRealtime();
    server.on('store:list', () => []);
    server.on('sale:settings', () => ({ uf: null, discountLimitPercent: 10 }));
    await useTillStore().load();
    useTillStore().terminalId = crypto.randomUUID();
    const cola = cart.addProduct(bebida, '2.000'); // 3980
    cart.addProduct(pan, '0.750'); // 1868
    cart.setDiscount({ lineId: cola.lineId }, { kind: 'percent', percent: '10', reason: 'damaged' });
    expect(cart.lines.map((l) => [l.gross, l.discountPesos, l.amount])).toEqual([
      [3980, 398, 3582],
      [1868, 0, 1868],
    ]);
    cart.setDiscount('ticket', { kind: 'amount', amount: 450, reason: 'frequent_customer' });
    expect([cart.subtotal, cart.ticketDiscount, cart.total]).toEqual([5450, 450, 5000]);
    expect(cart.discountProblem).toBeNull();

    // $600 is 11 % of the ticket: above the cashier's 10 % it waits for a supervisor.
    cart.setDiscount('ticket', { kind: 'amount', amount: 600, reason: 'frequent_customer' });
    expect(cart.discountProblem).toBe(
      'El descuento del ticket supera su máximo: cámbielo o pida la autorización de un supervisor.',
    );
    const approvalId = crypto.randomUUID();
    server.on('sale:approve-discount', () => ({
      approvalId,
      approver: { userId: crypto.randomUUID(), name: 'Sergio' },
    }));
    const approval = { email: 'sergio@demo.cl', pin: '246810' };
    const answer = await cart.approveDiscount(
      'ticket',
      { kind: 'amount', amount: 600, reason: 'frequent_customer' },
      approval,
    );
    expect(answer.ok).toBe(true);
    expect(server.sent.at(-1)).toEqual({
      name: 'sale:approve-discount',
      payload: {
        terminalId: useTillStore().terminalId,
        productId: null,
        base: 5450,
        discount: { kind: 'amount', amount: 600, reason: 'frequent_customer' },
        approval,
      },
    });
    expect(cart.discountProblem).toBeNull();
    expect(cart.total).toBe(4850);

    const sale = cart.toSale({ terminalId: crypto.randomUUID(), cashSessionId: crypto.randomUUID() }, [
      { method: 'cash', tendered: 5000 },
    ]);
    // The approver's name stays on the till; the server gets the approval's id.
    expect(sale.payload.lines[0]).toMatchObject({
      discount: { kind: 'percent', percent: '10', reason: 'damaged' },
    });
    expect(sale.payload.lines[1]).not.toHaveProperty('discount');
    expect(sale.payload.discount).toEqual({
      kind: 'amount',
      amount: 600,
      reason: 'frequent_customer',
      approvalId,
    });
    expect(sale.lines.map((l) => l.amount)).toEqual([3582, 1868]);

    // Fewer colas: the ticket's $600 is now more than the lines come to.
    cart.setQuantity(cola.lineId, '1.000');
    cart.setDiscount('ticket', { kind: 'amount', amount: 5000, reason: 'frequent_customer', approvalId });
    expect(cart.discountProblem).toBe('El descuento del ticket supera su total: cámbielo.');
    cart.setDiscount('ticket', null);
    expect(cart.ticket).not.toHaveProperty('discount');
    expect(cart.total).toBe(1791 + 1868);
  });

  it('survives a reload with the same sale id, and a new ticket gets a new one', async () => {
    const first = await till();
    first.cart.addProduct(bebida);
    first.cart.setDocType(33);
    const saleId = first.cart.ticket.saleId;
    await saved();

    const second = await till(first.storeId);
    expect(second.cart.ticket).toMatchObject({ saleId, docType: 33, lines: [{ productId: bebida.id }] });
    second.cart.reset();
    expect(second.cart.ticket.saleId).not.toBe(saleId);
    expect(second.cart.isEmpty).toBe(true);
  });
});
