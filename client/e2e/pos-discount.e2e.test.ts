import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { demoProducts, seedDemoCatalog } from '../../server/src/catalog/index.ts';
import { createTestTenant, TEST_PIN, type TestServer, type TestTenant } from '../../server/test/harness.ts';
import { addCaf } from '../../server/test/selling.ts';
import { ticketAmounts } from '../src/stores/ticket-amounts.ts';
import {
  launchChromium,
  ringUp,
  screenshot,
  signedInPage,
  startServerWithClient,
  tenantQuery,
  visibleText as text,
  VIEWPORTS,
} from './harness.ts';

/**
 * Discounts at the touch POS with the demo catalog (Chromium, real server): a cashier gives 10 %
 * off a damaged product at once, asks a supervisor for a discount above their 10 % (the
 * supervisor taps their name and keys in their PIN at the till), and 5 % off the ticket for a
 * frequent customer. The ticket shows each discount and still fits at 1024×768; the boleta the
 * server issues shows each discount and the total the POS showed.
 */
const DEMO_SIZE = 5000;
const demo = demoProducts(DEMO_SIZE);
/** Two products sold by the unit at different prices, found by name as a cashier searches them. */
const [damaged, expensive] = (() => {
  const units = demo.filter((p) => !p.weighable && !p.exempt && p.price >= 1500 && p.price <= 9000);
  return [units[0]!, units.find((p) => p.price !== units[0]!.price && p.category !== units[0]!.category)!];
})();

let server: TestServer;
let tenant: TestTenant;
let browser: Browser;
let pos: Page;

beforeAll(async () => {
  server = await startServerWithClient();
  tenant = await createTestTenant(server, 'posdisc');
  await seedDemoCatalog(server.orm, tenant.tenantId, DEMO_SIZE);
  await addCaf(server, tenant, 39, 1, 20);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && pos) await screenshot(pos, 'pos-discount-failure');
});

const query = <T>(sql: string, params: unknown[] = []) =>
  tenantQuery<T>(server, tenant.tenantId, sql, params);

/** The whole element is inside the window. */
async function expectOnScreen(target: Locator, what: string): Promise<void> {
  const box = await target.boundingBox();
  const size = pos.viewportSize()!;
  expect(box, `${what} is rendered`).not.toBeNull();
  expect(box!.x >= 0 && box!.y >= 0, what).toBe(true);
  expect(box!.x + box!.width, `${what}: right edge`).toBeLessThanOrEqual(size.width);
  expect(box!.y + box!.height, `${what}: bottom edge`).toBeLessThanOrEqual(size.height);
}

const clp = (pesos: number) => `${pesos < 0 ? '-' : ''}$${Math.abs(pesos).toLocaleString('es-CL')}`;

