import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import {
  connectClient,
  createTestTenant,
  type TestServer,
  type TestTenant,
  tokenFor,
} from '../../server/test/harness.ts';
import {
  type HubProcess,
  issueHubCredential,
  startHubProcess,
  storeNodePort,
  waitFor,
} from '../../server/test/hubs.ts';
import { addCaf, addProducts, receiveStock } from '../../server/test/selling.ts';
import {
  lanAddress,
  launchChromium,
  screenshot,
  signedInPage,
  startServerWithClient,
  visibleText as text,
  VIEWPORTS,
} from './harness.ts';

/**
 * The POS opened from the store's hub at a NON-loopback address of this machine (plain http on
 * a LAN address: not a secure context, so no `crypto.randomUUID`), logged in through the hub's
 * API proxy, ringing a sale online through the hub's relayed socket.
 */
let server: TestServer;
let tenant: TestTenant;
let browser: Browser;
let hub: HubProcess;
let dataDir: string;
let nodeUrl: string;

beforeAll(async () => {
  server = await startServerWithClient();
  tenant = await createTestTenant(server, 'nodeweb');
  const products = await addProducts(server, tenant);
  await receiveStock(
    server,
    tenant,
    tenant.stores[0]!.warehouseId,
    products.map((p) => p.id),
    '50',
  );
  await addCaf(server, tenant, 39, 1, 50);
  const admin = await connectClient(server.url, tenant.slug, {
    token: await tokenFor(server.url, tenant.emails.admin),
    screen: 'backoffice',
  });
  // The hub leases folios 1–10 for offline sales as it connects; online sales take the next ones.
  const sizes = await admin.emitWithAck('folio-lease:save-settings', {
    storeId: tenant.stores[0]!.id,
    sizes: { 39: 10, 41: 10, 33: 0 },
  });
  expect(sizes.ok).toBe(true);
  const credential = await issueHubCredential(admin, tenant.stores[0]!.id);
  admin.close();
  dataDir = mkdtempSync(join(tmpdir(), 'store-node-e2e-'));
  hub = startHubProcess(server.url, tenant.slug, credential, dataDir, undefined, {
    HUB_HTTP_PORT: '0',
    HUB_HTTP_HOST: '0.0.0.0',
    HUB_CLIENT_DIST: inject('clientDist'),
  });
  nodeUrl = `http://${lanAddress()}:${await storeNodePort(hub)}`;
  await waitFor(() => hub.logs().some((l) => l.msg === 'leases refreshed'), 30_000);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await hub?.stop();
  await server?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

it('opens the POS from the hub at a LAN address, logs in through it and rings a sale online', async () => {
  const pos: Page = await signedInPage(browser, nodeUrl, tenant.emails.cashier, VIEWPORTS.pos);
  const errors: string[] = [];
  pos.on('pageerror', (error) => errors.push(error.message));
  // Served by the hub from a LAN address: the browser does not count it as a secure context.
  expect(
    await pos.evaluate(() => [
      (globalThis as unknown as { isSecureContext: boolean }).isSecureContext,
      typeof crypto.randomUUID,
    ]),
  ).toEqual([false, 'undefined']);
  await pos.locator('button.tile').first().click();
  await pos.waitForURL(`${nodeUrl}/pos/`);
  await pos.getByTestId('node-state').getByText('Tienda en línea').waitFor();

  await pos.getByRole('button', { name: /Caja 1/ }).click();
  await pos.getByTestId('opening-float').fill('20000');
  await pos.getByRole('button', { name: 'Abrir caja' }).click();
  await pos.getByText('4 productos').waitFor();
  await pos.getByTestId('product-tile').filter({ hasText: 'Leche entera 1 L Colún' }).click();
  await expect.poll(() => pos.getByTestId('cart-line').count()).toBe(1);

  await pos.getByTestId('pay-button').click();
  await pos.getByTestId('cash-tendered').fill('2000');
  await pos.getByTestId('charge').click();
  const folio = pos.getByTestId('receipt-folio');
  await folio.waitFor();
  expect(await text(pos, folio)).toBe('Boleta electrónica N° 11');
  // $1.190 in cash is charged $1.190 (already a multiple of $10): $810 change.
  expect(await text(pos, 'receipt-change')).toBe('$810');
  await screenshot(pos, 'pos-store-node');
  expect(errors).toEqual([]);
});
