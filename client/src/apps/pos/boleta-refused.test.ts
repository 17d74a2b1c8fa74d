// @vitest-environment happy-dom
/**
 * The server has the last word on a boleta above 135 UF (its UF may be newer than the till's):
 * when it answers BOLETA_NEEDS_RECEIVER, the payment panel keeps its Spanish message, shows the
 * buyer picker, and does not charge again until a complete buyer is attached; the buyer then
 * goes with the boleta.
 */
import 'fake-indexeddb/auto';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, expect, it } from 'vitest';
import { createApp, nextTick } from 'vue';
import { useCartStore } from '../../stores/cart.store.ts';
import { useTillStore } from '../../stores/till.store.ts';
import { openedSession } from '../../test/cash-sessions.ts';
import { fakeRealtime, signedIn } from '../../test/fake-realtime.ts';
import { product } from '../../test/products.ts';
import SellView from './SellView.vue';

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

const settle = async () => {
  for (let i = 0; i < 10; i++) await nextTick();
  await new Promise((resolve) => setTimeout(resolve, 0));
};

const REFUSAL =
  'La boleta de $14.990 supera 135 UF ($13.500 con la UF del 01-12-2026): debe identificar al comprador (Ley 21.713). Falta: RUT, nombre, correo y teléfono.';

it('on BOLETA_NEEDS_RECEIVER shows the message and the buyer picker, and sends the buyer with the boleta', async () => {
  const pinia = createPinia();
  setActivePinia(pinia);
  signedIn();
  const server = fakeRealtime();
  const till = useTillStore();
  till.terminalId = crypto.randomUUID();
  till.cashSession = openedSession(till.terminalId);
  // The till still has no UF (fallback: $5.186.253), the server already has $100,00.
  const cart = useCartStore();
  cart.addProduct(product({ code: 'PAR-01', name: 'Parlante', price: 14_990 }));
  server.on('sale:commit', () => ({
    ok: false,
    error: {
      code: 'BOLETA_NEEDS_RECEIVER',
      message: REFUSAL,
      details: { missing: ['rut', 'name', 'email', 'phone'] },
    },
  }));
  server.on('sale:settings', () => ({
    uf: { centavos: 10_000, date: '2026-12-01' },
    discountLimitPercent: 10,
  }));

  const host = document.createElement('div');
  document.body.append(host);
  const app = createApp(SellView);
  app.use(pinia).mount(host);
  unmount = () => {
    app.unmount();
    host.remove();
  };
  const byTestId = (id: string) => host.querySelector<HTMLButtonElement>(`[data-testid="${id}"]`)!;

  expect(byTestId('pay-button').disabled).toBe(false);
  byTestId('pay-button').click();
  await settle();
  const tendered = host.querySelector<HTMLInputElement>('[data-testid="cash-tendered"]')!;
  tendered.value = '15000';
  tendered.dispatchEvent(new Event('input'));
  await settle();
  byTestId('charge').click();
  await settle();

  expect(host.querySelector('[role="alert"]')?.textContent).toContain(REFUSAL);
  expect(byTestId('charge').disabled).toBe(true);
  const dialog = host.querySelector('[role="dialog"]')!;
  expect(dialog.querySelector('.find button')?.textContent?.trim()).toBe('Buscar');
  expect(till.uf).toEqual({ centavos: 10_000, date: '2026-12-01' });
  expect(byTestId('pay-button').disabled).toBe(true);

  const buyer = {
    id: crypto.randomUUID(),
    rut: '12345678-5',
    razonSocial: 'María José Pérez',
    giro: null,
    address: null,
    comuna: null,
    email: 'maria@example.cl',
    phone: '+56 9 8765 4321',
  };
  cart.setCustomer(buyer);
  await settle();
  expect(byTestId('charge').disabled).toBe(false);
  byTestId('charge').click();
  await settle();
  expect(server.sent.filter((s) => s.name === 'sale:commit').at(-1)?.payload).toMatchObject({
    docType: 39,
    customerId: buyer.id,
  });
});
