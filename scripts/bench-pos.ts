/**
 * `npm run bench:pos`: the POS in Debian's Chromium against the real server, with a
 * 50,000-product catalog (the demo generator, scaled, with stock), the link throttled as a
 * store's (Chromium's network emulation, 10 Mbit/s both ways, 20 ms). Prints:
 * - first load: from navigation with an empty catalog storage (IndexedDB and HTTP cache
 *   cleared; the session and the till's choice stay) until a scan typed at once is on the
 *   ticket; warm reload: the same with the catalog kept;
 * - main-thread tasks (PerformanceObserver `longtask`) during those loads;
 * - scan-to-line and name search: from the key's event to the next paint after the ticket or
 *   the grid changed (a `requestAnimationFrame` then a task: the frame has been produced);
 * - server memory per POS socket synced as the POS syncs (HTTP snapshot, socket for changes),
 *   and as it did before (the snapshot over the socket): heap + external delta over `SOCKETS`
 *   sockets after full GCs (external memory counts zlib's compressors), and what closing them frees.
 * Not a test: nothing fails on a figure. Env: PRODUCTS (50000), SOCKETS (20), MBIT (10), ROUNDS (3).
 */

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { createServer } from '../server/src/app.ts';
import { demoProducts, seedDemoCatalog } from '../server/src/catalog/index.ts';
import { loadConfig } from '../server/src/platform/config.ts';
import { createLogger } from '../server/src/platform/logger.ts';
import { migrateUp } from '../server/src/platform/migrate.ts';
import { createTestTenant, TEST_PASSWORD, tokenFor, UNLIMITED_COMMANDS } from '../server/test/harness.ts';
import { syncPosSockets } from './bench/pos-sockets.ts';
import { dropDatabase, ensureDatabase, ensurePostgres, ensureRedis } from './services.ts';

const PRODUCTS = Number(process.env.PRODUCTS ?? 50_000);
const SOCKETS = Number(process.env.SOCKETS ?? 20);
const MBIT = Number(process.env.MBIT ?? 10);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const DATABASE = 'erp_market_bench_pos';
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc (npm run bench:pos does)');

function quantiles(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return `p50 ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms (n=${sorted.length})`;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Installed in the page before its scripts: long tasks are collected, and `__nextPaint(change)`
 * resolves with the time from the next key event (Enter for a scan, any key for a search) to
 * the first frame after `change()` turned true (checked on every DOM mutation).
 */
const PAGE_PROBES = `
  window.__longTasks = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push(e.duration); })
    .observe({ type: 'longtask', buffered: true });
  window.__nextPaint = (key, change) => new Promise((resolve) => {
    let start = null;
    const onKey = (e) => { if (start === null && (key === null || e.key === key)) start = e.timeStamp; };
    document.addEventListener('keydown', onKey, true);
    const check = () => {
      if (start === null || !change()) return;
      observer.disconnect();
      document.removeEventListener('keydown', onKey, true);
      requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - start), 0));
    };
    const observer = new MutationObserver(check);
    observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
`;

await ensurePostgres();
await ensureRedis();
const urls = await ensureDatabase(DATABASE, { fresh: true });
await migrateUp(urls.ownerUrl);
const clientDist = mkdtempSync(join(tmpdir(), 'erp-bench-pos-client-'));
await build({
  root: join(import.meta.dirname, '../client'),
  configFile: join(import.meta.dirname, '../client/vite.config.ts'),
  logLevel: 'warn',
  build: { outDir: clientDist, emptyOutDir: true },
});
const config = loadConfig({
  ...process.env,
  ...UNLIMITED_COMMANDS,
  DATABASE_URL: urls.appUrl,
  WORKER_DATABASE_URL: urls.workerUrl,
  DATABASE_OWNER_URL: urls.ownerUrl,
  REDIS_PREFIX: 'erp-bench-pos',
  SECRETS_KEY: randomBytes(32).toString('hex'),
  CLIENT_DIST: clientDist,
  LOG_LEVEL: 'silent',
});
const server = await createServer(config, createLogger('silent'));
const port = await server.listen(0, '127.0.0.1');
const url = `http://127.0.0.1:${port}`;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});

