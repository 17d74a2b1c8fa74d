import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { demoProducts, seedDemoCatalog } from '../../server/src/catalog/index.ts';
import {
  connectClient,
  createTestTenant,
  type TestServer,
  type TestTenant,
  tokenFor,
} from '../../server/test/harness.ts';
import { addCaf } from '../../server/test/selling.ts';
import {
  launchChromium,
  screenshot,
  signedInPage,
  startServerWithClient,
  tenantQuery,
  VIEWPORTS,
  type Viewport,
} from './harness.ts';

/**
 * The POS and the stock tablet on small screens with the demo seed (5,000 products in all the
 * demo's categories), not a handful of fixtures: the page never scrolls sideways, the ticket's
 * total and "Cobrar" stay on screen, the category tabs scroll in their own row, and two sizes
 * of one product can be told apart on their tiles.
 */
/** The size of the minimarket-demo tenant's catalog. */
const DEMO_SIZE = 5000;
const POS_SIZES: Viewport[] = [VIEWPORTS.pos, { width: 1024, height: 768 }];
/** Same product, same brand, two sizes: identical up to the size. */
const SAME_PREFIX = ['Aceite Maravilla Chef 1 L', 'Aceite Maravilla Chef 5 L'];
/** The demo's longest name, and the part of it a ticket line must never cut. */
const LONG_NAME = 'Vino Cabernet Sauvignon Concha y Toro Reservado 750 ml Pack x2';
const LONG_SIZE = '750 ml Pack x2';
/** Product names are the same on every seed (ids are not). */
const demo = demoProducts(DEMO_SIZE);

let server: TestServer;
let tenant: TestTenant;
let browser: Browser;
let page: Page | undefined;

beforeAll(async () => {
  server = await startServerWithClient();
  tenant = await createTestTenant(server, 'fit');
  const started = performance.now();
  await seedDemoCatalog(server.orm, tenant.tenantId, DEMO_SIZE);
  console.info(
    `demo catalog (${DEMO_SIZE} products, stock, suppliers) seeded in ${Math.round(performance.now() - started)} ms`,
  );
  await addCaf(server, tenant, 39, 1, 10);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && page) await screenshot(page, 'fit-failure');
});

/** How wide the page lays out compared with the window. */
function pageWidth(p: Page): Promise<{ scrollWidth: number; viewport: number }> {
  return p.evaluate(
    '({ scrollWidth: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth), viewport: window.innerWidth })',
  );
}

async function expectNoSidewaysScroll(p: Page): Promise<void> {
  const { scrollWidth, viewport } = await pageWidth(p);
  expect(scrollWidth, `page ${scrollWidth} px wide in a ${viewport} px window`).toBeLessThanOrEqual(viewport);
}

/** The whole element is inside the window (nothing to scroll to reach it). */
async function expectOnScreen(p: Page, target: Locator, what: string): Promise<void> {
  const box = await target.boundingBox();
  const size = p.viewportSize()!;
  expect(box, `${what} is rendered`).not.toBeNull();
  const { x, y, width, height } = box!;
  expect({ what, x, y, right: x + width, bottom: y + height }).toEqual({
    what,
    x: expect.toSatisfy((v: number) => v >= 0),
    y: expect.toSatisfy((v: number) => v >= 0),
    right: expect.toSatisfy((v: number) => v <= size.width),
    bottom: expect.toSatisfy((v: number) => v <= size.height),
  });
}

/** The demo names end in their size: "… Chef 5 L". */
const sizeOf = (name: string) => name.split(' ').slice(-2).join(' ');

/** The text is all there: on screen, and not cut by an ellipsis or a line clamp. */
async function expectWhole(p: Page, target: Locator, expected: string, what: string): Promise<void> {
  expect(await target.innerText()).toBe(expected);
  const clipped = await target.evaluate(
    (el) => el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1,
  );
  expect(clipped, `${what}: "${expected}" cut off`).toBe(false);
  await expectOnScreen(p, target, what);
}

