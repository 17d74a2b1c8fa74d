// @vitest-environment happy-dom
/**
 * A boleta above 135 UF cannot be paid at the till until its buyer is identified (Ley 21.713):
 * the cart offers "Identificar comprador" and keeps Cobrar disabled until the buyer has RUT,
 * name, e-mail and phone.
 */
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, expect, it } from 'vitest';
import { createApp, nextTick } from 'vue';
import { useCartStore } from '../../stores/cart.store.ts';
import { useTillStore } from '../../stores/till.store.ts';
import { product } from '../../test/products.ts';
import CartPanel from './CartPanel.vue';

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

it('disables Cobrar on a boleta above 135 UF until a complete buyer is attached', async () => {
  const pinia = createPinia();
  setActivePinia(pinia);
  // UF $100,00: 135 UF = $13.500.
  useTillStore().uf = { centavos: 10_000, date: '2026-12-01' };
  const cart = useCartStore();
  const host = document.createElement('div');
  document.body.append(host);
  const identified: string[] = [];
  const app = createApp(CartPanel, { onIdentify: () => identified.push('identify') });
  app.use(pinia).mount(host);
  unmount = () => {
    app.unmount();
    host.remove();
  };
  const pay = () => host.querySelector<HTMLButtonElement>('[data-testid="pay-button"]')!;

  cart.addProduct(product({ code: 'TV-1', name: 'Televisor', price: 13_500 }));
  await nextTick();
  expect(pay().disabled).toBe(false); // exactly 135 UF is not above it
  expect(host.querySelector('[data-testid="cart-buyer"]')).toBeNull();

  cart.addProduct(product({ code: 'PILA', name: 'Pila', price: 990 }));
  await nextTick();
  expect(pay().disabled).toBe(true);
  const identify = host.querySelector<HTMLButtonElement>('[data-testid="identify-buyer"]')!;
  expect(identify.textContent?.trim()).toBe('Identificar comprador (boleta sobre 135 UF)');
  identify.click();
  expect(identified).toEqual(['identify']);

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
  await nextTick();
  expect(pay().disabled).toBe(true); // no phone
  cart.setCustomer({ ...buyer, phone: '+56 9 8765 4321' });
  await nextTick();
  expect(pay().disabled).toBe(false);
  expect(host.querySelector('[data-testid="cart-buyer"]')?.textContent).toContain(
    'Comprador: María José Pérez · 12.345.678-5',
  );
});
