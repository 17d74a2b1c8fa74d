// @vitest-environment happy-dom
import 'fake-indexeddb/auto';
import { fail } from '@erp/shared/errors';
import type { CustomerView } from '@erp/shared/events/index';
import { createPinia, setActivePinia } from 'pinia';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { fakeRealtime, signedIn } from '../test/fake-realtime.ts';
import { product } from '../test/products.ts';
import { useCartStore } from './cart.store.ts';
import { useCatalogStore } from './catalog.store.ts';
import { type ParkedSummary, type ResumedTicket, useParkedTicketsStore } from './parked-tickets.store.ts';
import { useTillStore } from './till.store.ts';

const bebida = product({
  code: 'BEB-01',
  name: 'Bebida cola 1,5 L',
  barcodes: ['7801610001622'],
  price: 1990,
});
const leche = product({ code: 'LEC-01', name: 'Leche entera 1 L', price: 1190 });
const TERMINAL = crypto.randomUUID();
const customer: z.output<typeof CustomerView> = {
  id: crypto.randomUUID(),
  rut: '12345678-5',
  razonSocial: 'Panadería La Espiga Ltda.',
  giro: 'Panadería',
  address: 'Av. Siempre Viva 123',
  comuna: 'Ñuñoa',
  email: null,
  phone: null,
};

async function till() {
  setActivePinia(createPinia());
  const storeId = signedIn();
  const server = fakeRealtime();
  server.on('catalog:snapshot', () => ({ version: 1, storeId, products: [bebida, leche] }));
  server.on('label:rules', () => []);
  server.on('ticket:parked-list', () => []);
  await useCatalogStore().start();
  const cart = useCartStore();
  await cart.start();
  useTillStore().terminalId = TERMINAL;
  const parked = useParkedTicketsStore();
  parked.start();
  await server.resync();
  return { storeId, server, cart, parked };
}

function summary(storeId: string, overrides: Partial<ParkedSummary> = {}): ParkedSummary {
  return {
    id: crypto.randomUUID(),
    storeId,
    label: 'Espera 1 · 14:32',
    docType: 39,
    itemCount: 2,
    total: 3180,
    customerName: null,
    parkedAt: new Date().toISOString(),
    parkedBy: { id: crypto.randomUUID(), name: 'Cajero' },
    terminal: { id: TERMINAL, name: 'Caja 1' },
    ...overrides,
  };
}

