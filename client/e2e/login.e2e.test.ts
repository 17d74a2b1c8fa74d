import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestTenant,
  startTestServer,
  TEST_PASSWORD,
  type TestServer,
  type TestTenant,
} from '../../server/test/harness.ts';

/**
 * End to end against the real server: the client is built with Vite, served by the API server
 * (`CLIENT_DIST`), and driven in Chromium through login, company/screen choice and the shell.
 */
const CLIENT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLIENT_DIST = join(CLIENT_ROOT, 'dist');
const ARTIFACTS_DIR = resolve(process.env.ARTIFACTS_DIR ?? '.artifacts');

let server: TestServer;
let tenant: TestTenant;
let browser: Browser;
let context: BrowserContext | undefined;

beforeAll(async () => {
  await build({ root: CLIENT_ROOT, configFile: join(CLIENT_ROOT, 'vite.config.ts'), logLevel: 'warn' });
  server = await startTestServer({ CLIENT_DIST });
  tenant = await createTestTenant(server, 'e2e');
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
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
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'es-CL' });
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  return page;
}

async function signIn(page: Page, email: string, password = TEST_PASSWORD): Promise<void> {
  await page.getByLabel('Correo electrónico').fill(email);
  await page.getByLabel('Contraseña').fill(password);
  await page.getByRole('button', { name: 'Ingresar' }).click();
}

/** The text as a person sees it (innerText keeps the gaps between label and value). */
async function text(page: Page, testId: string): Promise<string> {
  return (await page.getByTestId(testId).innerText()).replace(/\s+/g, ' ').trim();
}

describe('login and screen shells (Chromium, real server)', () => {
  it('explains a wrong password in Spanish', async () => {
    const page = await openLogin();
    await signIn(page, tenant.emails.cashier, 'no-es-la-clave');
    const error = page.getByTestId('login-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('Correo o contraseña incorrectos.');
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'login-wrong-password.png') });
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

    await page.screenshot({ path: join(ARTIFACTS_DIR, 'login-pos.png') });

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
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'login-denied-backoffice.png') });
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
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'login-admin-store-b.png') });
  });
});
