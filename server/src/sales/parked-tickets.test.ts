/**
 * Parked tickets over real sockets: a cashier parks the open ticket at Caja 1, every till of the
 * store hears of it, another till resumes it with everything the first one had and sells it.
 * Another store neither sees nor takes it, another company finds nothing, two tills resuming at
 * once get it once, a second server finds what the first one parked, and bad input is refused.
 */
import { randomUUID } from 'node:crypto';
import { MAX_PARKED_LINES, MAX_PARKED_TICKETS_PER_STORE, type ParkTicketInput } from '@erp/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { connectClient, nextEvent, startTestServer, type TestClient, tokenFor } from '../../test/harness.ts';
import type { Till } from '../../test/selling.ts';
import { useSellingFixture } from '../../test/selling-fixture.ts';
import { withTenant } from '../platform/orm.ts';

const [, LECHE, BEBIDA] = [0, 1, 2];
const shop = useSellingFixture({ label: 'park', others: ['park-other'], stock: '100', cafs: [[39, 1, 20]] });

type Answer<T = unknown> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };
type ParkPayload = z.input<typeof ParkTicketInput>;

async function ok<T>(promise: Promise<Answer<T>>): Promise<T> {
  const result = await promise;
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.data;
}

async function refused(promise: Promise<Answer>, code: string): Promise<string> {
  const answer = await promise;
  expect(answer).toMatchObject({ ok: false, error: { code } });
  return answer.ok ? '' : answer.error.message;
}

/** Caja 1 (the fixture's till) and Caja 2 of store A, store B's cashier, another company's. */
let caja1: Till;
let caja2: Till;
let storeB: TestClient;
let storeBTerminal: string;
let otherCompany: TestClient;
let otherTerminal: string;

beforeAll(async () => {
  const { tenant, tenants } = shop;
  caja1 = shop.till;
  caja2 = await shop.openTill(tenant.stores[0]!.terminalIds[1]!);
  storeB = await shop.signIn(tenant, tenant.emails.cashier2, { screen: 'pos' });
  storeBTerminal = tenant.stores[1]!.terminalIds[0]!;
  const other = tenants[1]!;
  otherCompany = await shop.signIn(other, other.emails.cashier, { screen: 'pos' });
  otherTerminal = other.stores[0]!.terminalIds[0]!;
});

/** A ticket as the POS parks it: cart lines with fields the server does not know (a line discount). */
function ticket(terminalId: string, overrides: Partial<ParkPayload> = {}): ParkPayload {
  const leche = shop.products[LECHE]!;
  return {
    id: randomUUID(),
    terminalId,
    label: 'Espera 1 · 14:32',
    docType: 39,
    lines: [
      {
        lineId: randomUUID(),
        productId: leche.id,
        name: leche.name,
        code: leche.code,
        weighable: false,
        quantity: '2.000',
        unitPrice: leche.price,
        discount: { kind: 'percent', value: 10 },
      },
    ],
    extra: { ticketDiscount: { kind: 'amount', value: 200 } },
    itemCount: 2,
    total: 2 * leche.price,
    ...overrides,
  };
}

const list = (socket: TestClient) => ok(socket.emitWithAck('ticket:parked-list', {}));
const waitingIds = async (socket: TestClient) => (await list(socket)).map((t) => t.id);
const resume = (till: Till, id: string) =>
  till.socket.emitWithAck('ticket:resume', { id, terminalId: till.terminalId });

