import { formatClp, roundCash } from '@erp/shared';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { demoProducts, seedDemoCatalog } from '../../server/src/catalog/index.ts';
import { withTenant } from '../../server/src/platform/orm.ts';
import { createTestTenant, TEST_PIN, type TestServer, type TestTenant } from '../../server/test/harness.ts';
import { addCaf, receiveStock } from '../../server/test/selling.ts';
import {
  launchChromium,
  scan,
  screenshot,
  signedInPage,
  startServerWithClient,
  visibleText as text,
  VIEWPORTS,
} from './harness.ts';

/**
 * Promotions from the back office to the receipt, in Chromium on the demo catalog: the admin
 * creates a 2x1 and a pack price in «Promociones» while the till is open (it hears of them at
 * once); the cashier rings both among other lines, gives a line discount within the cap and one
 * above it that the supervisor approves with their PIN, parks the ticket, rings and charges the
 * next customer, resumes the first and charges it. The cart and the boleta show each promotion's
 * and each discount's pesos, and the server charges the total the till showed.
 */
const DEMO_SIZE = 5000;
const units = (() => {
  const seen = new Set<string>();
  return demoProducts(DEMO_SIZE).filter((p) => {
    const fit = !p.weighable && !p.exempt && p.price >= 800 && p.price <= 9000 && !seen.has(p.name);
    seen.add(p.name);
    return fit;
  });
})();
const [twoForOne, packed, plain, damaged, expensive] = units;
/** Three of the packed product for about 80 % of their price, in hundreds. */
const PACK_PRICE = Math.floor((packed!.price * 3 * 0.8) / 100) * 100;

let server: TestServer;
let tenant: TestTenant;
let browser: Browser;
let pos: Page;
let office: Page;