describe('screens that fit, with the demo catalog', () => {
  it('POS at 1280×800 and 1024×768: no sideways scroll, total and Cobrar on screen, tabs scroll in their row, sizes readable', async () => {
    page = await signedInPage(browser, server.url, tenant.emails.cashier, POS_SIZES[0]!);
    const pos = page;
    await pos.locator('button.tile').first().click();
    await pos.waitForURL(`${server.url}/pos/`);
    await pos.getByRole('button', { name: /Caja 1/ }).click();
    await pos.getByTestId('opening-float').fill('20000');
    await pos.getByRole('button', { name: 'Abrir caja' }).click();
    await pos.getByText(`${DEMO_SIZE.toLocaleString('es-CL')} productos`).waitFor();
    // A line in the ticket, so the total and "Cobrar" are live.
    const ringUp = (await pos
      .getByTestId('product-tile')
      .first()
      .getByRole('button')
      .first()
      .getAttribute('title'))!;
    await pos.getByTestId('product-tile').first().getByRole('button').first().click();
    await pos.getByTestId('cart-line').first().waitFor();
    // And the longest name, whose size must survive the cut.
    expect(Math.max(...demo.map((p) => p.name.length))).toBe(LONG_NAME.length);
    await pos.getByTestId('scan-input').fill(LONG_NAME);
    await pos.getByTitle(LONG_NAME, { exact: true }).click();
    await expect.poll(() => pos.getByTestId('cart-line').count()).toBe(2);
    await pos.getByTestId('scan-input').fill('');

    const categories = new Set(demo.map((p) => p.category));
    const tabs = pos.getByRole('tablist');
    expect(await tabs.getByRole('tab').count()).toBe(categories.size + 1); // + favourites

    for (const viewport of POS_SIZES) {
      await pos.setViewportSize(viewport);
      const size = `${viewport.width}x${viewport.height}`;
      await expectNoSidewaysScroll(pos);
      await expectOnScreen(pos, pos.getByTestId('cart-total'), `total at ${size}`);
      await expectOnScreen(pos, pos.getByTestId('pay-button'), `Cobrar at ${size}`);
      // The header is one line (wrapped at 1024 px it took 20 px from the ticket).
      expect((await pos.getByRole('banner').boundingBox())!.height).toBeLessThanOrEqual(64);
      // The keyboard shortcuts stay listed in two short rows: the grid keeps its height.
      expect((await pos.getByTestId('shortcuts').boundingBox())!.height).toBeLessThanOrEqual(50);

      // The tabs are one row, wider than the catalog column, that scrolls by itself.
      const row = await tabs.evaluate((el) => {
        const style = el.ownerDocument.defaultView!.getComputedStyle(el);
        const tabHeights = [...el.querySelectorAll('[role="tab"]')].map(
          (t) => t.getBoundingClientRect().height,
        );
        return {
          overflowX: style.overflowX,
          wrap: style.flexWrap,
          scrollable: el.scrollWidth > el.clientWidth,
          rightEdge: el.getBoundingClientRect().right,
          shortestTab: Math.min(...tabHeights),
        };
      });
      expect(row).toMatchObject({ overflowX: 'auto', wrap: 'nowrap', scrollable: true });
      expect(row.rightEdge).toBeLessThanOrEqual(viewport.width);
      expect(row.shortestTab).toBeGreaterThanOrEqual(44); // a fingertip's height
      // The last category is reached by scrolling the row, not the page: a mouse wheel scrolls it
      // sideways (an all-in-one's mouse has no horizontal wheel), a tap on a tab shows it whole.
      await tabs.getByRole('tab').nth(1).click();
      expect(await tabs.evaluate((el) => el.scrollLeft)).toBe(0);
      await tabs.hover();
      await pos.mouse.wheel(0, 300);
      await expect.poll(() => tabs.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
      expect(await pos.evaluate('window.scrollX')).toBe(0);
      const last = tabs.getByRole('tab').last();
      await last.click();
      expect(await last.getAttribute('aria-selected')).toBe('true');
      expect(await tabs.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
      await expectNoSidewaysScroll(pos);
      await expectOnScreen(pos, last, `last category tab at ${size}`);
      await screenshot(pos, `fit-pos-${size}-tabs`);

      // Two sizes of one oil: each tile shows its size in full, and so does the ticket's line.
      await pos.getByTestId('scan-input').fill('Aceite Maravilla Chef');
      for (const name of SAME_PREFIX) {
        const tile = pos.getByTestId('product-tile').filter({ has: pos.getByTitle(name, { exact: true }) });
        expect(await tile.textContent()).toContain(name); // split for the eye, whole for search and copy
        await expectWhole(pos, tile.getByTestId('tile-variant'), sizeOf(name), `tile of ${name} at ${size}`);
      }
      const line = (name: string) =>
        pos.getByTestId('cart-line').filter({ has: pos.getByTitle(name, { exact: true }) });
      await expectWhole(
        pos,
        line(ringUp).getByTestId('line-variant'),
        sizeOf(ringUp),
        `ticket line at ${size}`,
      );
      const brandAndName = ringUp.slice(0, -sizeOf(ringUp).length).trim();
      await expectWhole(pos, line(ringUp).getByTestId('line-name'), brandAndName, `ticket line at ${size}`);
      await expectWhole(
        pos,
        line(LONG_NAME).getByTestId('line-variant'),
        LONG_SIZE,
        `long ticket line at ${size}`,
      );
      await expectNoSidewaysScroll(pos);
      await screenshot(pos, `fit-pos-${size}-search`);
      await pos.getByTestId('scan-input').fill('');

      // Paying split by card and cash (the tallest payment panel): its "Cobrar" is on screen too.
      await pos.getByTestId('pay-button').click();
      await pos.getByRole('button', { name: 'Mixto' }).click();
      await expectOnScreen(pos, pos.getByTestId('to-pay'), `amount to pay at ${size}`);
      await expectOnScreen(pos, pos.getByTestId('charge'), `payment panel's Cobrar at ${size}`);
      await expectNoSidewaysScroll(pos);
      await screenshot(pos, `fit-pos-${size}-payment`);
      await pos.getByRole('dialog').getByRole('button', { name: 'Cancelar' }).click();
    }

    // Charged at the smaller size: the receipt with its timbre, and "Nueva venta", fit too.
    await pos.getByTestId('pay-button').click();
    await pos.getByRole('button', { name: 'Efectivo' }).click();
    await pos.getByTestId('cash-tendered').fill('20000');
    await pos.getByTestId('charge').click();
    await pos.getByTestId('receipt-folio').waitFor();
    await expectOnScreen(pos, pos.getByTestId('timbre'), 'timbre at 1024x768');
    await expectOnScreen(pos, pos.getByTestId('new-sale'), 'Nueva venta at 1024x768');
    await expectNoSidewaysScroll(pos);
    await screenshot(pos, 'fit-pos-1024x768-receipt');
    await pos.getByTestId('new-sale').click();
  }, 60_000);

  it('POS: a price changed in the back office keeps its tile in place in a full category tab, and the line in the ticket shows it', async () => {
    // Goes on with the first test's POS (till open, at 1024×768), on a tab of the demo's
    // biggest category, so the tile changed sits among more products than the tab shows at once.
    const pos = page!;
    const sizes = new Map<string, number>();
    for (const p of demo) sizes.set(p.category, (sizes.get(p.category) ?? 0) + 1);
    const [category] = [...sizes].sort((a, b) => b[1] - a[1])[0]!;
    await pos.getByRole('tablist').getByRole('tab', { name: category, exact: true }).click();
    const titles = () =>
      pos
        .getByTestId('product-tile')
        .evaluateAll((tiles) =>
          tiles.map((tile) => tile.querySelector('button.pick')!.getAttribute('title')),
        );
    const before = await titles();
    expect(before.length).toBeGreaterThan(20);
    const name = before[12]!;
    await pos.getByTitle(name, { exact: true }).click();
    await pos.getByTestId('cart-line').first().waitFor();

    const [product] = await tenantQuery<{ id: string; price: number }>(
      server,
      tenant.tenantId,
      'select id, price from product where name = ?',
      [name],
    );
    const price = product!.price + 110;
    const admin = await connectClient(server.url, tenant.slug, {
      token: await tokenFor(server.url, tenant.emails.admin),
      screen: 'backoffice',
    });
    const set = await admin.emitWithAck('product:set-store-price', {
      productId: product!.id,
      storeId: tenant.stores[0]!.id,
      price,
    });
    admin.close();
    expect(set.ok).toBe(true);
    const shown = `$${price.toLocaleString('es-CL')}`;
    const tile = pos.getByTestId('product-tile').filter({ has: pos.getByTitle(name, { exact: true }) });
    await tile.getByText(shown).waitFor();
    expect(await titles()).toEqual(before);
    await pos.getByTestId('price-notices').getByText(`Cambió el precio de ${name}`).waitFor();
    expect(await pos.getByTestId('cart-total').innerText()).toBe(shown);
    await expectNoSidewaysScroll(pos);
    await screenshot(pos, 'fit-pos-1024x768-price-changed');
  });

  it('stock tablet at 1280×800: no section scrolls sideways', async () => {
    page = await signedInPage(browser, server.url, tenant.emails.warehouse, VIEWPORTS.tablet);
    const tablet = page;
    await tablet.locator('button.tile').first().click();
    await tablet.waitForURL(`${server.url}/tablet/`);
    await tablet.getByText(`${DEMO_SIZE.toLocaleString('es-CL')} productos en el equipo`).waitFor();
    for (const id of ['stock', 'recepcion', 'transferencias', 'conteo', 'stock-bajo']) {
      await tablet.getByTestId(`tab-${id}`).click();
      await tablet.getByTestId(`section-${id}`).waitFor();
      await expectNoSidewaysScroll(tablet);
    }
    // The low-stock list of a 5,000-product catalog is long: it scrolls down, not sideways.
    await tablet.getByTestId('low-item').first().waitFor();
    await expectNoSidewaysScroll(tablet);
    await screenshot(tablet, 'fit-tablet-1280x800-low-stock');
    await tablet.getByTestId('tab-stock').click();
    await tablet.getByTestId('scan-input').fill('Aceite Maravilla');
    await tablet.getByTestId('picker-result').first().waitFor();
    await expectNoSidewaysScroll(tablet);
    await screenshot(tablet, 'fit-tablet-1280x800-search');
  });
});
