// @vitest-environment happy-dom
/**
 * The till's customer picker never overwrites a customer: when the RUT it is creating turns out
 * to be registered (CUSTOMER_EXISTS), it picks the stored customer and says so.
 */
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, expect, it } from 'vitest';
import { createApp, h, nextTick, ref } from 'vue';
import type { Customer } from '../../stores/cart.store.ts';
import { fakeRealtime } from '../../test/fake-realtime.ts';
import CustomerPicker from './CustomerPicker.vue';

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

const settle = async () => {
  for (let i = 0; i < 5; i++) await nextTick();
};

function type(input: HTMLInputElement, value: string): void {
  input.value = value;
  input.dispatchEvent(new Event('input'));
}

it('picks the stored customer when the RUT being created is already registered', async () => {
  setActivePinia(createPinia());
  const server = fakeRealtime();
  const stored: Customer = {
    id: crypto.randomUUID(),
    rut: '77123456-9',
    razonSocial: 'Comercial Ñuñoa Ltda.',
    giro: 'Almacén',
    address: 'Irarrázaval 100',
    comuna: 'Ñuñoa',
    email: null,
    phone: null,
  };
  // Not there when looked up; registered by another till before this one creates it.
  server.on('customer:find', () => null);
  server.on('customer:create', () => ({
    ok: false,
    error: {
      code: 'CUSTOMER_EXISTS',
      message: 'Ya hay un cliente con ese RUT: se usan sus datos registrados.',
    },
  }));

  const chosen = ref<Customer | null>(null);
  const host = document.createElement('div');
  document.body.append(host);
  const app = createApp({
    render: () =>
      h(CustomerPicker, {
        modelValue: chosen.value,
        'onUpdate:modelValue': (c: Customer | null) => (chosen.value = c),
      }),
  });
  app.mount(host);
  unmount = () => {
    app.unmount();
    host.remove();
  };

  type(host.querySelector('input')!, '77.123.456-9');
  await settle();
  [...host.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Buscar')!.click();
  await settle();
  const fields = host.querySelectorAll<HTMLInputElement>('form input');
  for (const [i, value] of ['Otra Empresa SpA', 'Ferretería', 'Calle Falsa 123', 'Maipú'].entries()) {
    type(fields[i]!, value);
  }
  server.on('customer:find', () => stored);
  host.querySelector('form')!.dispatchEvent(new Event('submit'));
  await settle();

  expect(server.sent.map((s) => s.name)).toEqual(['customer:find', 'customer:create', 'customer:find']);
  expect(chosen.value).toEqual(stored);
  await settle();
  expect(host.querySelector('[data-testid="customer"]')?.textContent).toContain('Comercial Ñuñoa Ltda.');
  expect(host.querySelector('[role="alert"]')?.textContent).toContain('se usan sus datos registrados');
});