describe('parking and resuming', () => {
  it("parks a ticket: every till of the store hears of it and lists it, other stores' tills do not", async () => {
    const heardAtCaja2 = nextEvent(caja2.socket, 'ticket:parked-changed');
    const heardInStoreB = nextEvent(storeB, 'ticket:parked-changed', 1500);
    const parked = await ok(caja1.socket.emitWithAck('ticket:park', ticket(caja1.terminalId)));
    expect(parked).toMatchObject({
      label: 'Espera 1 · 14:32',
      itemCount: 2,
      total: 2380,
      docType: 39,
      customerName: null,
      storeId: shop.tenant.stores[0]!.id,
      parkedBy: { name: 'Cajero' },
      terminal: { id: caja1.terminalId, name: 'Caja 1' },
    });
    expect(Date.now() - Date.parse(parked.parkedAt)).toBeLessThan(60_000);
    expect(await heardAtCaja2).toEqual({ status: 'parked', ticket: parked });
    expect(await heardInStoreB).toBeUndefined();

    expect(await list(caja2.socket)).toContainEqual(parked);
    expect(await waitingIds(storeB)).not.toContain(parked.id);
    expect(await waitingIds(otherCompany)).not.toContain(parked.id);
  });

  it('resumes at another till of the store with its lines, fields, buyer and voided lines, and sells it', async () => {
    const customer = await ok(
      caja1.socket.emitWithAck('customer:create', {
        rut: '12.345.678-5',
        razonSocial: 'Panadería La Espiga Ltda.',
        giro: 'Panadería',
        address: 'Av. Siempre Viva 123',
        comuna: 'Ñuñoa',
      }),
    );
    const bebida = shop.products[BEBIDA]!;
    const voided = { productId: bebida.id, name: bebida.name, quantity: '1.000', unitPrice: bebida.price };
    const parkedTicket = ticket(caja1.terminalId, {
      docType: 33,
      customerId: customer.id,
      voidedLines: [voided],
      label: 'Señora del pan',
    });
    const parked = await ok(caja1.socket.emitWithAck('ticket:park', parkedTicket));
    expect(parked.customerName).toBe('Panadería La Espiga Ltda.');

    const heardAtCaja1 = nextEvent(
      caja1.socket,
      'ticket:parked-changed',
      10_000,
      (change) => (change as { status: string }).status !== 'parked',
    );
    const resumed = await ok(resume(caja2, parked.id));
    expect(resumed).toEqual({
      ...parked,
      lines: parkedTicket.lines,
      voidedLines: [voided],
      extra: parkedTicket.extra,
      customer,
    });
    expect(await heardAtCaja1).toEqual({ status: 'resumed', id: parked.id, storeId: parked.storeId });
    expect(await waitingIds(caja1.socket)).not.toContain(parked.id);

    // The resumed lines are a sale like any other at the till that took them.
    const sold = await ok(
      caja2.socket.emitWithAck('sale:commit', {
        saleId: randomUUID(),
        terminalId: caja2.terminalId,
        cashSessionId: caja2.cashSessionId,
        lines: resumed.lines.map((l) => ({
          productId: l.productId,
          quantity: l.quantity,
          unitPrice: l.unitPrice,
        })),
        payments: [{ method: 'card', amount: 2380, authorizationCode: 'AUT1' }],
      }),
    );
    expect(sold.total).toBe(2380);
  });

  it('keeps its id spent once taken: parking it again is refused, while waiting it is replaced', async () => {
    const first = ticket(caja1.terminalId);
    await ok(caja1.socket.emitWithAck('ticket:park', first));
    // The answer was lost and the till parks the same ticket again, with one more line.
    const again = { ...first, label: 'Espera 2', lines: [...first.lines, ...ticket(caja1.terminalId).lines] };
    const replaced = await ok(caja1.socket.emitWithAck('ticket:park', again));
    expect(replaced.label).toBe('Espera 2');
    expect((await waitingIds(caja2.socket)).filter((id) => id === first.id)).toHaveLength(1);

    expect((await ok(resume(caja2, first.id))).lines).toHaveLength(2);
    const message = await refused(caja1.socket.emitWithAck('ticket:park', first), 'PARKED_TICKET_GONE');
    expect(message).toBe('«Espera 2» ya fue retomado en Caja 2.');
  });
});

it('gives a resumed ticket again to the till that took it (its answer was lost), never to another', async () => {
  const parked = await ok(caja1.socket.emitWithAck('ticket:park', ticket(caja1.terminalId)));
  const first = await ok(resume(caja2, parked.id));
  expect(await ok(resume(caja2, parked.id))).toEqual(first);
  expect(await refused(resume(caja1, parked.id), 'PARKED_TICKET_GONE')).toBe(
    '«Espera 1 · 14:32» ya fue retomado en Caja 2.',
  );
  await refused(
    caja2.socket.emitWithAck('ticket:discard', { id: parked.id, terminalId: caja2.terminalId }),
    'PARKED_TICKET_GONE',
  );
});

