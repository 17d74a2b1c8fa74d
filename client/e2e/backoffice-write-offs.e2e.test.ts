import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { receiveBusinessStock, type StockHistory } from '../../server/test/backoffice-stock.ts';
import { createTestTenant, type TestServer, type TestTenant } from '../../server/test/harness.ts';
import {
  launchChromium,
  screenshot,
  signedInPage,
  startServerWithClient,
  visibleText as text,
  VIEWPORTS,
} from './harness.ts';

/**
 * The back office's «Mermas» at 1366×768: an admin records two mermas in store A's warehouse
 * (leche at PPP $700, pan by the kilo at $999,99) and the report shows each reason's pesos, the
 * products with their value per reason, and a grand total equal to both columns' sums.
 */
let server: TestServer;
let tenant: TestTenant;
let stock: StockHistory;
let browser: Browser;
let office: Page;

beforeAll(async () => {
  server = await startServerWithClient();
  tenant = await createTestTenant(server, 'bo-merma');
  stock = await receiveBusinessStock(server, tenant);
  browser = await launchChromium();
  office = await signedInPage(browser, server.url, tenant.emails.admin, VIEWPORTS.backoffice);
  await office.getByRole('button', { name: /Back office/ }).click();
  await office.waitForURL(`${server.url}/backoffice/`);
  await office.getByTestId('connection-badge').getByText('Conectado').waitFor();
}, 180_000);

afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && office) await screenshot(office, 'backoffice-merma-failure');
});

afterAll(async () => {
  stock?.admin.close();
  await browser?.close();
  await server?.close();
});

async function recordWriteOff(search: string, name: string, quantity: string, reason: string, shot?: string) {
  await office.getByTestId('write-off-new').click();
  const form = office.getByTestId('write-off-form');
  await form.waitFor();
  expect(await form.getByTestId('write-off-warehouse').locator('option:checked').innerText()).toBe(
    'Bodega Tienda A · Tienda A',
  );
  await form.getByTestId('write-off-search').fill(search);
  await form.getByTestId('write-off-match').filter({ hasText: name }).click();
  await form
    .getByTestId('write-off-product')
    .getByText(/Stock .* · PPP /)
    .waitFor();
  await form.getByTestId('write-off-quantity').fill(quantity);
  await form.getByRole('button', { name: reason, exact: true }).click();
  if (shot) await screenshot(office, shot);
  await form.getByRole('button', { name: 'Registrar merma' }).click();
  await form.waitFor({ state: 'detached' });
}

describe('back office: mermas (Chromium, real server)', () => {
  it('records mermas and reports them by reason and product in pesos at PPP', async () => {
    await office.getByTestId('backoffice-menu').getByRole('link', { name: 'Mermas' }).click();
    await office.getByTestId('write-offs-section').getByText('No hay mermas en el período.').waitFor();

    await recordWriteOff('leche', 'Leche entera 1 L Colún', '2', 'Robo', 'merma-backoffice-1366x768-dialog');
    expect(await text(office, 'write-offs-notice')).toBe(
      'Merma registrada: 2 de Leche entera 1 L Colún (Robo), $1.400 al PPP.',
    );
    await recordWriteOff('marraqueta', 'Pan marraqueta', '0,5', 'Dañado');
    expect(await text(office, 'write-offs-notice')).toBe(
      'Merma registrada: 0,5 kg de Pan marraqueta (Dañado), $500 al PPP.',
    );

    await expect.poll(() => office.getByTestId('write-off-row').count()).toBe(2);
    expect(await text(office, 'reason-theft')).toBe('Robo $1.400 1 merma');
    expect(await text(office, 'reason-damaged')).toBe('Dañado $500 1 merma');
    expect(await text(office, 'reason-expired')).toBe('Vencido $0 0 mermas');
    expect(await text(office, 'write-offs-grand-total')).toBe('Total mermas $1.900 2 mermas');
    expect(await text(office, office.getByTestId('write-off-row').first())).toBe(
      'LEC-01 Leche entera 1 L Colún 2 $1.400 $1.400',
    );
    expect(await text(office, office.getByTestId('write-off-row').nth(1))).toBe(
      'PAN-01 Pan marraqueta 0,5 kg $500 $500',
    );
    expect(await text(office, 'write-offs-total-row')).toBe('Total $0 $500 $1.400 $0 $1.900');
    await screenshot(office, 'merma-backoffice-1366x768');
  });
});
