import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { withTenant } from '../../server/src/platform/orm.ts';
import { connectClient, createTestTenant, type TestTenant, tokenFor } from '../../server/test/harness.ts';
import {
  type HubProcess,
  issueHubCredential,
  printedReceipts,
  startStoreNode,
  storeNodePort,
  waitFor,
} from '../../server/test/hubs.ts';
import { addCaf, addProducts, receiveStock } from '../../server/test/selling.ts';
import { killableServer } from '../../server/test/server-process.ts';
import {
  launchChromium,
  screenshot,
  signedInPage,
  startServerWithClient,
  visibleText as text,
  VIEWPORTS,
} from './harness.ts';

/**
 * The POS opened from the store's hub keeps selling legal boletas while the central server (its
 * own process here) is killed: each sale gets a folio of the hub's lease and a printed receipt,
 * a reload still opens the POS and sells, a return answers the Spanish offline message; when the
 * server is back the pending count reaches 0 and the sales exist at the server with their folios.
 */
let seeder: Awaited<ReturnType<typeof startServerWithClient>>;
let tenant: TestTenant;
let browser: Browser;
let hub: HubProcess;
let dataDir: string;
let nodeUrl: string;
const central = killableServer({ CLIENT_DIST: inject('clientDist') });
const centralUrl = central.url;

const compact = (value: string) => value.replace(/\s+/g, '');

beforeAll(async () => {
  seeder = await startServerWithClient();
  tenant = await createTestTenant(seeder, 'offweb');
  const products = await addProducts(seeder, tenant);
  await receiveStock(
    seeder,
    tenant,
    tenant.stores[0]!.warehouseId,
    products.map((p) => p.id),
    '50',
  );
  await addCaf(seeder, tenant, 39, 1, 50);
  await addCaf(seeder, tenant, 41, 1, 50);
  await central.start();
  const admin = await connectClient(centralUrl, tenant.slug, {
    token: await tokenFor(centralUrl, tenant.emails.admin),
    screen: 'backoffice',
  });
  const sizes = await admin.emitWithAck('folio-lease:save-settings', {
    storeId: tenant.stores[0]!.id,
    sizes: { 39: 10, 41: 10, 33: 0 },
  });
  expect(sizes.ok).toBe(true);
  const credential = await issueHubCredential(admin, tenant.stores[0]!.id);
  admin.close();
  dataDir = mkdtempSync(join(tmpdir(), 'pos-offline-e2e-'));
  hub = startStoreNode(centralUrl, tenant.slug, credential, dataDir, {
    HUB_CLIENT_DIST: inject('clientDist'),
  });
  nodeUrl = `http://127.0.0.1:${await storeNodePort(hub)}`;
  await waitFor(() => hub.logs().some((l) => l.msg === 'leases refreshed'), 30_000);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await hub?.stop();
  await central.kill();
  await seeder?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function ringLeche(pos: Page): Promise<string> {
  await pos.getByTestId('product-tile').filter({ hasText: 'Leche entera 1 L Colún' }).click();
  await expect.poll(() => pos.getByTestId('cart-line').count()).toBe(1);
  await pos.getByTestId('pay-button').click();
  await pos.getByTestId('cash-tendered').fill('2000');
  await pos.getByTestId('charge').click();
  const folio = pos.getByTestId('receipt-folio');
  await folio.waitFor();
  const shown = await text(pos, folio);
  expect(await text(pos, 'receipt-change')).toBe('$810');
  return shown;
}

async function nextSale(pos: Page): Promise<void> {
  await pos.keyboard.press('Escape');
  await expect.poll(() => pos.getByTestId('cart-line').count()).toBe(0);
}

it('sells with leased folios while the central server is down, also after a reload, and syncs when it is back', async () => {
  const pos: Page = await signedInPage(browser, nodeUrl, tenant.emails.cashier, VIEWPORTS.pos);
  const errors: string[] = [];
  pos.on('pageerror', (error) => errors.push(error.message));
  await pos.locator('button.tile').first().click();
  await pos.waitForURL(`${nodeUrl}/pos/`);
  await pos.getByTestId('node-state').getByText('Tienda en línea').waitFor();
  await pos.getByRole('button', { name: /Caja 1/ }).click();
  await pos.getByTestId('opening-float').fill('20000');
  await pos.getByRole('button', { name: 'Abrir caja' }).click();
  await pos.getByText('4 productos').waitFor();
  // The hub hears who the cashier is and keeps the catalog before the link drops.
  await waitFor(() => hub.logs().some((l) => l.msg === 'catalog replica refreshed'), 30_000);
  await new Promise((r) => setTimeout(r, 1500));

  await central.kill();
  await pos
    .getByTestId('node-state')
    .getByText(/Sin conexión con la central desde las/)
    .waitFor({ timeout: 15_000 });
  // The header keeps to one row with the state in it: nothing overlaps, nothing scrolls sideways.
  const header = await pos.getByRole('banner').evaluate((el) => ({
    height: el.getBoundingClientRect().height,
    overflows: el.scrollWidth > el.clientWidth,
  }));
  expect(header).toEqual({ height: expect.toSatisfy((h: number) => h <= 64), overflows: false });

  expect(await ringLeche(pos)).toBe('Boleta electrónica N° 1');
  await screenshot(pos, 'pos-offline-sale');
  await pos.getByTestId('node-state').getByText('1 venta pendiente').waitFor();

  // A reload with the central server down: the page and the catalog come from the hub.
  await pos.reload();
  await pos
    .getByTestId('node-state')
    .getByText(/Sin conexión con la central/)
    .waitFor({ timeout: 15_000 });
  await pos
    .getByText('4 productos')
    .waitFor({ timeout: 15_000 })
    .catch(async (error) => {
      await screenshot(pos, 'pos-offline-reload-failed');
      console.log(await pos.locator('body').innerText());
      throw error;
    });
  await nextSale(pos).catch(() => undefined);
  expect(await ringLeche(pos)).toBe('Boleta electrónica N° 2');
  await pos.getByTestId('node-state').getByText('2 ventas pendientes').waitFor();

  const receipts = printedReceipts(dataDir).map(compact);
  for (const folio of [1, 2]) {
    expect(receipts.filter((r) => new RegExp(`BOLETAELECTRÓNICAN°${folio}(?!\\d)`).test(r))).toHaveLength(1);
  }

  await central.start();
  await pos.getByTestId('node-state').getByText('Tienda en línea').waitFor({ timeout: 90_000 });
  await expect
    .poll(
      async () =>
        (
          await withTenant(seeder.orm, tenant.tenantId, (em) =>
            em.execute<{ folio: number }[]>('select folio from sale where doc_type = 39 order by folio'),
          )
        ).map((r) => r.folio),
      { timeout: 90_000 },
    )
    .toEqual([1, 2]);
  await pos
    .getByTestId('node-state')
    .getByText('ventas pendientes')
    .waitFor({ state: 'detached', timeout: 30_000 });
  expect(errors).toEqual([]);
}, 300_000);
