// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { type Component, createApp, h, nextTick, ref } from 'vue';
import type { Approval, StoreApprover } from '../../stores/approvers.store.ts';
import SupervisorDialog from './SupervisorDialog.vue';

const sergio: StoreApprover = { userId: crypto.randomUUID(), name: 'Sergio', role: 'supervisor' };
const ana: StoreApprover = { userId: crypto.randomUUID(), name: 'Ana', role: 'admin' };

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

function open(approvers: StoreApprover[]) {
  const authorized: Approval[] = [];
  const error = ref<string | null>(null);
  const host = document.createElement('div');
  document.body.append(host);
  const app = createApp({
    render: () =>
      h(SupervisorDialog, {
        approvers,
        confirmLabel: 'Autorizar',
        busy: false,
        error: error.value,
        onAuthorize: (approval: Approval) => authorized.push(approval),
      }),
  } as Component);
  app.mount(host);
  unmount = () => {
    app.unmount();
    host.remove();
  };
  const button = (label: string) =>
    [...host.querySelectorAll('button')].find(
      (b) => b.getAttribute('aria-label') === label || b.textContent?.trim().startsWith(label),
    )!;
  const press = async (...labels: string[]) => {
    for (const label of labels) {
      button(label).click();
      await nextTick();
    }
  };
  const pin = () => host.querySelector<HTMLInputElement>('[data-testid="approval-pin"]')!;
  return { host, authorized, error, press, pin };
}

describe('SupervisorDialog', () => {
  it('sends the approver picked and the PIN keyed on the pad, leading zero included; never a password', async () => {
    const { host, authorized, press, pin } = open([sergio, ana]);
    const fields = [...host.querySelectorAll('label')].map((label) => label.textContent);
    expect(fields).toEqual(['PIN de autorización (6 a 12 dígitos)']);
    await press('Ana · Administrador', '0', '2', '4', '6', '8');
    await press('Autorizar');
    expect(authorized).toEqual([]); // five digits: not yet
    expect(host.querySelector('[role="alert"]')?.textContent).toContain('PIN de 6 a 12 dígitos');
    await press('1', 'Autorizar');
    expect(pin().value).toBe('024681');
    expect(authorized).toEqual([{ supervisorId: ana.userId, pin: '024681' }]);
  });

  it('takes an approver not listed by email, and clears a refused PIN', async () => {
    const { host, authorized, error, press, pin } = open([]);
    expect(host.querySelector('[data-testid="no-approvers"]')).not.toBeNull();
    await press('Otro (correo)');
    const email = host.querySelector<HTMLInputElement>('input[type="email"]')!;
    email.value = ' sergio@demo.cl ';
    email.dispatchEvent(new Event('input'));
    pin().value = '97a5310';
    pin().dispatchEvent(new Event('input'));
    await nextTick();
    expect(pin().value).toBe('975310');
    await press('Autorizar');
    expect(authorized).toEqual([{ email: 'sergio@demo.cl', pin: '975310' }]);

    error.value = 'PIN incorrecto.';
    await nextTick();
    await nextTick();
    expect(pin().value).toBe('');
  });

  it('picks the only approver of the store by itself', async () => {
    const { authorized, press } = open([sergio]);
    await press('1', '3', '5', '7', '9', '0', 'Autorizar');
    expect(authorized).toEqual([{ supervisorId: sergio.userId, pin: '135790' }]);
  });
});
