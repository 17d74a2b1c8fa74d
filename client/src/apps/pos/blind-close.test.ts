// @vitest-environment happy-dom
/**
 * The till's X report and close report with what the server sends each role: a cashier's come
 * without the expected cash and the cash sales (blind close), so those rows and cells show
 * nothing and a note says the supervisor reviews them; a supervisor's show every figure.
 */
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, describe, expect, it } from 'vitest';
import { type Component, createApp, h, nextTick } from 'vue';
import { type CashSession, type CloseReport, useTillStore } from '../../stores/till.store.ts';
import { openedSession } from '../../test/cash-sessions.ts';
import { fakeRealtime } from '../../test/fake-realtime.ts';
import CashCloseReport from './CashCloseReport.vue';
import XReport from './XReport.vue';

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

function mount(component: Component): HTMLElement {
  const host = document.createElement('div');
  document.body.append(host);
  const app = createApp({ render: () => h(component) });
  app.mount(host);
  unmount = () => {
    app.unmount();
    host.remove();
  };
  return host;
}

/**
 * A session with $4.000 in cash sales and $2.500 by card on a $20.000 float, a $1.000 cash abono
 * and a $3.000 sale on a customer's account (fiado).
 */
function supervised(): CashSession {
  const session = openedSession(crypto.randomUUID());
  return {
    ...session,
    totals: {
      ...session.totals,
      cashSales: 4000,
      cardSales: 2500,
      cashAbonos: 1000,
      abonoCount: 1,
      fiadoSales: 3000,
      ticketCount: 3,
      expectedCash: 25000,
      expectedCard: 2500,
    },
  };
}

/** The same session as a cashier's till gets it. */
function blind(session: CashSession): CashSession {
  const { cashSales: _sales, cashAbonos: _abonos, expectedCash: _expected, ...totals } = session.totals;
  return { ...session, totals };
}

/** Each table row as its cells' text, space separated: `'Efectivo $25.000 $23.000 -$2.000'`. */
const rows = (host: HTMLElement) =>
  [...host.querySelectorAll('tbody tr')].map((tr) =>
    [...tr.children].map((cell) => cell.textContent?.trim()).join(' '),
  );
const settle = async () => {
  for (let i = 0; i < 3; i++) await nextTick();
};

async function xReportOf(answer: CashSession): Promise<HTMLElement> {
  setActivePinia(createPinia());
  const server = fakeRealtime();
  server.on('cash:report', () => answer);
  useTillStore().cashSession = answer;
  const host = mount(XReport);
  await settle();
  return host;
}

function closeReportOf(session: CashSession, cashDifference?: number): HTMLElement {
  setActivePinia(createPinia());
  const report: CloseReport = {
    session: { ...session, status: 'closed' },
    zNumber: 7,
    countedCash: 23000,
    countedCard: 2500,
    ...(cashDifference === undefined ? {} : { cashDifference }),
    cardDifference: 0,
    tolerance: 1000,
    approvedBy: null,
    closedAt: new Date().toISOString(),
  };
  useTillStore().closeReport = report;
  return mount(CashCloseReport);
}

describe('blind close at the till', () => {
  it("shows a cashier's X report by method without the expected cash, and says who sees it", async () => {
    const host = await xReportOf(blind(supervised()));
    expect(rows(host)).toEqual([
      'Fondo inicial $20.000',
      'Devoluciones en efectivo $0',
      'Ingresos de efectivo $0',
      'Retiros de efectivo $0',
      'Ventas con tarjeta $2.500',
      'Reversas de tarjeta $0',
      'Abonos de fiado con tarjeta $0',
      'Tarjeta esperada (vouchers) $2.500',
      'Ventas al fiado (a cuenta de clientes) $3.000',
      'Ventas 3',
      'Devoluciones 0',
      'Abonos 1',
    ]);
    expect(host.querySelector('[data-testid="x-blind"]')).not.toBeNull();
  });

  it("shows a supervisor's X report with every figure and no note", async () => {
    const host = await xReportOf(supervised());
    expect(rows(host)).toEqual(
      expect.arrayContaining([
        'Ventas en efectivo $4.000',
        'Abonos de fiado en efectivo $1.000',
        'Efectivo esperado en caja $25.000',
      ]),
    );
    expect(host.querySelector('[data-testid="x-blind"]')).toBeNull();
  });

  it("shows a cashier's close report with what was counted in cash but not what was expected", () => {
    const host = closeReportOf(blind(supervised()));
    expect(rows(host)).toEqual(['Efectivo — $23.000 —', 'Tarjeta $2.500 $2.500 $0']);
    expect(host.querySelector('[data-testid="blind-close"]')).not.toBeNull();
  });

  it("shows a supervisor's close report with expected, counted and difference", () => {
    const host = closeReportOf(supervised(), -2000);
    expect(rows(host)).toEqual(['Efectivo $25.000 $23.000 -$2.000', 'Tarjeta $2.500 $2.500 $0']);
    expect(host.querySelector('[data-testid="blind-close"]')).toBeNull();
  });
});
