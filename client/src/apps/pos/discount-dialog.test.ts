// @vitest-environment happy-dom
/**
 * The discount dialog: what a discount takes off and the cashier's limit as it is typed; within
 * the limit it applies at once, above it a supervisor picked at the till keys in their PIN and
 * the discount carries the approval the server gave (never the PIN). The cart shows each
 * discount and the ticket's under the subtotal.
 */
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, expect, it } from 'vitest';
import { createApp, h, nextTick } from 'vue';
import { useCartStore } from '../../stores/cart.store.ts';
import { useTillStore } from '../../stores/till.store.ts';
import { fakeRealtime, signedIn } from '../../test/fake-realtime.ts';
import { product } from '../../test/products.ts';
import CartPanel from './CartPanel.vue';
import DiscountDialog from './DiscountDialog.vue';

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

async function mounted() {
  const pinia = createPinia();
  setActivePinia(pinia);
  signedIn();
  const server = fakeRealtime();
  const till = useTillStore();
  till.discountLimit = 10;
  till.terminalId = crypto.randomUUID();
  const cart = useCartStore();
  const line = cart.addProduct(product({ code: 'BEB-01', name: 'Bebida cola 1,5 L', price: 1990 }));
  const host = document.createElement('div');
  document.body.append(host);
  let open = true;
  const app = createApp({
    render: () => [
      h(CartPanel),
      open ? h(DiscountDialog, { target: { lineId: line.lineId }, onClose: () => (open = false) }) : null,
    ],
  });
  app.use(pinia).mount(host);
  unmount = () => {
    app.unmount();
    host.remove();
  };
  // Keys of the dialog on top (the cart's own quantity key also reads "1").
  const button = (label: string) =>
    [...[...host.querySelectorAll('[role="dialog"]')].at(-1)!.querySelectorAll('button')].find(
      (b) => b.getAttribute('aria-label') === label || b.textContent?.trim().startsWith(label),
    )!;
  const press = async (...labels: string[]) => {
    for (const label of labels) {
      button(label).click();
      await nextTick();
    }
  };
  const text = (testid: string) =>
    host.querySelector(`[data-testid="${testid}"]`)?.textContent?.replace(/\s+/g, ' ').trim();
  return { host, server, cart, line, press, text, isOpen: () => open };
}

it('applies a discount within the limit at once, with its reason', async () => {
  const { cart, press, text, isOpen } = await mounted();
  expect(text('discount-limit')).toBe('Su máximo sin autorización: 10% ($199)');
  await press('1', '0');
  expect(text('discount-preview')).toBe('Descuento -$199 · queda $1.791');
  await press('Aplicar descuento');
  expect(text('discount-dialog')).toContain('Elija el motivo del descuento.');
  await press('Producto dañado', 'Aplicar descuento');
  expect(isOpen()).toBe(false);
  expect(cart.ticket.lines[0]!.discount).toEqual({ kind: 'percent', percent: '10', reason: 'damaged' });
  await nextTick();
  expect(text('line-discount')).toMatch(/^Desc\. 10% dañado ?-\$199$/);
  expect(text('cart-total')).toBe('$1.791');
});

it("asks a supervisor's PIN above the limit and keeps the approval, not the PIN", async () => {
  const { cart, server, press, text, isOpen } = await mounted();
  const sergio = { userId: crypto.randomUUID(), name: 'Sergio', role: 'supervisor' as const };
  server.on('approval:approvers', () => [sergio]);
  const approvalId = crypto.randomUUID();
  server.on('sale:approve-discount', () => ({
    approvalId,
    approver: { userId: sergio.userId, name: 'Sergio' },
  }));
  await press('Pesos ($)', '5', '0', '0');
  expect(text('discount-preview')).toBe('Descuento -$500 · queda $1.490');
  expect(text('discount-limit')).toContain('Supera su máximo: un supervisor debe autorizarlo con su PIN.');
  await press('Cliente frecuente', 'Pedir autorización');
  await new Promise((resolve) => setTimeout(resolve, 0));
  await nextTick();
  expect(text('supervisor-dialog')).toContain('Sergio · Supervisor');
  expect(text('approval-subject')).toBe(
    'Descuento cliente frecuente de $500 en Bebida cola 1,5 L ($1.990): supera el máximo de 10% de quien vende.',
  );
  await press(...'246810', 'Autorizar descuento');
  await new Promise((resolve) => setTimeout(resolve, 0));
  expect(server.sent.find((c) => c.name === 'sale:approve-discount')?.payload).toEqual({
    terminalId: useTillStore().terminalId,
    productId: cart.ticket.lines[0]!.productId,
    base: 1990,
    discount: { kind: 'amount', amount: 500, reason: 'frequent_customer' },
    approval: { supervisorId: sergio.userId, pin: '246810' },
  });
  expect(isOpen()).toBe(false);
  expect(cart.ticket.lines[0]!.discount).toEqual({
    kind: 'amount',
    amount: 500,
    reason: 'frequent_customer',
    approvalId,
    approvedBy: 'Sergio',
  });
  expect(cart.discountProblem).toBeNull();
});
