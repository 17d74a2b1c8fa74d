import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildScaleLabel, gramsPreset } from '@erp/shared/scale-label';
import { verifyTed } from '@erp/sii-core';
import { makeTestCertificate } from '@erp/sii-core/test-authority';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { readPdf417 } from '../../hardware-hub/src/testing/tools.ts';
import { setLabelRules } from '../../server/src/catalog/index.ts';
import { withTenant } from '../../server/src/platform/orm.ts';
import { storeCertificate } from '../../server/src/sii/certificate.store.ts';
import { connectClient, createTestTenant, type TestTenant, tokenFor } from '../../server/test/harness.ts';
import {
  type HubProcess,
  issueHubCredential,
  printedReceiptFiles,
  startStoreNode,
  storeNodePort,
  waitFor,
} from '../../server/test/hubs.ts';
import { addCaf, addProducts, receiveStock, SAMPLE_PRODUCTS } from '../../server/test/selling.ts';
import { killableServer } from '../../server/test/server-process.ts';
import { startTestPipeline, type TestPipeline } from '../../server/test/sii-pipeline.ts';
import {
  ARTIFACTS_DIR,
  lanAddress,
  launchChromium,
  scan,
  scanTimbre,
  screenshot,
  signedInPage,
  startServerWithClient,
  tenantQuery,
  visibleText as text,
  VIEWPORTS,
} from './harness.ts';

/**
 * The store keeps selling with the central server down (issue #15), every part a real process:
 * the central server (killed with SIGKILL and started again), the store's hub serving the POS
 * from a NON-loopback address (plain http: not a secure context), Chromium, and at the end the
 * SII worker with the SII simulator. Offline the cashier rings three sales (a scale label paid
 * by card, a cash sale with change, and after a reload another label with cash): each gets a
 * folio of the hub's lease and a printed receipt whose PDF417, read back from the receipt's
 * image by ZXingReader, is a TED that verifies with the tenant's CAF key. A return answers the
 * hub's Spanish offline message. When the server is back the pending count reaches 0, the
 * supervisor's wall shows the three boletas and the simulator accepts them with the printed TED.
 */
const LABEL_RULE = gramsPreset('25'); // not a default prefix: the rules must come from the company
const PAN_PLU = 1234;
const [PAN, LECHE, BEBIDA] = SAMPLE_PRODUCTS.map((p) => p.name) as [string, string, string];

let seeder: Awaited<ReturnType<typeof startServerWithClient>>;
let tenant: TestTenant;
let browser: Browser;
let hub: HubProcess;
let dataDir: string;
let nodeUrl: string;
let pos: Page;
let wall: Page;
let pipeline: TestPipeline | undefined;
const errors: string[] = [];
const central = killableServer({ CLIENT_DIST: inject('clientDist') });

/** Each offline sale: its folio, and the TED its printed receipt carries. */
const sold: { folio: number; total: string; ted: string }[] = [];

const compact = (value: string) => value.replace(/\s+/g, '');
const query = <T>(sql: string, params: unknown[] = []) =>
  tenantQuery<T>(seeder, tenant.tenantId, sql, params);

