/**
 * What every browser test shares: the real server serving the client that the global setup
 * built once, Debian's Chromium, signed-in pages at a screen's target size, screenshots as test
 * artifacts, and reading text the way a person sees it.
 */
import { mkdirSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { inject } from 'vitest';
import { withTenant } from '../../server/src/platform/orm.ts';
import { startTestServer, TEST_PASSWORD, type TestServer } from '../../server/test/harness.ts';

export const ARTIFACTS_DIR = resolve(process.env.ARTIFACTS_DIR ?? '.artifacts');

/** Target sizes of the screens (the acceptance sizes). */
export const VIEWPORTS = {
  pos: { width: 1280, height: 800 },
  tablet: { width: 1280, height: 800 },
  wall: { width: 1920, height: 1080 },
  backoffice: { width: 1366, height: 768 },
} as const;

export type Viewport = { width: number; height: number };

/** The API server, also serving the built client. */
export function startServerWithClient(overrides: Record<string, string> = {}): Promise<TestServer> {
  return startTestServer({ CLIENT_DIST: inject('clientDist'), ...overrides });
}

/**
 * The machine's first non-internal IPv4 address, as a terminal on the store's network reaches
 * it: a page from there is plain http on a LAN address, not a secure context.
 */
export function lanAddress(): string {
  const address = Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal);
  if (!address) throw new Error('this machine has no non-loopback IPv4 address');
  return address.address;
}

export async function launchChromium(): Promise<Browser> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A fresh browser context (its own storage: a separate device) on the login page. */
export async function openLoginPage(browser: Browser, serverUrl: string, viewport: Viewport): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'es-CL' });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('page error:', error));
  await page.goto(`${serverUrl}/`);
  return page;
}

export async function signIn(page: Page, email: string, password = TEST_PASSWORD): Promise<void> {
  await page.getByLabel('Correo electrónico').fill(email);
  await page.getByLabel('Contraseña').fill(password);
  await page.getByRole('button', { name: 'Ingresar' }).click();
}

export async function signedInPage(
  browser: Browser,
  serverUrl: string,
  email: string,
  viewport: Viewport,
): Promise<Page> {
  const page = await openLoginPage(browser, serverUrl, viewport);
  await signIn(page, email);
  return page;
}

/** Saves `<name>.png` under the artifacts directory. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS_DIR, `${name}.png`) });
}

/** The rendered text of a test id (or a locator), whitespace collapsed. */
export async function visibleText(page: Page, target: string | Locator): Promise<string> {
  const locator = typeof target === 'string' ? page.getByTestId(target) : target;
  return (await locator.innerText()).replace(/\s+/g, ' ').trim();
}

/** A keyboard-wedge scanner: the code as key presses, then Enter. */
export async function scan(page: Page, code: string): Promise<void> {
  await page.keyboard.type(code, { delay: 5 });
  await page.keyboard.press('Enter');
}

/**
 * A 2D scanner reading a receipt's timbre: the first key steers the focus to the scan field as
 * any scan does, then the rest of the TED (about a kilobyte) lands at once, and Enter. Typed key
 * by key it takes a loaded machine over ten seconds.
 */
export async function scanTimbre(page: Page, ted: string): Promise<void> {
  await page.keyboard.type(ted.slice(0, 1));
  await page.keyboard.insertText(ted.slice(1));
  await page.keyboard.press('Enter');
}

/** Rings a product up at the POS by typing its name and touching its tile. */
export async function ringUp(page: Page, name: string): Promise<void> {
  await page.getByTestId('scan-input').fill(name);
  await page.getByTitle(name, { exact: true }).click();
  await page.getByTestId('scan-input').fill('');
}

/** SQL in a tenant's transaction (row-level security on), to check what a screen wrote. */
export function tenantQuery<T>(
  server: TestServer,
  tenantId: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  return withTenant(server.orm, tenantId, (em) => em.execute<T[]>(sql, params));
}