beforeAll(async () => {
  server = await startServerWithClient();
  tenant = await createTestTenant(server, 'promo-e2e');
  await seedDemoCatalog(server.orm, tenant.tenantId, DEMO_SIZE);
  const codes = [twoForOne, packed, plain, damaged, expensive].map((p) => p!.code);
  const rows = await withTenant(server.orm, tenant.tenantId, (em) =>
    em.execute<{ id: string }[]>('select id from product where code = any(?::text[])', [
      `{${codes.join(',')}}`,
    ]),
  );
  await receiveStock(
    server,
    tenant,
    tenant.stores[0]!.warehouseId,
    rows.map((r) => r.id),
    '50',
  );
  await addCaf(server, tenant, 39, 1, 10);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

afterEach(async (context) => {
  if (context.task.result?.state !== 'fail') return;
  if (pos) await screenshot(pos, 'promotions-pos-failure');
  if (office) await screenshot(office, 'promotions-office-failure');
});

const pesos = formatClp;
const shot = (page: Page, name: string) => screenshot(page, `promotions-${name}`);

/** A promotion saved from the back office's editor, for one product found by name. */
async function createPromotion(name: string, product: { name: string; code: string }, pack?: number) {
  await office.getByTestId('new-promotion').click();
  const form = office.getByTestId('promotion-form');
  await form.locator('#promo-name').fill(name);
  if (pack) {
    await form.locator('#promo-kind').selectOption('pack_price');
    await form.locator('#promo-pack-price').fill(String(pack));
  }
  await form.locator('#promo-products').fill(product.name);
  await form.getByRole('button', { name: `${product.name} (${product.code})` }).click();
  await form.getByTestId('promotion-products').getByText(product.name).waitFor();
  if (pack) await shot(office, 'editor');
  await form.getByRole('button', { name: 'Guardar' }).click();
  await office.getByTestId('promotion-notice').getByText(`Se guardó «${name}».`).waitFor();
}

async function pay(tendered: number): Promise<string> {
  await pos.getByTestId('pay-button').click();
  await pos.getByRole('button', { name: 'Efectivo' }).click();
  await pos.getByTestId('cash-tendered').fill(String(tendered));
  await pos.getByTestId('charge').click();
  const folio = pos.getByTestId('receipt-folio');
  await folio.waitFor();
  return text(pos, folio);
}

describe('promotions at the touch POS (Chromium, demo catalog, real server)', () => {
  it('rings a 2x1 and a pack price with discounts, parks, resumes and charges; the boleta shows each', async () => {
    pos = await signedInPage(browser, server.url, tenant.emails.cashier, VIEWPORTS.pos);
    await pos.getByRole('button', { name: /Punto de venta/ }).click();
    await pos.waitForURL(`${server.url}/pos/`);
    await pos.getByRole('button', { name: /Caja 1/ }).click();
    await pos.getByTestId('opening-float').fill('20000');
    await pos.getByRole('button', { name: 'Abrir caja' }).click();
    await pos.getByText(`${DEMO_SIZE.toLocaleString('es-CL')} productos`).waitFor();

    // The admin creates the promotions in the back office while the till is open.
    office = await signedInPage(browser, server.url, tenant.emails.admin, VIEWPORTS.backoffice);
    await office.getByRole('button', { name: /Back office/ }).click();
    await office.waitForURL(`${server.url}/backoffice/`);
    await office.getByTestId('backoffice-menu').getByRole('link', { name: 'Promociones' }).click();
    await createPromotion('2x1 de la semana', twoForOne!);
    await createPromotion(`3 por ${pesos(PACK_PRICE)}`, packed!, PACK_PRICE);
    await expect.poll(() => office.getByTestId('promotion-row').count()).toBe(2);
    expect(await text(office, office.getByTestId('promotion-row').nth(1))).toContain(
      `3 por ${pesos(PACK_PRICE)}`,
    );
    await shot(office, 'backoffice-1366x768');

    // The customer: two of the 2x1, three of the pack, and three more products.
    for (const product of [twoForOne, twoForOne, packed, packed, packed, plain, damaged, expensive])
      await scan(pos, product!.barcodes[0]!);
    const lines = pos.getByTestId('cart-line');
    await expect.poll(() => lines.count()).toBe(5);
    const packOff = packed!.price * 3 - PACK_PRICE;
    await expect
      .poll(() => text(pos, lines.nth(0).getByTestId('line-promotion')))
      .toBe(`Promo 2x1 de la semana ${pesos(-twoForOne!.price)}`);
    expect(await text(pos, lines.nth(1).getByTestId('line-promotion'))).toBe(
      `Promo 3 por ${pesos(PACK_PRICE)} ${pesos(-packOff)}`,
    );

    // 10 % off the damaged one, within the cashier's 10 %.
    const dialog = pos.getByTestId('discount-dialog');
    await lines.nth(3).getByTestId('line-name').click();
    await pos.getByTestId('line-discount-button').click();
    await dialog.getByRole('button', { name: '1', exact: true }).click();
    await dialog.getByRole('button', { name: '0', exact: true }).click();
    await dialog.getByRole('button', { name: 'Producto dañado' }).click();
    await dialog.getByRole('button', { name: 'Aplicar descuento' }).click();
    await dialog.waitFor({ state: 'detached' });
    const tenth = Math.round(damaged!.price / 10);

    // A quarter off the expensive one: above the cap, so the supervisor approves with their PIN.
    const quarter = Math.floor(expensive!.price / 4);
    await lines.nth(4).getByTestId('line-name').click();
    await pos.getByTestId('line-discount-button').click();
    await dialog.getByRole('button', { name: 'Pesos ($)' }).click();
    await dialog.getByTestId('discount-value').fill(String(quarter));
    await dialog.getByRole('button', { name: 'Cliente frecuente' }).click();
    await dialog.getByRole('button', { name: 'Pedir autorización' }).click();
    const supervisor = pos.getByTestId('supervisor-dialog');
    await supervisor.getByRole('button', { name: 'Supervisor · Supervisor' }).click();
    for (const digit of TEST_PIN) await supervisor.getByRole('button', { name: digit, exact: true }).click();
    await supervisor.getByRole('button', { name: 'Autorizar descuento' }).click();
    await dialog.waitFor({ state: 'detached' });

    const total =
      2 * twoForOne!.price -
      twoForOne!.price +
      PACK_PRICE +
      plain!.price +
      damaged!.price -
      tenth +
      expensive!.price -
      quarter;
    expect(await text(pos, 'cart-total')).toBe(pesos(total));
    await shot(pos, 'cart');

    // Parked while the customer fetches something; the next customer pays meanwhile.
    await pos.getByTestId('parked-open').click();
    await pos.keyboard.type('Cliente promo');
    await pos.getByTestId('park-submit').click();
    await pos.getByTestId('scan-notice').getByText('«Cliente promo» quedó en espera.').waitFor();
    await scan(pos, plain!.barcodes[0]!);
    await expect.poll(() => lines.count()).toBe(1);
    expect(await pay(20000)).toBe('Boleta electrónica N° 1');
    await pos.getByTestId('new-sale').click();

    // Back: resumed with its promotions and discounts, and charged.
    await pos.getByTestId('parked-open').click();
    await pos.getByRole('button', { name: 'Retomar Cliente promo' }).click();
    await expect.poll(() => lines.count()).toBe(5);
    await expect.poll(() => text(pos, 'cart-total')).toBe(pesos(total));
    expect(await pay(50000)).toBe('Boleta electrónica N° 2');
    expect(await text(pos, 'receipt-change')).toBe(pesos(50000 - roundCash(total)));

    const receipt = pos.getByTestId('receipt');
    const shown = receipt.getByTestId('receipt-line-discount');
    expect(await shown.count()).toBe(4);
    expect(await text(pos, shown.nth(0))).toBe(`Desc. Promo 2x1 de la semana ${pesos(-twoForOne!.price)}`);
    expect(await text(pos, shown.nth(1))).toBe(`Desc. Promo 3 por ${pesos(PACK_PRICE)} ${pesos(-packOff)}`);
    expect(await text(pos, shown.nth(2))).toBe(`Desc. 10% dañado ${pesos(-tenth)}`);
    expect(await text(pos, shown.nth(3))).toBe(`Desc. cliente frecuente ${pesos(-quarter)}`);
    await expect
      .poll(async () => (await pos.getByTestId('timbre').boundingBox())?.width ?? 0)
      .toBeGreaterThan(200);
    await shot(pos, 'receipt');

    // The server charged what the till showed, and the printed receipt names each promotion.
    const [sale] = await withTenant(server.orm, tenant.tenantId, (em) =>
      em.execute<{ total: string; receipt: { lines: { discountLabel?: string }[] } }[]>(
        `select s.total, o.payload->'document' as receipt
           from sale s join outbox o on o.key = 'sale-' || s.id and o.topic = 'print.receipt'
          where s.doc_type = 39 and s.folio = 2`,
      ),
    );
    expect(Number(sale!.total)).toBe(total);
    expect(sale!.receipt.lines.map((l) => l.discountLabel ?? null)).toEqual([
      'Promo 2x1 de la semana',
      `Promo 3 por ${pesos(PACK_PRICE)}`,
      null,
      '10% dañado',
      'cliente frecuente',
    ]);
  }, 180_000);
});
