// @vitest-environment happy-dom
import { fail } from '@erp/shared/errors';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, describe, expect, it } from 'vitest';
import { type Component, createApp, h, nextTick } from 'vue';
import { fakeRealtime } from '../test/fake-realtime.ts';
import ApprovalPinDialog from './ApprovalPinDialog.vue';

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

const settle = async () => {
  for (let i = 0; i < 4; i++) await nextTick();
};

async function open() {
  const pinia = createPinia();
  setActivePinia(pinia);
  const server = fakeRealtime();
  server.on('approval:pin-status', () => ({ set: false, setAt: null }));
  const host = document.createElement('div');
  document.body.append(host);
  const app = createApp({ render: () => h(ApprovalPinDialog) } as Component);
  app.use(pinia);
  app.mount(host);
  unmount = () => {
    app.unmount();
    host.remove();
  };
  await settle();
  const type = (selector: string, value: string) => {
    const input = host.querySelector<HTMLInputElement>(selector)!;
    input.value = value;
    input.dispatchEvent(new Event('input'));
  };
  const fill = async (password: string, pin: string, again = pin) => {
    type('input[type="password"][autocomplete="current-password"]', password);
    type('[data-testid="new-pin"]', pin);
    type('[data-testid="new-pin-again"]', again);
    host.querySelector('form')!.dispatchEvent(new Event('submit'));
    await settle();
  };
  const alert = () => host.querySelector('[role="alert"]')?.textContent ?? '';
  return { host, server, fill, alert };
}

describe('ApprovalPinDialog', () => {
  it('checks the PIN here first, then sets it with the login password', async () => {
    const { host, server, fill, alert } = await open();
    expect(host.querySelector('[data-testid="approval-pin-status"]')?.textContent).toContain(
      'Aún no tiene PIN',
    );

    await fill('clave', '123456');
    expect(alert()).toContain('menos obvio');
    await fill('clave', '482915', '482916');
    expect(alert()).toContain('Los dos PIN no coinciden.');
    expect(server.sent.filter((s) => s.name === 'approval:set-pin')).toEqual([]);

    server.on('approval:set-pin', () =>
      fail('INVALID_CREDENTIALS', 'Contraseña incorrecta. Quedan 4 intentos.'),
    );
    await fill('mala', '482915');
    expect(alert()).toContain('Contraseña incorrecta. Quedan 4 intentos.');

    server.on('approval:set-pin', () => ({ set: true, setAt: new Date().toISOString() }));
    await fill('clave', '482915');
    expect(server.sent.at(-1)).toEqual({
      name: 'approval:set-pin',
      payload: { password: 'clave', pin: '482915' },
    });
    expect(host.querySelector('[data-testid="approval-pin-saved"]')).not.toBeNull();
  });
});
