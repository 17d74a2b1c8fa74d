// @vitest-environment happy-dom
import { fail } from '@erp/shared/errors';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { openedSession } from '../test/cash-sessions.ts';
import { fakeRealtime, signedIn } from '../test/fake-realtime.ts';
import { type OriginalSale, useReturnStore } from './return.store.ts';
import { TERMINAL_STORAGE_KEY, useTillStore } from './till.store.ts';

const terminal = { id: crypto.randomUUID(), code: 'S1-C1', name: 'Caja 1' };
const warehouseId = crypto.randomUUID();
const TED = (folio: number, total: number) =>
  `<TED version="1.0"><DD><RE>76192083-9</RE><TD>39</TD><F>${folio}</F><FE>2026-11-24</FE><RR>66666666-6</RR>` +
  `<RSR>Consumidor final</RSR><MNT>${total}</MNT><IT1>Leche</IT1><CAF version="1.0"></CAF></DD><FRMT>x</FRMT></TED>`;

function original(overrides: Partial<OriginalSale> = {}): OriginalSale {
  return {
    saleId: crypto.randomUUID(),
    storeId: crypto.randomUUID(),
    docType: 39,
    folio: 12,
    issuedAt: '2026-11-24T13:15:00.000Z',
    issueDate: '2026-11-24',
    total: 5048,
    paidCash: 2048,
    paidCard: 3000,
    customer: null,
    lines: [
      // 3 × $1.190 with a $300 discount on the line.
      {
        lineNo: 1,
        productId: crypto.randomUUID(),
        name: 'Leche',
        weighable: false,
        quantity: '3.000',
        returned: '0.000',
        unitPrice: 1190,
        discount: 300,
        amount: 3270,
      },
      {
        lineNo: 2,
        productId: crypto.randomUUID(),
        name: 'Pan',
        weighable: true,
        quantity: '0.750',
        returned: '0.000',
        unitPrice: 2490,
        discount: 0,
        amount: 1868,
      },
    ],
    creditNotes: [],
    ...overrides,
  };
}

async function setup(sale = original()) {
  setActivePinia(createPinia());
  const storeId = signedIn();
  const server = fakeRealtime();
  const cash = openedSession(terminal.id);
  server.on('store:list', () => [
    {
      id: storeId,
      name: 'Tienda A',
      address: '',
      comuna: '',
      siiBranchCode: null,
      warehouses: [{ id: warehouseId, code: 'S1', name: 'Sala' }],
      terminals: [terminal],
    },
  ]);
  server.on('cash:current', () => cash);
  localStorage.setItem(TERMINAL_STORAGE_KEY('demo', storeId), terminal.id);
  const till = useTillStore();
  till.start();
  await server.resync();
  server.on('sale:find', ({ original: ref }) =>
    'docType' in ref && ref.docType === sale.docType && ref.folio === sale.folio
      ? sale
      : fail('NOT_FOUND', 'No se encontró la venta original.'),
  );
  return { server, sale, cash, till, returns: useReturnStore() };
}

const supervisorId = crypto.randomUUID();
const request = {
  warehouseId,
  refundMethod: 'cash' as const,
  reason: 'Producto vencido',
  approval: { supervisorId, pin: '246810' },
};

