import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { demoProducts, seedDemoCatalog } from '../../server/src/catalog/index.ts';
import {
  connectClient,
  createTestTenant,
  type TestClient,
  type TestServer,
  type TestTenant,
  tokenFor,
} from '../../server/test/harness.ts';
import {
  launchChromium,
  screenshot,
  signedInPage,
  startServerWithClient,
  visibleText as text,
  VIEWPORTS,
} from './harness.ts';

/**
 * A merma on the stock tablet at 1280×800 with the demo seed (5,000 products, opening stock
 * received at the demo's costs): the warehouse worker looks a product up, taps «Merma», types
 * the quantity (units, or kilos with grams for a weighed product), picks the reason and writes
 * a note; the stock on the screen drops at once, the kardex shows the merma at the PPP, and the
 * back office's report holds its value in pesos.
 */
const DEMO_SIZE = 5000;
const demo = demoProducts(DEMO_SIZE);
/** Every weighed demo product starts with 5 to 40 kg in each warehouse. */
const WEIGHED = demo.find((p) => p.weighable)!;
const STEP_TIMEOUT = 120_000;

let server: TestServer;
let tenant: TestTenant;
let browser: Browser;
let admin: TestClient;
let page: Page | undefined;

beforeAll(async () => {
  server = await startServerWithClient();
  tenant = await createTestTenant(server, 'merma');
  await seedDemoCatalog(server.orm, tenant.tenantId, DEMO_SIZE);
  admin = await connectClient(server.url, tenant.slug, {
    token: await tokenFor(server.url, tenant.emails.admin),
    screen: 'backoffice',
  });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  admin?.close();
  await browser?.close();
  await server?.close();
});

afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && page) await screenshot(page, 'merma-failure');
});

/** A product's stock and PPP in store A's warehouse, as the back office reads them. */
async function levelOf(name: string): Promise<{ productId: string; quantity: string; averageCost: string }> {
  const answer = await admin.emitWithAck('stock:levels', {
    warehouseId: tenant.stores[0]!.warehouseId,
    search: name,
  });
  if (!answer.ok) throw new Error(JSON.stringify(answer.error));
  return answer.data.items.find((p) => p.name === name)!;
}

/** Thousandths of a decimal text, exact. */
const milli = (q: string) => Math.round(Number(q) * 1000);
/** `12.500` → `12,5` and `-3.000` → `-3`: the tablet's way of writing quantities (kg aside). */
const shown = (m: number, weighed: boolean) =>
  weighed ? `${(m / 1000).toFixed(3).replace('.', ',')} kg` : String(m / 1000).replace('.', ',');
const pesos = (n: number) => `$${n.toLocaleString('es-CL')}`;

describe('merma on the stock tablet (Chromium, demo seed)', () => {
  it(
    'writes off units and grams at the PPP: stock drops live, the kardex shows it, the report adds it up',
    async () => {
      page = await signedInPage(browser, server.url, tenant.emails.warehouse, VIEWPORTS.tablet);
      const tablet = page;
      await tablet.locator('button.tile').first().click();
      await tablet.waitForURL(`${server.url}/tablet/`);
      await tablet.getByText(`${DEMO_SIZE.toLocaleString('es-CL')} productos en el equipo`).waitFor();

      // A dairy product sold by unit with some stock in store A (demo stock is 0 to 60 units).
      const stocked = await admin.emitWithAck('stock:levels', {
        warehouseId: tenant.stores[0]!.warehouseId,
        search: 'Leche',
        limit: 200,
      });
      const unitName =
        stocked.ok && stocked.data.items.find((p) => p.unit === 'unidad' && Number(p.quantity) >= 10)!.name;
      const UNIT = demo.find((p) => p.name === unitName)!;
      const cases = [
        { product: UNIT, typed: '3', quantity: 3000, reason: 'Vencido', note: 'Vencidos en la vitrina' },
        { product: WEIGHED, typed: '0,250', quantity: 250, reason: 'Dañado', note: '' },
      ];
      let reported = 0;
      for (const [i, c] of cases.entries()) {
        const before = await levelOf(c.product.name);
        // round(quantity × PPP) half up, in integers: the demo's costs have whole cents.
        const value = Math.round((c.quantity * Math.round(Number(before.averageCost) * 100)) / 100_000);
        const after = milli(before.quantity) - c.quantity;

        await tablet.getByTestId('scan-input').fill(c.product.name);
        await tablet
          .getByTestId('picker-result')
          .filter({ has: tablet.getByText(c.product.name, { exact: true }) })
          .click();
        await tablet.getByTestId('stock-product').getByText(c.product.name).waitFor();
        const here = tablet.locator('[data-testid="stock-level"][data-warehouse="Bodega Tienda A"]');
        await here
          .getByTestId('level-quantity')
          .getByText(shown(milli(before.quantity), c.product.weighable), { exact: true })
          .waitFor();

        await tablet.getByTestId('write-off-open').click();
        const dialog = tablet.getByTestId('write-off-dialog');
        await dialog.waitFor();
        await dialog.getByTestId('write-off-quantity').fill(c.typed);
        await dialog.getByRole('button', { name: c.reason, exact: true }).click();
        if (c.note) await dialog.getByTestId('write-off-note').fill(c.note);
        expect(await text(tablet, dialog.getByTestId('write-off-estimate'))).toBe(
          `Valor al PPP: ${pesos(value)}`,
        );
        // The whole dialog, its confirm button included, fits the tablet's screen.
        const box = (await tablet.getByTestId('write-off-submit').boundingBox())!;
        expect(box.y + box.height).toBeLessThanOrEqual(VIEWPORTS.tablet.height);
        if (i === 0) await screenshot(tablet, 'merma-tablet-1280x800-dialog');
        await tablet.getByTestId('write-off-submit').click();

        const done = tablet.getByTestId('write-off-done');
        await done.waitFor();
        expect(await text(tablet, done)).toBe(
          `Merma registrada: ${shown(c.quantity, c.product.weighable)} de ${c.product.name} (${c.reason}), ${pesos(value)} al PPP.`,
        );
        // No reload: the level follows the ledger, and the kardex's newest row is the merma, with its reason.
        await here
          .getByTestId('level-quantity')
          .getByText(shown(after, c.product.weighable), { exact: true })
          .waitFor();
        await expect
          .poll(async () => text(tablet, tablet.getByTestId('kardex-row').first()))
          .toMatch(new RegExp(` Merma · ${c.reason} -${shown(c.quantity, c.product.weighable)} `));
        expect(await levelOf(c.product.name)).toMatchObject({
          quantity: (after / 1000).toFixed(3),
          averageCost: before.averageCost,
        });
        if (i === 0) await screenshot(tablet, 'merma-tablet-1280x800-done');
        reported += value;
      }

      const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'America/Santiago' });
      const report = await admin.emitWithAck('report:write-offs', { from: today, to: today });
      expect(report.ok && report.data.totals).toEqual({ count: 2, value: reported });
      expect(report.ok && report.data.reasons.filter((r) => r.count > 0).map((r) => r.reason)).toEqual([
        'expired',
        'damaged',
      ]);
    },
    STEP_TIMEOUT,
  );
});
