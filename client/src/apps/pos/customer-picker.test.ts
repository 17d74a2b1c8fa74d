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

function mountPicker(props: { buyer?: boolean }) {
  const chosen = ref<Customer | null>(null);
  const host = document.createElement('div');
  document.body.append(host);
  const app = createApp({
    render: () =>
      h(CustomerPicker, {
        ...props,
        modelValue: chosen.value,
        'onUpdate:modelValue': (c: Customer | null) => (chosen.value = c),
      }),
  });
  app.mount(host);
  unmount = () => {
    app.unmount();
    host.remove();
  };
  return { host, chosen };
}

async function findRut(host: HTMLElement, rut: string): Promise<void> {
  type(host.querySelector('input')!, rut);
  await settle();
  [...host.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Buscar')!.click();
  await settle();
}

const fieldsOf = (form: Element) =>
  [...form.querySelectorAll<HTMLInputElement>('label')].map((label) => ({
    label: label.querySelector('span')!.textContent,
    required: label.querySelector('input')!.required,
  }));

it("as a boleta's buyer, creates a customer with name, e-mail and phone required (no giro or address)", async () => {
  setActivePinia(createPinia());
  const server = fakeRealtime();
  server.on('customer:find', () => null);
  server.on('customer:create', (input) => ({
    id: crypto.randomUUID(),
    rut: input.rut,
    razonSocial: input.razonSocial,
    giro: null,
    address: null,
    comuna: null,
    email: input.email ?? null,
    phone: input.phone ?? null,
  }));
  const { host, chosen } = mountPicker({ buyer: true });
  await findRut(host, '12.345.678-5');

  const form = host.querySelector('form')!;
  expect(fieldsOf(form)).toEqual([
    { label: 'Nombre o razón social', required: true },
    { label: 'Correo', required: true },
    { label: 'Teléfono', required: true },
  ]);
  const inputs = form.querySelectorAll<HTMLInputElement>('input');
  for (const [i, value] of ['María José Pérez', 'maria@example.cl', '+56 9 8765 4321'].entries()) {
    type(inputs[i]!, value);
  }
  form.dispatchEvent(new Event('submit'));
  await settle();
  expect(server.sent.at(-1)).toEqual({
    name: 'customer:create',
    payload: {
      rut: '12345678-5',
      razonSocial: 'María José Pérez',
      email: 'maria@example.cl',
      phone: '+56 9 8765 4321',
    },
  });
  expect(chosen.value).toMatchObject({ email: 'maria@example.cl', phone: '+56 9 8765 4321' });
  expect(host.querySelector('[data-testid="complete-buyer"]')).toBeNull();
});

it('as a factura customer, keeps asking for giro and address, with the e-mail optional', async () => {
  setActivePinia(createPinia());
  fakeRealtime().on('customer:find', () => null);
  const { host } = mountPicker({});
  await findRut(host, '77.123.456-9');
  expect(fieldsOf(host.querySelector('form')!)).toEqual([
    { label: 'Razón social', required: true },
    { label: 'Giro', required: true },
    { label: 'Dirección', required: true },
    { label: 'Comuna', required: true },
    { label: 'Correo (opcional)', required: false },
  ]);
});

it("as a boleta's buyer, picks a stored customer and asks only for its blank e-mail or phone, sent with customer:complete", async () => {
  setActivePinia(createPinia());
  const server = fakeRealtime();
  const stored: Customer = {
    id: crypto.randomUUID(),
    rut: '77123456-9',
    razonSocial: 'Comercial Ñuñoa Ltda.',
    giro: 'Almacén',
    address: 'Irarrázaval 100',
    comuna: 'Ñuñoa',
    email: 'compras@nunoa.cl',
    phone: null,
  };
  server.on('customer:find', () => stored);
  server.on('customer:complete', (input) => ({ ...stored, phone: input.phone ?? null }));
  const { host, chosen } = mountPicker({ buyer: true });
  await findRut(host, '77.123.456-9');
  expect(chosen.value).toEqual(stored);

  const form = host.querySelector('[data-testid="complete-buyer"]')!;
  expect(fieldsOf(form)).toEqual([{ label: 'Teléfono', required: true }]);
  type(form.querySelector('input')!, '2 2345 6789');
  form.dispatchEvent(new Event('submit'));
  await settle();
  expect(server.sent.at(-1)).toEqual({
    name: 'customer:complete',
    payload: { id: stored.id, phone: '2 2345 6789' },
  });
  expect(chosen.value).toEqual({ ...stored, phone: '2 2345 6789' });
  await settle();
  expect(host.querySelector('[data-testid="complete-buyer"]')).toBeNull();
  expect(host.querySelector('[data-testid="customer"]')?.textContent).toContain(
    'compras@nunoa.cl · 2 2345 6789',
  );
});