beforeAll(async () => {
  seeder = await startServerWithClient();
  tenant = await createTestTenant(seeder, 'offweb');
  const products = await addProducts(
    seeder,
    tenant,
    SAMPLE_PRODUCTS.map((p) => (p.name === PAN ? { ...p, plu: PAN_PLU } : p)),
  );
  await withTenant(seeder.orm, tenant.tenantId, (em) => setLabelRules(em, [LABEL_RULE]));
  await receiveStock(
    seeder,
    tenant,
    tenant.stores[0]!.warehouseId,
    products.map((p) => p.id),
    '50',
  );
  await addCaf(seeder, tenant, 39, 1, 50);
  await addCaf(seeder, tenant, 41, 1, 50);
  // The worker signs the synchronised boletas with the company's certificate.
  const pfx = makeTestCertificate({ rut: '11111111-1', name: 'Firmante Prueba', password: 'clave' });
  await withTenant(seeder.orm, tenant.tenantId, (em) =>
    storeCertificate(em, seeder.secrets, tenant.tenantId, pfx, 'clave'),
  );
  await central.start();
  const admin = await connectClient(central.url, tenant.slug, {
    token: await tokenFor(central.url, tenant.emails.admin),
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
  hub = startStoreNode(central.url, tenant.slug, credential, dataDir, {
    HUB_HTTP_HOST: '0.0.0.0',
    HUB_CLIENT_DIST: inject('clientDist'),
  });
  nodeUrl = `http://${lanAddress()}:${await storeNodePort(hub)}`;
  await waitFor(() => hub.logs().some((l) => l.msg === 'leases refreshed'), 30_000);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await pipeline?.close();
  await browser?.close();
  await hub?.stop();
  await central.kill();
  await seeder?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && pos) await screenshot(pos, 'pos-offline-failure');
});

/** Pays the cart: by card (exact), or in cash with what the customer hands over. */
async function charge(payment: { card: string } | { cash: string }): Promise<void> {
  await pos.getByTestId('pay-button').click();
  if ('card' in payment) {
    await pos.getByRole('button', { name: 'Tarjeta', exact: true }).click();
    await pos.getByTestId('authorization-code').fill(payment.card);
  } else {
    await pos.getByTestId('cash-tendered').fill(payment.cash);
  }
  await pos.getByTestId('charge').click();
  await pos.getByTestId('receipt-folio').waitFor();
}

/** The receipt the hub printed for a boleta: one, and the TED its PDF417 decodes to. */
async function printedTed(folio: number): Promise<string> {
  const title = new RegExp(`BOLETAELECTRÓNICAN°${folio}(?!\\d)`);
  let receipts: ReturnType<typeof printedReceiptFiles> = [];
  // Read once the hub logged it printed: the image is written after the text.
  const printed = (png: string) =>
    hub.logs().some((l) => l.msg === 'receipt printed (simulated)' && (l.files as string[]).includes(png));
  await waitFor(() => {
    receipts = printedReceiptFiles(dataDir).filter((r) => title.test(compact(r.text)));
    return receipts.length > 0 && receipts.every((r) => printed(r.png));
  }, 15_000);
  expect(receipts).toHaveLength(1);
  // Kept with the screenshots: the paper the buyer took home.
  copyFileSync(receipts[0]!.png, join(ARTIFACTS_DIR, `pos-offline-printed-${folio}.png`));
  return (await readPdf417(receipts[0]!.png)).toString('latin1');
}

/** The sale's receipt: a leased folio, printed once, its timbre a TED that verifies with the company's CAF. */
async function checkReceipt(expectedFolio: number, total: string): Promise<void> {
  expect(await text(pos, 'receipt-folio')).toBe(`Boleta electrónica N° ${expectedFolio}`);
  const ted = await printedTed(expectedFolio);
  expect(verifyTed(ted)).toEqual({ ok: true });
  expect(ted).toMatch(new RegExp(`<TD>39</TD><F>${expectedFolio}</F>`));
  // Stamped with the lease's CAF: one of the company's own, inside the range the hub holds.
  const modulus = /<M>([^<]+)<\/M>/.exec(ted)![1]!;
  const cafs = await query<{ caf_xml: string }>('select caf_xml from caf where doc_type = 39');
  expect(cafs.some((c) => c.caf_xml.includes(modulus))).toBe(true);
  const leases = JSON.parse(readFileSync(join(dataDir, 'leases.json'), 'utf8')).leases as {
    docType: number;
    from: number;
    to: number;
  }[];
  expect(leases.some((l) => l.docType === 39 && l.from <= expectedFolio && expectedFolio <= l.to)).toBe(true);
  sold.push({ folio: expectedFolio, total, ted });
}

async function newSale(): Promise<void> {
  await pos.getByTestId('new-sale').click();
  await expect.poll(() => pos.getByTestId('cart-line').count()).toBe(0);
}

async function tapTile(name: string): Promise<void> {
  await pos.getByTestId('product-tile').filter({ hasText: name }).click();
}

const nodeState = () => pos.getByTestId('node-state');

/**
 * The acks the page's sockets receive to a command, as raw Socket.IO frames: a command goes out
 * as `42<nsp>,<id>["<event>",…]` and its answer comes back as `43<nsp>,<id>[…]`.
 */
function socketAnswers(page: Page, event: string): string[] {
  const answers: string[] = [];
  page.on('websocket', (ws) => {
    const asked = new Set<string>();
    ws.on('framesent', ({ payload }) => {
      const sent = /^42[^,]*,(\d+)\["([^"]+)"/.exec(String(payload));
      if (sent?.[2] === event) asked.add(sent[1]!);
    });
    ws.on('framereceived', ({ payload }) => {
      const ack = /^43[^,]*,(\d+)(.*)$/s.exec(String(payload));
      if (ack && asked.has(ack[1]!)) answers.push(ack[2]!);
    });
  });
  return answers;
}