describe('store and company boundaries', () => {
  it("another store's till neither resumes, discards nor re-parks it; another company finds nothing", async () => {
    const parked = await ok(caja1.socket.emitWithAck('ticket:park', ticket(caja1.terminalId)));

    const own = { id: parked.id, terminalId: storeBTerminal };
    expect(await refused(storeB.emitWithAck('ticket:resume', own), 'STORE_SCOPE')).toBe(
      'El ticket en espera pertenece a otra sucursal.',
    );
    await refused(storeB.emitWithAck('ticket:discard', own), 'STORE_SCOPE');
    // Naming a till of store A instead is refused for the till.
    expect(
      await refused(
        storeB.emitWithAck('ticket:resume', { id: parked.id, terminalId: caja1.terminalId }),
        'STORE_SCOPE',
      ),
    ).toBe('La caja pertenece a otra sucursal.');
    await refused(storeB.emitWithAck('ticket:park', ticket(caja1.terminalId)), 'STORE_SCOPE');
    await refused(
      storeB.emitWithAck('ticket:park', ticket(storeBTerminal, { id: parked.id })),
      'STORE_SCOPE',
    );

    const elsewhere = { id: parked.id, terminalId: otherTerminal };
    await refused(otherCompany.emitWithAck('ticket:resume', elsewhere), 'NOT_FOUND');
    await refused(otherCompany.emitWithAck('ticket:discard', elsewhere), 'NOT_FOUND');

    // Untouched: still waiting, as parked.
    expect(await list(caja2.socket)).toContainEqual(parked);
    expect((await ok(resume(caja2, parked.id))).id).toBe(parked.id);
  });

  it('is for the tills: a warehouse worker may not park or list', async () => {
    const { tenant } = shop;
    const warehouse = await shop.signIn(tenant, tenant.emails.warehouse, { screen: 'tablet' });
    await refused(warehouse.emitWithAck('ticket:parked-list', {}), 'FORBIDDEN');
    await refused(warehouse.emitWithAck('ticket:park', ticket(caja1.terminalId)), 'FORBIDDEN');
  });
});

describe('taken once', () => {
  it('of two tills resuming (or one discarding) the same ticket at once, exactly one gets it', async () => {
    for (let round = 0; round < 8; round++) {
      const parked = await ok(caja1.socket.emitWithAck('ticket:park', ticket(caja1.terminalId)));
      const discarding = round % 2 === 1;
      const answers = await Promise.all([
        resume(caja1, parked.id),
        discarding
          ? caja2.socket.emitWithAck('ticket:discard', { id: parked.id, terminalId: caja2.terminalId })
          : resume(caja2, parked.id),
      ]);
      const winners = answers.filter((a) => a.ok);
      const losers = answers.filter((a) => !a.ok);
      expect(winners, `round ${round}`).toHaveLength(1);
      expect(losers[0]).toMatchObject({
        ok: false,
        error: {
          code: 'PARKED_TICKET_GONE',
          message: expect.stringMatching(/^«Espera 1 · 14:32» ya fue (retomado|descartado) en Caja [12]\.$/),
        },
      });
    }
  });

  it('a discarded ticket is audited with its lines (its voided ones as voids) and gone for every till', async () => {
    const bebida = shop.products[BEBIDA]!;
    const voided = { productId: bebida.id, name: bebida.name, quantity: '1.000', unitPrice: bebida.price };
    const parked = await ok(
      caja1.socket.emitWithAck(
        'ticket:park',
        ticket(caja1.terminalId, { label: 'Se fue', voidedLines: [voided] }),
      ),
    );
    const discard = { id: parked.id, terminalId: caja2.terminalId };
    expect(await ok(caja2.socket.emitWithAck('ticket:discard', discard))).toEqual({ id: parked.id });
    expect(await refused(resume(caja1, parked.id), 'PARKED_TICKET_GONE')).toBe(
      '«Se fue» ya fue descartado en Caja 2.',
    );

    const entries = await withTenant(shop.server.orm, shop.tenant.tenantId, (em) =>
      em.execute<{ kind: string; terminal_id: string; details: Record<string, unknown> }[]>(
        `select kind, terminal_id, details from audit_log where details->>'ticketId' = ? order by kind`,
        [parked.id],
      ),
    );
    const leche = shop.products[LECHE]!;
    expect(entries).toEqual([
      { kind: 'line_void', terminal_id: caja2.terminalId, details: { ticketId: parked.id, ...voided } },
      {
        kind: 'ticket_discard',
        terminal_id: caja2.terminalId,
        details: {
          ticketId: parked.id,
          label: 'Se fue',
          total: 2380,
          parkedBy: 'Cajero',
          lines: [{ productId: leche.id, name: leche.name, quantity: '2.000', unitPrice: leche.price }],
        },
      },
    ]);
  });
});

