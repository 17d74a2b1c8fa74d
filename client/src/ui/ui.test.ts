// @vitest-environment happy-dom

import { afterEach, describe, expect, it } from 'vitest';
import { type Component, createApp, h, nextTick, ref } from 'vue';
import ConnectionBadge from './ConnectionBadge.vue';
import ErrorBanner from './ErrorBanner.vue';
import MoneyText from './MoneyText.vue';
import NumPad from './NumPad.vue';
import RutInput from './RutInput.vue';
import { formatRutInput } from './rut-format.ts';

let unmount: (() => void) | undefined;

function mount(render: () => ReturnType<typeof h>): HTMLElement {
  const host = document.createElement('div');
  document.body.append(host);
  const app = createApp({ render } as Component);
  app.mount(host);
  unmount = () => {
    app.unmount();
    host.remove();
  };
  return host;
}

afterEach(() => unmount?.());

describe('formatRutInput', () => {
  it.each([
    ['1', '1'],
    ['12', '1-2'],
    ['123456785', '12.345.678-5'],
    ['12.345.678-5', '12.345.678-5'],
    ['7619208-3', '7.619.208-3'],
    ['12345678k', '12.345.678-K'],
    ['1k2k', '12-K'], // a K can only be the check digit
    ['12a34', '123-4'],
    ['1234567890', '12.345.678-9'], // at most 8 digits plus the check digit
  ])('%s → %s', (typed, shown) => {
    expect(formatRutInput(typed)).toBe(shown);
  });
});

describe('RutInput', () => {
  it('formats as typed, emits the canonical RUT when valid and null otherwise', async () => {
    const value = ref<string | null>(null);
    const host = mount(() =>
      h(RutInput, {
        modelValue: value.value,
        'onUpdate:modelValue': (v: string | null) => (value.value = v),
      }),
    );
    const input = host.querySelector('input')!;

    input.value = '123456785';
    input.dispatchEvent(new Event('input'));
    await nextTick();
    expect(input.value).toBe('12.345.678-5');
    expect(value.value).toBe('12345678-5');

    input.value = '123456780';
    input.dispatchEvent(new Event('input'));
    input.dispatchEvent(new Event('blur'));
    await nextTick();
    expect(value.value).toBeNull();
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(host.querySelector('[role="alert"]')?.textContent).toBe(
      'El RUT no es válido. Revise los números y el dígito verificador.',
    );
  });
});

describe('MoneyText', () => {
  it('shows pesos with dots and no decimals', () => {
    const host = mount(() => h('div', [h(MoneyText, { amount: 1990 }), h(MoneyText, { amount: 1234567 })]));
    expect([...host.querySelectorAll('.money')].map((e) => e.textContent)).toEqual(['$1.990', '$1.234.567']);
  });

  it('refuses to show a fractional amount as money', () => {
    const host = mount(() => h(MoneyText, { amount: 19.9 }));
    expect(host.textContent).toBe('—');
  });
});

describe('NumPad', () => {
  it('edits the value with digits, backspace and clear, and confirms it', async () => {
    const value = ref('');
    const entered: string[] = [];
    const host = mount(() =>
      h(NumPad, {
        modelValue: value.value,
        'onUpdate:modelValue': (v: string) => (value.value = v),
        enterLabel: 'Cobrar',
        onEnter: (v: string) => entered.push(v),
      }),
    );
    const key = (label: string) =>
      [...host.querySelectorAll('button')].find(
        (b) => b.getAttribute('aria-label') === label || b.textContent?.trim() === label,
      )!;

    for (const k of ['0', '1', '9', '9', '0']) {
      key(k).click();
      await nextTick();
    }
    expect(value.value).toBe('1990'); // no leading zero
    key('Borrar').click();
    await nextTick();
    expect(value.value).toBe('199');
    key('Cobrar').click();
    expect(entered).toEqual(['199']);
    key('Borrar todo').click();
    await nextTick();
    expect(value.value).toBe('');
  });
  it('keeps leading zeros in a code (a PIN is not a number)', async () => {
    const value = ref('');
    const host = mount(() =>
      h(NumPad, {
        modelValue: value.value,
        'onUpdate:modelValue': (v: string) => (value.value = v),
        code: true,
      }),
    );
    for (const k of ['0', '0', '7']) {
      [...host.querySelectorAll('button')].find((b) => b.textContent?.trim() === k)!.click();
      await nextTick();
    }
    expect(value.value).toBe('007');
  });
});

describe('ConnectionBadge and ErrorBanner', () => {
  it('names each connection state in Spanish', async () => {
    const status = ref<'connected' | 'reconnecting' | 'offline'>('connected');
    const host = mount(() => h(ConnectionBadge, { status: status.value }));
    const texts: string[] = [];
    for (const s of ['connected', 'reconnecting', 'offline'] as const) {
      status.value = s;
      await nextTick();
      texts.push(host.textContent!.trim());
    }
    expect(texts).toEqual(['Conectado', 'Reconectando…', 'Sin conexión']);
  });

  it('names what a connected page reaches when given, and the state itself otherwise', async () => {
    const status = ref<'connected' | 'reconnecting'>('connected');
    const host = mount(() => h(ConnectionBadge, { status: status.value, label: 'Conectado a la tienda' }));
    expect(host.textContent!.trim()).toBe('Conectado a la tienda');
    status.value = 'reconnecting';
    await nextTick();
    expect(host.textContent!.trim()).toBe('Reconectando…');
  });

  it('shows the Spanish message of an error code', () => {
    const host = mount(() => h(ErrorBanner, { error: 'TOO_MANY_ATTEMPTS' }));
    expect(host.querySelector('[role="alert"]')?.textContent).toContain('Demasiados intentos fallidos');
  });
});
