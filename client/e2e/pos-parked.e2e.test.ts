import { formatClp, roundCash } from '@erp/shared';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { demoProducts, seedDemoCatalog } from '../../server/src/catalog/index.ts';
import { withTenant } from '../../server/src/platform/orm.ts';
import {
  connectClient,
  createTestTenant,
  type TestServer,
  type TestTenant,
  tokenFor,
} from '../../server/test/harness.ts';
import { addCaf, receiveStock } from '../../server/test/selling.ts';
import {
  launchChromium,
  signedInPage as openSignedIn,
  scan,
  screenshot,
  startServerWithClient,
  visibleText as text,
  VIEWPORTS,
  type Viewport,
} from './harness.ts';

/**
 * A parked ticket (ticket en espera) at the counter, in Chromium on the demo catalog at 1280×800:
 * the customer went back for bread, so the cashier parks the ticket, rings and charges the next
 * customer, and resumes the first one (at its prices, noticing one that changed meanwhile) to
 * charge it. The store's other till sees the list change live, and a reload keeps it.
 */
const DEMO_SIZE = 5000;
/** Three unit products of the demo catalog (names and barcodes are the same on every seed). */
const [aceite, arroz, bebida] = demoProducts(DEMO_SIZE).filter((p) => !p.weighable);

let server: TestServer;
let tenant: TestTenant;
let browser: Browser;
let caja1: Page;
let caja2: Page;
/** Every page opened, for the screenshots of a failure. */
const pages: Page[] = [];
const ids = new Map<string, string>();

