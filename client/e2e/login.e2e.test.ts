import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, type TestServer, type TestTenant } from '../../server/test/harness.ts';
import {
  launchChromium,
  openLoginPage,
  screenshot,
  signIn,
  startServerWithClient,
  VIEWPORTS,
  visibleText,
} from './harness.ts';

/**
 * End to end against the real server (which serves the built client), driven in Chromium
 * through login, company/screen choice and the shell.
 */
let server: TestServer;
let tenant: TestTenant;
let browser: Browser;
let context: BrowserContext | undefined;

beforeAll(async () => {
  server = await startServerWithClient();
  tenant = await createTestTenant(server, 'e2e');
  browser = await launchChromium();
}, 120_000);

afterEach(async () => {
  await context?.close();
  context = undefined;
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function openLogin(): Promise<Page> {
  const page = await openLoginPage(browser, server.url, VIEWPORTS.pos);
  context = page.context();
  return page;
}

function text(page: Page, testId: string): Promise<string> {
  return visibleText(page, testId);
}

describe('login and screen shells (Chromium, real server)', () => {
  it('explains a wrong password in Spanish', async () => {
    const page = await openLogin();
    await signIn(page, tenant.emails.cashier, 'no-es-la-clave');
    const error = page.getByTestId('login-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('Correo o contraseña incorrectos.');
    await screenshot(page, 'login-wrong-password');
  });

  it('says the server cannot be reached when the request fails', async () => {
    const page = await openLogin();
    // The page is loaded; now the network refuses the login call, as when the server is down.
    await page.route('**/api/auth/login', (route) => route.abort('connectionrefused'));
    await signIn(page, tenant.emails.cashier);
    const error = page.getByTestId('login-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('No hay conexión con el servidor.');
  });

  it('lets a cashier open the POS, connected, and sign out', async () => {
    const page = await openLogin();
    await signIn(page, tenant.emails.cashier);

    // A cashier has one company and one screen: only the POS tile is offered.
    const tiles = page.locator('button.tile');
    await tiles.first().waitFor();
    expect(await tiles.allTextContents()).toEqual([expect.stringContaining('Punto de venta')]);
    await tiles.first().click();

    await page.waitForURL(`${server.url}/pos/`);
    await page.getByTestId('connection-badge').getByText('Conectado').waitFor();
    await page.getByTestId('server-session').getByText('Sesión confirmada por el servidor').waitFor();

    expect(await text(page, 'shell-company')).toBe(`Empresa ${tenant.slug}`);
    expect(await text(page, 'shell-store')).toBe('Tienda A');
    expect(await text(page, 'shell-user')).toBe('Cajero Cajero');
    // What the server answered to session:info over the socket.
    const serverSession = await text(page, 'server-session');
    expect(serverSession).toContain('Rol Cajero');
    expect(serverSession).toContain('Sucursal Tienda A');
    expect(serverSession).toContain('Pantalla Punto de venta');
    // The POS itself starts by asking which terminal this device is.
    await page.getByText('¿Qué caja es este equipo?').waitFor();

    await screenshot(page, 'login-pos');

    await page.getByRole('button', { name: 'Cerrar sesión' }).click();
    await page.waitForURL(`${server.url}/`);
    await page.getByRole('button', { name: 'Ingresar' }).waitFor();
    // A string, not a function: this file is type-checked with the server's Node-only settings.
    expect(await page.evaluate("localStorage.getItem('erp-market.session.v1')")).toBeNull();
  });

  it('sends a cashier who opens the back office back with "no tiene permiso"', async () => {
    const page = await openLogin();
    await signIn(page, tenant.emails.cashier);
    await page.locator('button.tile').first().waitFor();

    await page.goto(`${server.url}/backoffice/`);

    await page.waitForURL(`${server.url}/`);
    const notice = page.getByTestId('login-notice');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('No tiene permiso para abrir Back office.');
    // Still signed in: the POS is still offered.
    expect(await page.locator('button.tile').allTextContents()).toEqual([
      expect.stringContaining('Punto de venta'),
    ]);
    await screenshot(page, 'login-denied-backoffice');
  });

  it('lets an admin pick a store for the POS from the server’s store list', async () => {
    const page = await openLogin();
    await signIn(page, tenant.emails.admin);
    const tiles = page.locator('button.tile');
    await tiles.first().waitFor();
    expect(await tiles.count()).toBe(4);

    await page.getByRole('button', { name: /Punto de venta/ }).click();
    await page.getByRole('button', { name: /Tienda B/ }).click();

    await page.waitForURL(`${server.url}/pos/`);
    await page.getByTestId('connection-badge').getByText('Conectado').waitFor();
    await page.getByTestId('server-session').getByText('Sesión confirmada por el servidor').waitFor();
    expect(await text(page, 'shell-store')).toBe('Tienda B');
    const serverSession = await text(page, 'server-session');
    expect(serverSession).toContain('Rol Administrador');
    expect(serverSession).toContain('Sucursal Tienda B');
    await screenshot(page, 'login-admin-store-b');
  });
});