describe('parked tickets store', () => {
  it('parks the open ticket with its lines as the cart keeps them, then starts the next customer', async () => {
    const { server, cart, parked, storeId } = await till();
    cart.addProduct(bebida);
    cart.addProduct(leche, '2.000');
    cart.setCustomer(customer);
    cart.setDocType(33);
    // A field the server's park check does not read (the line's discount): it rides along.
    Object.assign(cart.ticket.lines[0]!, { discount: { kind: 'percent', percent: '10', reason: 'damaged' } });
    cart.voidLine(cart.ticket.lines[1]!.lineId);
    cart.addProduct(leche);
    const saleId = cart.ticket.saleId;
    const lines = JSON.parse(JSON.stringify(cart.ticket.lines));
    const total = cart.total;
    server.on('ticket:park', (payload) => summary(storeId, { id: payload.id, label: payload.label }));

    const answer = await parked.park('Señora del pan');
    expect(answer.ok).toBe(true);
    expect(server.sent.at(-1)).toEqual({
      name: 'ticket:park',
      payload: {
        id: saleId,
        terminalId: TERMINAL,
        label: 'Señora del pan',
        docType: 33,
        customerId: customer.id,
        lines,
        voidedLines: [expect.objectContaining({ productId: leche.id, quantity: '2.000' })],
        extra: {},
        itemCount: 2,
        total,
      },
    });
    expect(lines[0].discount).toEqual({ kind: 'percent', percent: '10', reason: 'damaged' });
    expect(cart.isEmpty).toBe(true);
    expect(cart.ticket.saleId).not.toBe(saleId);
    expect(parked.tickets.map((t) => t.label)).toEqual(['Señora del pan']);
  });

  it('keeps the ticket on screen when the answer is lost, so parking again replaces it', async () => {
    const { server, cart, parked } = await till();
    cart.addProduct(bebida);
    server.on('ticket:park', () => fail('TIMEOUT'));
    expect(await parked.park('Espera 1')).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } });
    expect(cart.isEmpty).toBe(false);
    expect(parked.count).toBe(0);
  });

  it('resumes into the empty cart as a new sale, at the parked prices, and notices a price that changed', async () => {
    const { server, cart, parked, storeId } = await till();
    // Rung up and voided here before resuming: still audited with the sale.
    cart.addProduct(leche);
    cart.voidLine(cart.ticket.lines[0]!.lineId);
    const waiting = summary(storeId);
    server.emit('ticket:parked-changed', { status: 'parked', ticket: waiting });
    const line = (p: typeof bebida, unitPrice: number, quantity: string) => ({
      lineId: crypto.randomUUID(),
      productId: p.id,
      name: p.name,
      code: p.code,
      weighable: false,
      quantity,
      unitPrice,
      exempt: false,
      discount: { kind: 'amount', amount: 100, reason: 'frequent_customer' },
    });
    // Parked when the bebida was $1.790; the catalog says $1.990 now. The milk kept its price.
    const resumed: ResumedTicket = {
      ...waiting,
      docType: 33,
      lines: [line(bebida, 1790, '1.000'), line(leche, 1190, '2.000')],
      voidedLines: [line(bebida, 1790, '3.000')],
      extra: { buyerAsked: true },
      customer,
    };
    server.on('ticket:resume', () => structuredClone(resumed));

    expect(await parked.resume(waiting)).toMatchObject({ ok: true });
    expect(server.sent.at(-1)).toEqual({
      name: 'ticket:resume',
      payload: { id: waiting.id, terminalId: TERMINAL },
    });
    expect(parked.count).toBe(0);
    expect(cart.ticket.saleId).not.toBe(waiting.id);
    expect(cart.ticket).toMatchObject({ docType: 33, customer, buyerAsked: true });
    expect(cart.ticket.lines).toEqual([{ ...resumed.lines[0], unitPrice: 1990 }, resumed.lines[1]]);
    expect(cart.priceNotices).toEqual([{ productId: bebida.id, name: bebida.name, from: 1790, to: 1990 }]);
    expect(cart.ticket.voidedLines?.map((l) => [l.productId, l.quantity])).toEqual([
      [bebida.id, '3.000'],
      [leche.id, '1.000'],
    ]);
  });

  it('resumes only into an empty cart', async () => {
    const { server, cart, parked, storeId } = await till();
    cart.addProduct(bebida);
    const answer = await parked.resume(summary(storeId));
    expect(answer).toMatchObject({
      ok: false,
      error: {
        code: 'VALIDATION',
        message: 'Cobre o ponga en espera el ticket actual antes de retomar otro.',
      },
    });
    expect(server.sent.map((s) => s.name)).not.toContain('ticket:resume');
  });

  it('after a lost answer to a resume asks again; a ticket another till took leaves the list', async () => {
    const { server, cart, parked, storeId } = await till();
    const [lost, taken] = [summary(storeId), summary(storeId, { label: 'Espera 2' })];
    for (const ticket of [lost, taken]) server.emit('ticket:parked-changed', { status: 'parked', ticket });

    server.on('ticket:resume', () => fail('TIMEOUT'));
    await parked.resume(lost);
    expect(parked.unsure?.id).toBe(lost.id);
    // The connection came back without the news: the list no longer has it, the retry still does.
    server.on('ticket:parked-list', () => [taken]);
    await server.resync();
    expect(parked.tickets.map((t) => t.id)).toEqual([taken.id]);
    server.on('ticket:resume', () => ({ ...lost, lines: [], voidedLines: [], extra: {}, customer: null }));
    expect(await parked.resume(parked.unsure!)).toMatchObject({ ok: true });
    expect(parked.unsure).toBeNull();
    cart.reset();

    server.on('ticket:resume', () => fail('PARKED_TICKET_GONE', '«Espera 2» ya fue retomado en Caja 2.'));
    expect(await parked.resume(taken)).toMatchObject({ ok: false, error: { code: 'PARKED_TICKET_GONE' } });
    expect(parked.count).toBe(0);
  });

  it('follows the list live: news in any order converge, and a read keeps what was heard meanwhile', async () => {
    const { server, parked, storeId } = await till();
    const [a, b, c] = [summary(storeId), summary(storeId), summary(storeId)];
    // The "resumed" news overtook the "parked" one: the ticket never shows.
    server.emit('ticket:parked-changed', { status: 'resumed', id: a.id, storeId });
    server.emit('ticket:parked-changed', { status: 'parked', ticket: a });
    expect(parked.count).toBe(0);

    // A list read answers with what it read; c was parked after it read, and heard meanwhile.
    let answer: (tickets: ParkedSummary[]) => void = () => {};
    server.on('ticket:parked-list', () => new Promise<ParkedSummary[]>((resolve) => (answer = resolve)));
    const reading = parked.load();
    server.emit('ticket:parked-changed', { status: 'parked', ticket: c });
    answer([a, b]);
    await reading;
    expect(parked.tickets.map((t) => t.id).sort()).toEqual([b.id, c.id].sort());
  });
});