beforeAll(async () => {
  server = await startServerWithClient();
  tenant = await createTestTenant(server, 'parked');
  await seedDemoCatalog(server.orm, tenant.tenantId, DEMO_SIZE);
  const rows = await withTenant(server.orm, tenant.tenantId, (em) =>
    em.execute<{ id: string; code: string }[]>('select id, code from product where code in (?, ?, ?)', [
      aceite!.code,
      arroz!.code,
      bebida!.code,
    ]),
  );
  for (const row of rows) ids.set(row.code, row.id);
  await receiveStock(server, tenant, tenant.stores[0]!.warehouseId, [...ids.values()], '20');
  await addCaf(server, tenant, 39, 1, 10);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

afterEach(async (context) => {
  if (context.task.result?.state !== 'fail') return;
  for (const [i, page] of pages.entries()) await screenshot(page, `parked-failure-${i + 1}`);
});

const shot = (page: Page, name: string) => screenshot(page, `parked-${name}`);
const pesos = formatClp;

/** The cashier on a device of its own: the POS at `terminal` of Tienda A, its till open with a float. */
async function openTill(terminal: string): Promise<Page> {
  const page = await openSignedIn(browser, server.url, tenant.emails.cashier, VIEWPORTS.pos);
  pages.push(page);
  await page.getByRole('button', { name: /Punto de venta/ }).click();
  await page.waitForURL(`${server.url}/pos/`);
  await page.getByRole('button', { name: new RegExp(terminal) }).click();
  await page.getByTestId('opening-float').fill('20000');
  await page.getByRole('button', { name: 'Abrir caja' }).click();
  await page.getByText(`${DEMO_SIZE.toLocaleString('es-CL')} productos`).waitFor();
  return page;
}

async function pay(page: Page, tendered: number): Promise<string> {
  await page.getByTestId('pay-button').click();
  await page.getByRole('button', { name: 'Efectivo' }).click();
  await page.getByTestId('cash-tendered').fill(String(tendered));
  await page.getByTestId('charge').click();
  const folio = page.getByTestId('receipt-folio');
  await folio.waitFor();
  return text(page, folio);
}

/** How many tickets the till's "En espera" button says wait (no badge: none). */
async function badge(page: Page): Promise<number> {
  const count = page.getByTestId('parked-count');
  return (await count.count()) === 0 ? 0 : Number(await count.innerText());
}

/** The page lays out no wider than the window, and the element is wholly inside it. */
async function expectFits(page: Page, target: Locator, what: string): Promise<void> {
  const { scrollWidth, viewport } = await page.evaluate<{ scrollWidth: number; viewport: number }>(
    '({ scrollWidth: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth), viewport: window.innerWidth })',
  );
  expect(scrollWidth, `${what}: page ${scrollWidth} px wide in ${viewport} px`).toBeLessThanOrEqual(viewport);
  const box = await target.boundingBox();
  const size = page.viewportSize()!;
  expect(box, `${what} rendered`).not.toBeNull();
  expect(box!.x, what).toBeGreaterThanOrEqual(0);
  expect(box!.y, what).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width, what).toBeLessThanOrEqual(size.width);
  expect(box!.y + box!.height, what).toBeLessThanOrEqual(size.height);
}

describe('parked tickets at the POS (Chromium, demo catalog)', () => {
  it('parks a ticket, charges the next customer, resumes the first at its prices and charges it', async () => {
    caja1 = await openTill('Caja 1');
    caja2 = await openTill('Caja 2');
    expect(await badge(caja1)).toBe(0);

    // The first customer: two aceites and an arroz; then they go back for bread.
    await scan(caja1, aceite!.barcodes[0]!);
    await scan(caja1, aceite!.barcodes[0]!);
    await scan(caja1, arroz!.barcodes[0]!);
    await expect.poll(() => caja1.getByTestId('cart-line').count()).toBe(2);
    const firstTotal = 2 * aceite!.price + arroz!.price;
    expect(await text(caja1, 'cart-total')).toBe(pesos(firstTotal));

    await caja1.getByTestId('parked-open').click();
    const form = caja1.getByTestId('park-form');
    expect(await text(caja1, form)).toContain(`Ticket actual: 3 artículos · ${pesos(firstTotal)}`);
    // The name field has the focus and offers the default name.
    expect(await caja1.getByTestId('park-label').getAttribute('placeholder')).toMatch(
      /^Espera 1 · \d\d:\d\d$/,
    );
    await caja1.keyboard.type('Señora del pan');
    await shot(caja1, 'park-dialog');
    await caja1.getByTestId('park-submit').click();
    await caja1.getByTestId('scan-notice').getByText('«Señora del pan» quedó en espera.').waitFor();
    expect(await caja1.getByTestId('cart-line').count()).toBe(0);
    expect(await badge(caja1)).toBe(1);
    // The store's other till sees it at once.
    await expect.poll(() => badge(caja2)).toBe(1);
    await shot(caja1, 'parked');

    // While it waits, the aceite's price changes in the back office.
    const newPrice = aceite!.price + 300;
    const admin = await connectClient(server.url, tenant.slug, {
      token: await tokenFor(server.url, tenant.emails.admin),
      screen: 'backoffice',
    });
    expect(
      await admin.emitWithAck('product:set-store-price', {
        productId: ids.get(aceite!.code)!,
        storeId: tenant.stores[0]!.id,
        price: newPrice,
      }),
    ).toMatchObject({ ok: true });
    admin.close();

    // The next customer: one bebida, paid in cash.
    await scan(caja1, bebida!.barcodes[0]!);
    await expect.poll(() => caja1.getByTestId('cart-line').count()).toBe(1);
    expect(await pay(caja1, 20000)).toBe('Boleta electrónica N° 1');
    await caja1.getByTestId('new-sale').click();

    // A reload finds the parked ticket on the server.
    await caja1.reload();
    await caja1.getByTestId('connection-badge').getByText('Conectado').waitFor();
    await expect.poll(() => badge(caja1)).toBe(1);

    // The customer is back with the bread: the list says what waits, who parked it and since when.
    await caja1.getByTestId('parked-open').click();
    const ticket = caja1.getByTestId('parked-ticket');
    await ticket.waitFor();
    const shown = await text(caja1, ticket);
    expect(shown).toContain(`Señora del pan 3 artículos · ${pesos(firstTotal)} Cajero · Caja 1 · `);
    expect(shown).toMatch(/ · (recién|hace \d+ min) Retomar Descartar$/);
    await expectFits(caja1, caja1.getByRole('dialog'), 'parked list at 1280x800');
    await shot(caja1, 'list');
    await caja1.getByRole('button', { name: 'Retomar Señora del pan' }).click();

    // Back on screen, re-priced like a live change, with its notice; the other till's list empties.
    await caja1.getByTestId('scan-notice').getByText('Retomado «Señora del pan».').waitFor();
    await expect.poll(() => caja1.getByTestId('cart-line').count()).toBe(2);
    await caja1
      .getByTestId('price-notices')
      .getByText(`Cambió el precio de ${aceite!.name}: ${pesos(aceite!.price)} → ${pesos(newPrice)}`)
      .waitFor();
    const resumedTotal = 2 * newPrice + arroz!.price;
    expect(await text(caja1, 'cart-total')).toBe(pesos(resumedTotal));
    expect(await badge(caja1)).toBe(0);
    await expect.poll(() => badge(caja2)).toBe(0);
    await shot(caja1, 'resumed');

    expect(await pay(caja1, 50000)).toBe('Boleta electrónica N° 2');
    expect(await text(caja1, 'receipt-change')).toBe(pesos(50000 - roundCash(resumedTotal)));
    await shot(caja1, 'resumed-paid');
    await caja1.getByTestId('new-sale').click();
  }, 180_000);

  it('fits at 1280×800 and 1024×768 with a ticket waiting: no sideways scroll, total, Cobrar and En espera on screen', async () => {
    await scan(caja2, arroz!.barcodes[0]!);
    await caja2.getByTestId('parked-open').click();
    await caja2.getByTestId('park-submit').click();
    await expect.poll(() => badge(caja1)).toBe(1);
    await scan(caja1, bebida!.barcodes[0]!);
    for (const viewport of [VIEWPORTS.pos, { width: 1024, height: 768 }] as Viewport[]) {
      const size = `${viewport.width}x${viewport.height}`;
      await caja1.setViewportSize(viewport);
      await expectFits(caja1, caja1.getByTestId('parked-open'), `En espera at ${size}`);
      // Beside the badge the till still says which caja it is (the catalog count gives way).
      const terminal = caja1.getByTestId('sell-terminal');
      expect(await text(caja1, terminal)).toBe('Caja Caja 1');
      expect(
        await terminal.evaluate((el) => el.scrollWidth <= el.clientWidth),
        `till name cut at ${size}`,
      ).toBe(true);
      await expectFits(caja1, caja1.getByTestId('cart-total'), `total at ${size}`);
      await expectFits(caja1, caja1.getByTestId('pay-button'), `Cobrar at ${size}`);
      await shot(caja1, `sell-${size}`);
      await caja1.getByTestId('parked-open').click();
      await caja1.getByTestId('parked-ticket').waitFor();
      // The default name numbers after what waits ("Espera 1" by the other till).
      expect(await caja1.getByTestId('park-label').getAttribute('placeholder')).toMatch(/^Espera 2 · /);
      expect(await text(caja1, 'parked-ticket')).toContain('Cajero · Caja 2');
      await expectFits(caja1, caja1.getByRole('dialog'), `parked panel at ${size}`);
      await shot(caja1, `panel-${size}`);
      await caja1.getByRole('dialog').getByRole('button', { name: 'Cancelar' }).click();
    }
  }, 60_000);
});