/**
 * Bytes of the server's heap and external memory (which counts zlib's compressors) after full
 * collections.
 */
function serverMemory(): number {
  gc!();
  gc!();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/** Lets closed sockets finish closing and timers run before memory is read. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 1000));
}

try {
  const tenant = await createTestTenant(server, 'bench');
  const store = tenant.stores[0]!;
  const seedStart = performance.now();
  await seedDemoCatalog(server.orm, tenant.tenantId, PRODUCTS);
  const owner = new pg.Client({ connectionString: urls.ownerUrl });
  await owner.connect();
  await owner.query('analyze');
  await owner.end();
  const seedSeconds = (performance.now() - seedStart) / 1000;
  const products = demoProducts(PRODUCTS).filter((p) => p.barcodes.length && !p.weighable);
  let nextProduct = 0;
  const someProduct = () => products[(nextProduct++ * 7919) % products.length]!;

  // Server memory per synced POS socket, now and as before; the snapshot is read and cached
  // once first, so the figures count the sockets, not the shared cache.
  const token = await tokenFor(url, tenant.emails.cashier);
  const memory: Record<string, { open: number; released: number }> = {};
  for (const mode of ['http', 'socket'] as const) {
    // A first round warms what is allocated once (the shared snapshot, code paths, pools).
    await (
      await syncPosSockets({ url, slug: tenant.slug, token, storeId: store.id, count: SOCKETS, mode })
    )();
    await settle();
    const before = serverMemory();
    const close = await syncPosSockets({
      url,
      slug: tenant.slug,
      token,
      storeId: store.id,
      count: SOCKETS,
      mode,
    });
    await settle();
    const open = serverMemory();
    await close();
    await settle();
    const closed = serverMemory();
    memory[mode] = { open: (open - before) / SOCKETS, released: (open - closed) / SOCKETS };
  }

  // The cashier opens the POS once (login, till, float): that leaves the session and the till.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'es-CL' });
  await context.addInitScript(PAGE_PROBES);
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('page error:', error));
  const cdp = await context.newCDPSession(page);
  await page.goto(`${url}/`);
  await page.getByLabel('Correo electrónico').fill(tenant.emails.cashier);
  await page.getByLabel('Contraseña').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Ingresar' }).click();
  await page.locator('button.tile').first().click();
  await page.waitForURL(`${url}/pos/`);
  await page.getByRole('button', { name: /Caja 1/ }).click();
  await page.getByTestId('opening-float').fill('20000');
  await page.getByRole('button', { name: 'Abrir caja' }).click();
  await page.getByTestId('catalog-loading').waitFor({ state: 'detached', timeout: 180_000 });

  await cdp.send('Network.enable');
  const bytesPerSecond = (MBIT * 1e6) / 8;
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 20,
    downloadThroughput: bytesPerSecond,
    uploadThroughput: bytesPerSecond,
  });

  /** Reloads and scans at once; ms until the scanned product is on the ticket, and the long tasks. */
  async function loadUntilScan(empty: boolean) {
    if (empty) {
      await page.evaluate(
        '(async () => { for (const db of await indexedDB.databases()) if (db.name) indexedDB.deleteDatabase(db.name); })()',
      );
      await cdp.send('Network.clearBrowserCache');
    }
    const product = someProduct();
    const start = performance.now();
    await page.reload({ waitUntil: 'commit' });
    const bar = page.getByTestId('scan-input');
    await bar.waitFor({ timeout: 120_000 });
    await page.keyboard.type(product.barcodes[0]!);
    await page.keyboard.press('Enter');
    // The scanned product's line (no product is scanned twice): clearing IndexedDB may also
    // drop the open ticket, so the lines before the reload are no measure.
    await page
      .getByTestId('cart-line')
      .locator(`[title=${JSON.stringify(product.name)}]`)
      .waitFor({ timeout: 180_000 })
      .catch(async (error: unknown) => {
        await page.screenshot({ path: join(tmpdir(), 'bench-pos-failure.png') });
        throw error;
      });
    const ms = performance.now() - start;
    await page.getByTestId('catalog-loading').waitFor({ state: 'detached', timeout: 180_000 });
    const longTasks = (await page.evaluate('window.__longTasks')) as number[];
    return { ms, longTasks };
  }

  const first: { ms: number; longTasks: number[] }[] = [];
  const warm: { ms: number; longTasks: number[] }[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    first.push(await loadUntilScan(true));
    warm.push(await loadUntilScan(false));
  }

  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: -1,
  });
  // Scans: each a new product, from Enter to the frame that shows its line.
  const scans: number[] = [];
  for (let i = 0; i < 60; i++) {
    const product = someProduct();
    const lines = await page.getByTestId('cart-line').count();
    const measured = page.evaluate(
      `window.__nextPaint('Enter', () => document.querySelectorAll('[data-testid="cart-line"]').length > ${lines})`,
    );
    await page.keyboard.type(product.barcodes[0]!);
    await page.keyboard.press('Enter');
    scans.push((await measured) as number);
  }
  // Name searches: every key of a few queries, from the key to the frame after the grid changed.
  const searches: number[] = [];
  const grid = '[data-testid="product-grid"]';
  for (const query of ['leche', 'coca cola', 'arroz', 'galletas', 'detergente', 'queso', 'vino', 'cafe']) {
    for (const key of query) {
      const before = (await page.evaluate(`document.querySelector('${grid}').innerText`)) as string;
      const measured = page.evaluate(
        `window.__nextPaint(null, () => document.querySelector('${grid}').innerText !== ${JSON.stringify(before)})`,
      );
      await page.keyboard.type(key);
      searches.push(
        (await Promise.race([measured, new Promise((r) => setTimeout(() => r(null), 2000))])) as number,
      );
    }
    await page.keyboard.press('Escape');
    for (let i = 0; i < query.length; i++) await page.keyboard.press('Backspace');
  }
  const searched = searches.filter((s): s is number => s !== null);
  const longest = (runs: { longTasks: number[] }[]) => Math.max(0, ...runs.flatMap((r) => r.longTasks));
  const over200 = (runs: { longTasks: number[] }[]) =>
    runs.flatMap((r) => r.longTasks).filter((d) => d > 200).length;

  console.log(
    `\nPOS bench: ${PRODUCTS} products, Chromium at 1280×800, link ${MBIT} Mbit/s + 20 ms for the loads; seed ${seedSeconds.toFixed(0)} s`,
  );
  console.log(
    `  first load until a scan works  median ${median(first.map((r) => r.ms)).toFixed(0)} ms (${first.map((r) => r.ms.toFixed(0)).join(', ')}); longest task ${longest(first).toFixed(0)} ms, ${over200(first)} over 200 ms`,
  );
  console.log(
    `  warm reload until a scan works median ${median(warm.map((r) => r.ms)).toFixed(0)} ms (${warm.map((r) => r.ms.toFixed(0)).join(', ')}); longest task ${longest(warm).toFixed(0)} ms, ${over200(warm)} over 200 ms`,
  );
  console.log(`  scan to line (next paint)      ${quantiles(scans)}`);
  console.log(
    `  name search key (next paint)   ${quantiles(searched)} (${searches.length - searched.length} keys changed nothing)`,
  );
  for (const [mode, m] of Object.entries(memory)) {
    console.log(
      `  server memory per synced POS socket, ${mode === 'http' ? 'snapshot over HTTP (now)    ' : 'snapshot over the socket (before)'}: ${(m.open / 1024).toFixed(0)} KB heap+external while open, ${(m.released / 1024).toFixed(0)} KB freed when closed (${SOCKETS} sockets)`,
    );
  }
} finally {
  await browser.close();
  await server.close();
  await dropDatabase(DATABASE);
  rmSync(clientDist, { recursive: true, force: true });
}