describe('return store', () => {
  beforeEach(() => localStorage.clear());

  it('finds the original from its scanned timbre and refuses a timbre whose total is not that sale', async () => {
    const { server, returns, sale } = await setup();
    expect((await returns.find(TED(12, 5048), 39)).ok).toBe(true);
    expect(server.sent.at(-1)).toEqual({
      name: 'sale:find',
      payload: { original: { docType: 39, folio: 12 } },
    });
    expect(returns.sale?.saleId).toBe(sale.saleId);
    expect(returns.lines.map((l) => [l.name, l.available, l.chosen])).toEqual([
      ['Leche', '3.000', '0.000'],
      ['Pan', '0.750', '0.000'],
    ]);

    // Same type and folio, another company's receipt.
    const other = await returns.find(TED(12, 990), 39);
    expect(other).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(returns.sale).toBeNull();
    expect(returns.error?.message).toMatch(/no corresponde/);

    expect((await returns.find('39-77', 39)).ok).toBe(false);
    expect(returns.error?.code).toBe('NOT_FOUND');
    expect((await returns.find('leche', 39)).ok).toBe(false);
    expect(server.sent.filter((s) => s.name === 'sale:find')).toHaveLength(3);
  });

  it('chooses up to what is still returnable, prices the choice as sold, and tells a whole annulment', async () => {
    const { returns } = await setup(
      original({
        lines: [{ ...original().lines[0]!, returned: '1.000' }, original().lines[1]!],
      }),
    );
    await returns.find('12', 39);
    returns.step(1, 1);
    returns.step(1, 1);
    returns.step(1, 1); // only 2 left
    returns.step(2, 1); // a weighed line goes whole
    expect(returns.lines.map((l) => l.chosen)).toEqual(['2.000', '0.750']);
    // 2 × 1190 − 300 × 2/3 = 2180; 0,750 kg × 2490 = 1868.
    expect(returns.amount).toBe(2180 + 1868);
    expect(returns.selection).toEqual([
      { lineNo: 1, quantity: '2.000' },
      { lineNo: 2, quantity: '0.750' },
    ]);
    // Everything left is chosen, but one unit went back before: amounts (CodRef 3), not an annulment.
    expect(returns.annulsWhole).toBe(false);
    returns.step(2, -1);
    returns.choose(1, '-1.000');
    expect(returns.selection).toEqual([]);
  });

  it('calls choosing every line of an untouched sale a whole annulment', async () => {
    const { returns } = await setup();
    await returns.find('39-12', 33);
    returns.chooseAll();
    expect(returns.annulsWhole).toBe(true);
    returns.step(1, -1);
    expect(returns.annulsWhole).toBe(false);
  });

  it('resends a return whose answer was lost with the same id, and a changed one with a new id', async () => {
    const { server, returns, cash } = await setup();
    await returns.find('12', 39);
    returns.step(1, 1);
    const ids = () =>
      server.sent
        .filter((s) => s.name === 'sale:return')
        .map((s) => (s.payload as { returnId: string }).returnId);

    server.on('sale:return', () => fail('TIMEOUT'));
    const till = { terminalId: terminal.id, cashSessionId: cash.id };
    expect((await returns.submit(till, request)).ok).toBe(false);
    expect((await returns.submit(till, request)).ok).toBe(false);
    expect(ids()[0]).toBe(ids()[1]);

    returns.step(1, 1); // another content: another return
    await returns.submit(till, request);
    expect(ids()[2]).not.toBe(ids()[1]);

    const refunded = {
      ...cash,
      totals: { ...cash.totals, cashRefunds: 2180, returnCount: 1, expectedCash: 17820 },
    };
    server.on('cash:current', () => refunded);
    server.on('sale:return', (input) => ({
      saleId: input.returnId,
      docType: 61,
      folio: 1,
      issuedAt: new Date().toISOString(),
      net: 1832,
      iva: 348,
      exempt: 0,
      total: 2180,
      toPay: -2180,
      cashRounding: 0,
      paidCash: -2180,
      paidCard: 0,
      paidFiado: 0,
      change: 0,
      ted: '<TED/>',
      discounts: [],
      reference: { docType: 39, folio: 12, date: '2026-11-24', code: 3 as const },
    }));
    const done = await returns.submit(till, request);
    expect(done.ok).toBe(true);
    expect(ids()[3]).toBe(ids()[2]);
    expect(server.sent.at(-2)?.payload).toMatchObject({
      original: { saleId: returns.sale!.saleId },
      lines: [{ lineNo: 1, quantity: '2.000' }],
      warehouseId,
      refundMethod: 'cash',
      reason: 'Producto vencido',
      approval: { supervisorId, pin: '246810' },
    });
    expect(server.sent.at(-2)?.payload).not.toHaveProperty('supervisor');
    expect(returns.result?.reference.code).toBe(3);
    // The drawer on screen is the server's after the refund.
    expect(server.sent.at(-1)?.name).toBe('cash:current');
    expect(useTillStore().cashSession?.totals.cashRefunds).toBe(2180);

    // A definite refusal (wrong PIN) forgets the id: nothing was written.
    server.on('sale:return', () => fail('APPROVAL_INVALID'));
    await returns.submit(till, request);
    await returns.submit(till, request);
    expect(ids()[4]).not.toBe(ids()[3]);
    expect(ids()[5]).not.toBe(ids()[4]);
  });
});