describe('the POS from the store node, with the central server down (Chromium, real processes)', () => {
  it('opens from a LAN address of the hub (no secure context), with the till open and the wall watching', async () => {
    wall = await signedInPage(browser, central.url, tenant.emails.supervisor, VIEWPORTS.wall);
    wall.on('pageerror', (error) => errors.push(`wall: ${error.message}`));
    await wall.getByRole('button', { name: /Pared de ventas/ }).click();
    await wall.getByRole('button', { name: /Tienda A/ }).click();
    await wall.waitForURL(`${central.url}/wall/`);
    await wall.getByTestId('recent-sales').getByText('Esperando ventas…').waitFor();

    pos = await signedInPage(browser, nodeUrl, tenant.emails.cashier, VIEWPORTS.pos);
    pos.on('pageerror', (error) => errors.push(`pos: ${error.message}`));
    expect(
      await pos.evaluate(() => [
        (globalThis as unknown as { isSecureContext: boolean }).isSecureContext,
        typeof crypto.randomUUID,
      ]),
    ).toEqual([false, 'undefined']);
    await pos.locator('button.tile').first().click();
    await pos.waitForURL(`${nodeUrl}/pos/`);
    await nodeState().getByText('Tienda en línea').waitFor();
    await pos.getByRole('button', { name: /Caja 1/ }).click();
    await pos.getByTestId('opening-float').fill('20000');
    await pos.getByRole('button', { name: 'Abrir caja' }).click();
    await pos.getByText('4 productos').waitFor();
    // The hub hears who the cashier is and keeps the catalog and label rules before the link drops…
    await waitFor(() => hub.logs().some((l) => l.msg === 'catalog replica refreshed'), 30_000);
    const kept = (file: string, text: string) => {
      const path = join(dataDir, file);
      return existsSync(path) && readFileSync(path, 'utf8').includes(text);
    };
    await waitFor(() => kept('catalog-replica.json', '"prefix":"25"'));
    await waitFor(() => kept('known-sessions.json', 'userId'));
    // …and the till as the server has it, so the hub answers it after a reload offline.
    await waitFor(() => kept('tills.json', '"status":"open"'));
  }, 60_000);

  it('sells a scale label by card and a cash sale with change, each with a leased folio and a printed timbre', async () => {
    await central.kill();
    await nodeState()
      .getByText(/Sin conexión con la central desde las \d{2}:\d{2}/)
      .waitFor({ timeout: 15_000 });
    // The header keeps to one row with the state in it: nothing overlaps, nothing scrolls sideways.
    const header = await pos.getByRole('banner').evaluate((el) => ({
      height: el.getBoundingClientRect().height,
      overflows: el.scrollWidth > el.clientWidth,
    }));
    expect(header).toEqual({ height: expect.toSatisfy((h: number) => h <= 64), overflows: false });
    // The page still reaches the hub: the header says so without contradicting the strip.
    expect(await text(pos, 'connection-badge')).toBe('Conectado a la tienda');

    // 0,734 kg of bread at $2.490/kg = $1.827,66 → $1.828, by card (no cash rounding).
    await scan(pos, buildScaleLabel(LABEL_RULE, PAN_PLU, 734));
    await pos.getByTestId('scan-notice').getByText(`Agregado: ${PAN}`).waitFor();
    expect(await text(pos, 'cart')).toContain('0,734 kg × $2.490');
    expect(await text(pos, 'cart-total')).toBe('$1.828');
    await screenshot(pos, 'pos-offline-cart');
    await charge({ card: 'AUT-OFF-1' });
    await checkReceipt(1, '1828');
    await screenshot(pos, 'pos-offline-receipt');
    await nodeState().getByText('1 venta pendiente').waitFor();

    // A milk and a bebida in cash: $3.180 from $5.000, $1.820 change.
    await newSale();
    await tapTile(LECHE);
    await tapTile(BEBIDA);
    await expect.poll(() => text(pos, 'cart-total')).toBe('$3.180');
    await charge({ cash: '5000' });
    expect(await text(pos, 'receipt-change')).toBe('$1.820');
    await checkReceipt(2, '3180');
    await nodeState().getByText('2 ventas pendientes').waitFor();
  }, 60_000);

  it('refuses a return with the hub’s Spanish message', async () => {
    await newSale();
    await pos.getByTestId('till-actions').click();
    await pos.getByRole('button', { name: 'Devolución', exact: true }).click();
    await pos.getByTestId('return-view').waitFor();
    // The 2D scanner reads the timbre of the boleta just printed.
    await scanTimbre(pos, sold[1]!.ted);
    await pos
      .getByTestId('return-view')
      .getByRole('alert')
      .getByText(/^Sin conexión con la central: /)
      .waitFor({ timeout: 15_000 });
    expect(await text(pos, pos.getByTestId('return-view').getByRole('alert'))).toMatch(
      /^! Sin conexión con la central: las devoluciones con nota de crédito necesitan la central\. .+/,
    );
    expect(await pos.getByTestId('return-original').count()).toBe(0);
    await screenshot(pos, 'pos-offline-return');
    await pos.getByRole('button', { name: 'Volver a vender' }).click();
    await pos.getByTestId('scan-input').waitFor();
  }, 60_000);

  it('reloads with the central server down and still sells: a scale label in cash', async () => {
    const answers = socketAnswers(pos, 'label:rules');
    await pos.reload();
    await nodeState()
      .getByText(/Sin conexión con la central/)
      .waitFor({ timeout: 15_000 });
    await pos.getByText('4 productos').waitFor({ timeout: 15_000 });
    await nodeState().getByText('2 ventas pendientes').waitFor();
    // The reloaded page asked for the label rules and the hub answered the company's from its replica.
    await expect
      .poll(() => answers)
      .toEqual([expect.stringMatching(/^\[\{"ok":true,"data":\[\{"prefix":"25"/)]);
    // 0,600 kg of bread ($1.494) and a bebida ($1.990): $3.484, in cash $3.480; $1.520 change.
    await scan(pos, buildScaleLabel(LABEL_RULE, PAN_PLU, 600));
    await pos.getByTestId('scan-notice').getByText(`Agregado: ${PAN}`).waitFor();
    await tapTile(BEBIDA);
    await expect.poll(() => text(pos, 'cart-total')).toBe('$3.484');
    await charge({ cash: '5000' });
    expect(await text(pos, 'receipt-change')).toBe('$1.520');
    await checkReceipt(3, '3484');
    await nodeState().getByText('3 ventas pendientes').waitFor();
    await screenshot(pos, 'pos-offline-after-reload');
  }, 60_000);

  it('syncs when the server is back: pending 0, the sales on the wall, the boletas accepted with the printed TED', async () => {
    pipeline = await startTestPipeline([tenant.tenantId]);
    await central.start();
    await nodeState().getByText('Tienda en línea').waitFor({ timeout: 60_000 });
    await nodeState().getByText('pendiente').waitFor({ state: 'detached', timeout: 60_000 });
    expect(await text(pos, 'connection-badge')).toBe('Conectado');

    const recent = wall.getByTestId('recent-sale');
    for (const { folio } of sold) {
      await recent
        .filter({ hasText: new RegExp(`Boleta electrónica ${folio}(?!\\d)`) })
        .waitFor({ timeout: 30_000 });
    }
    await wall.getByTestId('store-node').waitFor({ state: 'detached', timeout: 15_000 });
    await expect.poll(() => text(wall, 'company-tickets')).toBe('3');
    await screenshot(wall, 'pos-offline-wall');

    const rows = await query<{ id: string; folio: number; total: string; ted: string }>(
      'select id, folio, total::text, ted from sale where doc_type = 39 order by folio',
    );
    expect(rows.map((r) => ({ folio: r.folio, total: r.total, ted: r.ted }))).toEqual(sold);
    await waitFor(async () => {
      const docs = await query<{ state: string }>(
        'select state from dte_document where sale_id = any(?::uuid[])',
        [`{${rows.map((r) => r.id).join(',')}}`],
      );
      return docs.length === 3 && docs.every((d) => d.state === 'accepted');
    }, 90_000);
    // The signed boleta the SII accepted carries the very timbre printed on each receipt.
    const signed = await query<{ folio: number; signed_xml: string }>(
      'select s.folio, d.signed_xml from dte_document d join sale s on s.id = d.sale_id order by s.folio',
    );
    for (const [i, doc] of signed.entries()) expect(compact(doc.signed_xml)).toContain(compact(sold[i]!.ted));
    expect(errors).toEqual([]);
  }, 150_000);
});