describe('discounts at the touch POS (Chromium, demo catalog, real server)', () => {
  it('gives a line discount within the limit, one above it with a supervisor, and one on the ticket; the boleta shows each', async () => {
    pos = await signedInPage(browser, server.url, tenant.emails.cashier, VIEWPORTS.pos);
    await pos.locator('button.tile').first().click();
    await pos.waitForURL(`${server.url}/pos/`);
    await pos.getByRole('button', { name: /Caja 1/ }).click();
    await pos.getByTestId('opening-float').fill('20000');
    await pos.getByRole('button', { name: 'Abrir caja' }).click();
    await pos.getByText(`${DEMO_SIZE.toLocaleString('es-CL')} productos`).waitFor();

    await ringUp(pos, damaged.name);
    await ringUp(pos, expensive.name);
    const lines = pos.getByTestId('cart-line');
    await expect.poll(() => lines.count()).toBe(2);

    // 10 % off the damaged one: within the cashier's 10 %, applied at once.
    await lines.nth(0).getByTestId('line-name').click();
    await pos.getByTestId('line-discount-button').click();
    const dialog = pos.getByTestId('discount-dialog');
    await dialog.getByRole('button', { name: '1', exact: true }).click();
    await dialog.getByRole('button', { name: '0', exact: true }).click();
    const tenth = Math.round(damaged.price / 10);
    expect(await text(pos, 'discount-preview')).toBe(
      `Descuento ${clp(-tenth)} · queda ${clp(damaged.price - tenth)}`,
    );
    expect(await text(pos, 'discount-limit')).toBe(`Su máximo sin autorización: 10% (${clp(tenth)})`);
    await dialog.getByRole('button', { name: 'Producto dañado' }).click();
    await screenshot(pos, 'pos-discount-line');
    await dialog.getByRole('button', { name: 'Aplicar descuento' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await text(pos, lines.nth(0).getByTestId('line-discount'))).toBe(
      `Desc. 10% dañado ${clp(-tenth)}`,
    );

    // A quarter off the other, in pesos: above 10 %, so a supervisor authorizes with their PIN.
    const quarter = Math.floor(expensive.price / 4);
    await lines.nth(1).getByTestId('line-name').click();
    await pos.getByTestId('line-discount-button').click();
    await dialog.getByRole('button', { name: 'Pesos ($)' }).click();
    await dialog.getByTestId('discount-value').fill(String(quarter));
    await dialog.getByRole('button', { name: 'Cliente frecuente' }).click();
    expect(await text(pos, 'discount-limit')).toContain(
      'Supera su máximo: un supervisor debe autorizarlo con su PIN.',
    );
    await dialog.getByRole('button', { name: 'Pedir autorización' }).click();
    const supervisor = pos.getByTestId('supervisor-dialog');
    // The supervisor sees what their PIN approves.
    expect(await text(pos, 'approval-subject')).toBe(
      `Descuento cliente frecuente de ${clp(quarter)} en ${expensive.name} (${clp(expensive.price)}): supera el máximo de 10% de quien vende.`,
    );
    await supervisor.getByRole('button', { name: 'Supervisor · Supervisor' }).click();
    for (const digit of TEST_PIN) await supervisor.getByRole('button', { name: digit, exact: true }).click();
    await screenshot(pos, 'pos-discount-approval');
    await supervisor.getByRole('button', { name: 'Autorizar descuento' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await text(pos, lines.nth(1).getByTestId('line-discount'))).toBe(
      `Desc. cliente frecuente · autorizó Supervisor ${clp(-quarter)}`,
    );

    // 5 % off the ticket for a frequent customer.
    await pos.getByTestId('ticket-discount-button').click();
    await dialog.getByRole('button', { name: '5', exact: true }).click();
    await dialog.getByRole('button', { name: 'Cliente frecuente' }).click();
    await dialog.getByRole('button', { name: 'Aplicar descuento' }).click();
    await dialog.waitFor({ state: 'detached' });

    const expected = ticketAmounts(
      39,
      [
        {
          quantity: '1.000',
          unitPrice: damaged.price,
          discount: { kind: 'percent', percent: '10', reason: 'damaged' },
        },
        {
          quantity: '1.000',
          unitPrice: expensive.price,
          discount: { kind: 'amount', amount: quarter, reason: 'frequent_customer' },
        },
      ],
      { kind: 'percent', percent: '5', reason: 'frequent_customer' },
    );
    expect(await text(pos, 'cart-subtotal')).toBe(clp(expected.subtotal));
    expect(await text(pos, 'cart-ticket-discount')).toBe(
      `Descuento ticket 5% cliente frecuente ${clp(-expected.ticketDiscount)}`,
    );
    expect(await text(pos, 'cart-total')).toBe(clp(expected.total));
    await screenshot(pos, 'pos-discount-cart-1280x800');

    // The ticket with its discounts still fits a 1024×768 till: no sideways scroll, total and Cobrar on screen.
    await pos.setViewportSize({ width: 1024, height: 768 });
    const width = await pos.evaluate<{ scroll: number; window: number }>(
      '({ scroll: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth), window: window.innerWidth })',
    );
    expect(width.scroll).toBeLessThanOrEqual(width.window);
    await expectOnScreen(pos.getByTestId('cart-total'), 'total at 1024x768');
    await expectOnScreen(pos.getByTestId('pay-button'), 'Cobrar at 1024x768');
    await expectOnScreen(pos.getByTestId('cart-ticket-discount'), 'ticket discount at 1024x768');
    await screenshot(pos, 'pos-discount-cart-1024x768');
    await pos.setViewportSize(VIEWPORTS.pos);

    await pos.getByTestId('pay-button').click();
    await pos.getByTestId('cash-tendered').fill('50000');
    await pos.getByTestId('charge').click();
    await pos.getByTestId('receipt-folio').waitFor();
    const receipt = pos.getByTestId('receipt');
    const shown = receipt.getByTestId('receipt-line-discount');
    expect(await shown.count()).toBe(2);
    expect(await text(pos, shown.nth(0))).toBe(`Desc. 10% dañado ${clp(-tenth)}`);
    expect(await text(pos, shown.nth(1))).toBe(`Desc. cliente frecuente ${clp(-quarter)}`);
    expect(await text(pos, receipt.getByTestId('receipt-ticket-discount'))).toBe(
      `Descuento ticket 5% cliente frecuente ${clp(-expected.ticketDiscount)}`,
    );
    expect(await text(pos, 'receipt-folio')).toBe('Boleta electrónica N° 1');
    // The timbre is drawn once its PDF417 code has loaded.
    await expect
      .poll(async () => (await pos.getByTestId('timbre').boundingBox())?.width ?? 0)
      .toBeGreaterThan(200);
    await screenshot(pos, 'pos-discount-receipt');

    // What the server recorded: the boleta's total, and who gave each discount, why, and who approved it.
    const [sale] = await query<{ id: string; total: string; discount: string }>(
      `select id, total, discount from sale where doc_type = 39 and folio = 1`,
    );
    expect(sale).toMatchObject({ total: String(expected.total), discount: String(expected.ticketDiscount) });
    const audit = await query<{ details: Record<string, unknown> }>(
      `select details from audit_log where kind = 'discount' and details->>'saleId' = ? order by id`,
      [sale!.id],
    );
    expect(audit.map((a) => [a.details.label, a.details.amount, a.details.approverName ?? null])).toEqual([
      ['10% dañado', tenth, null],
      ['cliente frecuente', quarter, 'Supervisor'],
      ['5% cliente frecuente', expected.ticketDiscount, null],
    ]);
    await pos.getByTestId('new-sale').click();
    await expect.poll(() => lines.count()).toBe(0);
  }, 180_000);
});
