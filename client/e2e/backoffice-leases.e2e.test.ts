import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { connectClient, createTestTenant, type TestTenant, tokenFor } from '../../server/test/harness.ts';
import { connectHub, hubEmit, issueHubCredential } from '../../server/test/hubs.ts';
import { ScriptedHub } from '../../server/test/scripted-hub.ts';
import {
  addCaf,
  addProducts,
  openTill,
  receiveStock,
  type TestProduct,
  type Till,
} from '../../server/test/selling.ts';
import {
  launchChromium,
  screenshot,
  signedInPage,
  startServerWithClient,
  visibleText as text,
  VIEWPORTS,
} from './harness.ts';

/**
 * The back office's «Folios de tiendas (sin conexión)» at 1366×768: a store whose hub reports it
 * is cut off with sales waiting, the leases with their used folios, and an offline sale the
 * central server refused at synchronisation (its TED forged): listed with its folio, total,
 * cashier and reason, and its folio among those to annul at the SII.
 */
let server: Awaited<ReturnType<typeof startServerWithClient>>;
let tenant: TestTenant;
let products: TestProduct[];
let till: Till;
let hub: ScriptedHub;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  server = await startServerWithClient();
  tenant = await createTestTenant(server, 'bo-leases');
  products = await addProducts(server, tenant);
  await receiveStock(server, tenant, tenant.stores[0]!.warehouseId, [products[0]!.id], '100');
  await addCaf(server, tenant, 39, 1, 500);
  await addCaf(server, tenant, 41, 1, 100);
  const admin = await connectClient(server.url, tenant.slug, {
    token: await tokenFor(server.url, tenant.emails.admin),
    screen: 'backoffice',
  });
  const sizes = await admin.emitWithAck('folio-lease:save-settings', {
    storeId: tenant.stores[0]!.id,
    sizes: { 39: 100, 41: 20, 33: 0 },
  });
  expect(sizes.ok).toBe(true);
  const credential = await issueHubCredential(admin, tenant.stores[0]!.id, 'Hub Providencia');
  admin.close();
  hub = new ScriptedHub(await connectHub(server.url, tenant.slug, credential));
  expect((await hub.lease()).ok).toBe(true);
  till = await openTill(server, tenant, tenant.stores[0]!.terminalIds[0]!);
  browser = await launchChromium();
  page = await signedInPage(browser, server.url, tenant.emails.admin, VIEWPORTS.backoffice);
  await page.getByRole('button', { name: /Back office/ }).click();
  await page.waitForURL(`${server.url}/backoffice/`);
}, 180_000);

afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && page) await screenshot(page, 'backoffice-leases-failure');
});

afterAll(async () => {
  hub?.socket.close();
  till?.socket.close();
  await browser?.close();
  await server?.close();
});

it('shows the store cut off with its sales waiting, its leases, and a refused offline sale with its folio to annul', async () => {
  const cashierId = tenant.users[tenant.emails.cashier]!;
  const line = [{ product: products[0]!, quantity: '1' }];
  const good = [
    await hub.sell(server.orm, till, cashierId, line),
    await hub.sell(server.orm, till, cashierId, line),
  ];
  const forged = await hub.sell(server.orm, till, cashierId, [{ product: products[0]!, quantity: '2' }]);
  forged.ted = forged.ted.replace(/<MNT>(\d+)<\/MNT>/, (_m, n) => `<MNT>${Number(n) - 100}</MNT>`);
  const outcomes = await hub.sync([...good, forged]);
  expect(outcomes.map((o) => o.status)).toEqual(['recorded', 'recorded', 'refused']);
  // The hub says it has been cut off for 15 minutes with 7 sales waiting.
  const since = new Date(Date.now() - 15 * 60_000);
  since.setSeconds(0, 0);
  const report = (await hubEmit(hub.socket, 'node:status', {
    offlineSince: since.toISOString(),
    pending: 7,
  })) as {
    ok: boolean;
  };
  expect(report.ok).toBe(true);

  await page
    .getByTestId('backoffice-menu')
    .getByRole('link', { name: 'Folios de tiendas (sin conexión)' })
    .click();
  const refused = page.getByTestId('refused-offline-sale');
  await refused.first().waitFor({ timeout: 30_000 });
  const hhmm = since.toLocaleTimeString('es-CL', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  await page.getByText(new RegExp(`Sin conexión desde .*${hhmm}, 7 ventas por sincronizar`)).waitFor();

  expect(await refused.count()).toBe(1);
  const row = await text(page, refused.first());
  expect(row).toContain(`Boleta (39) ${forged.folio.toLocaleString('es-CL')}`);
  expect(row).toContain(`$${forged.totals.total.toLocaleString('es-CL')}`);
  expect(row).toContain('Timbre rechazado');
  expect(await text(page, 'refused-offline-sales')).toContain('registre cada venta de nuevo en línea');
  const annul = await text(page, 'unused-folios');
  expect(annul).toContain(`${forged.folio} – ${forged.folio}`);
  expect(annul).toContain('Venta sin conexión rechazada por la central');
  // Nothing of the page hides sideways at the back office's size.
  const overflow = await page.evaluate('document.documentElement.scrollWidth > window.innerWidth');
  expect(overflow).toBe(false);
  await screenshot(page, 'backoffice-leases');
  await page.getByTestId('refused-offline-sales').scrollIntoViewIfNeeded();
  await screenshot(page, 'backoffice-leases-refused');
}, 180_000);