it('keeps waiting tickets in the database: another server process lists and resumes them', async () => {
  const parked = await ok(
    caja1.socket.emitWithAck('ticket:park', ticket(caja1.terminalId, { label: 'Antes' })),
  );
  const restarted = await startTestServer();
  try {
    const socket = await connectClient(restarted.url, shop.tenant.slug, {
      token: await tokenFor(restarted.url, shop.tenant.emails.cashier),
      screen: 'pos',
    });
    try {
      expect(await list(socket)).toContainEqual(parked);
      const resumed = await ok(
        socket.emitWithAck('ticket:resume', { id: parked.id, terminalId: caja2.terminalId }),
      );
      expect(resumed.label).toBe('Antes');
    } finally {
      socket.close();
    }
  } finally {
    await restarted.close();
  }
});

describe('limits and bad input', () => {
  it('refuses malformed tickets with VALIDATION, and an unknown buyer with NOT_FOUND', async () => {
    const valid = ticket(caja1.terminalId);
    const line = valid.lines[0]!;
    const bad: [string, ParkPayload][] = [
      ['no lines', { ...valid, lines: [] }],
      ['too many lines', { ...valid, lines: Array.from({ length: MAX_PARKED_LINES + 1 }, () => line) }],
      ['empty label', { ...valid, label: '   ' }],
      ['long label', { ...valid, label: 'x'.repeat(41) }],
      ['comma quantity', { ...valid, lines: [{ ...line, quantity: '1,5' }] }],
      ['negative price', { ...valid, lines: [{ ...line, unitPrice: -1 }] }],
      ['huge line', { ...valid, lines: [{ ...line, note: 'x'.repeat(3000) }] }],
      ['huge extra', { ...valid, extra: { note: 'x'.repeat(5000) } }],
      ['unknown document', { ...valid, docType: 61 as 39 }],
    ];
    for (const [what, payload] of bad) {
      expect(await caja1.socket.emitWithAck('ticket:park', payload), what).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION' },
      });
    }
    expect(
      await refused(
        caja1.socket.emitWithAck('ticket:park', { ...valid, customerId: randomUUID() }),
        'NOT_FOUND',
      ),
    ).toBe('No se encontró el cliente.');
    expect(await waitingIds(caja1.socket)).not.toContain(valid.id);
  });

  it(`keeps at most ${MAX_PARKED_TICKETS_PER_STORE} tickets waiting per store, also when two tills park the last place at once`, async () => {
    const waiting = (await list(caja1.socket)).length;
    for (let i = waiting; i < MAX_PARKED_TICKETS_PER_STORE - 1; i++) {
      await ok(caja1.socket.emitWithAck('ticket:park', ticket(caja1.terminalId)));
    }
    const lastPlace = await Promise.all([
      caja1.socket.emitWithAck('ticket:park', ticket(caja1.terminalId)),
      caja2.socket.emitWithAck('ticket:park', ticket(caja2.terminalId)),
    ]);
    expect(lastPlace.filter((a) => a.ok)).toHaveLength(1);
    expect(lastPlace.find((a) => !a.ok)).toMatchObject({ ok: false, error: { code: 'PARKED_TICKETS_FULL' } });
    expect(await list(caja1.socket)).toHaveLength(MAX_PARKED_TICKETS_PER_STORE);
    await refused(caja1.socket.emitWithAck('ticket:park', ticket(caja1.terminalId)), 'PARKED_TICKETS_FULL');

    // Another store has its own places; in this one, a discarded ticket frees one.
    await ok(storeB.emitWithAck('ticket:park', ticket(storeBTerminal)));
    const [oldest] = await list(caja1.socket);
    await ok(caja1.socket.emitWithAck('ticket:discard', { id: oldest!.id, terminalId: caja1.terminalId }));
    await ok(caja1.socket.emitWithAck('ticket:park', ticket(caja1.terminalId)));
  });
});
