import type { ProductInput } from '@erp/shared';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { upsertProducts } from '../../server/src/catalog/index.ts';
import { withTenant } from '../../server/src/platform/orm.ts';
import { PendingEvents } from '../../server/src/realtime/pending-events.ts';
import {
  connectClient,
  createTestTenant,
  TEST_PASSWORD,
  type TestServer,
  type TestTenant,
  tokenFor,
} from '../../server/test/harness.ts';
import { addCaf, openTill, receiveStock } from '../../server/test/selling.ts';
import {
  launchChromium,
  signedInPage as openSignedIn,
  scan,
  screenshot,
  startServerWithClient,
  visibleText as text,
  VIEWPORTS,
} from './harness.ts';

/**
 * The stock tablet end to end: the Vite build served by the real server, warehouse staff in
 * Chromium at 1280×800 with a keyboard-wedge scanner (keys + Enter). A sale rung by a socket
 * client (as the POS sends it) moves the stock view live; a purchase receipt moves stock and PPP;
 * two tablets in two browser contexts count together and see each other's scans.
 */
const PRODUCTS = {
  leche: { code: 'LEC-01', name: 'Leche entera 1 L Colún', price: 1190, barcode: '7802900001018' },
  yogur: { code: 'YOG-01', name: 'Yogur natural 1 kg', price: 2290, barcode: '7802900002022' },
  arroz: { code: 'ARR-01', name: 'Arroz grado 1 1 kg', price: 1490, barcode: '7802900003036' },
};
type Key = keyof typeof PRODUCTS;
const UNKNOWN_BARCODE = '7809999999999';

let server: TestServer;
let tenant: TestTenant;
let browser: Browser;
let secondWarehouseEmail: string;
const ids = {} as Record<Key, string>;

function productInput(key: Key): ProductInput & { id: string } {
  const p = PRODUCTS[key];
  return {
    id: ids[key],
    code: p.code,
    name: p.name,
    brand: '',
    category: 'Almacén',
    unit: 'unidad',
    weighable: false,
    plu: null,
    price: p.price,
    exempt: false,
    additionalTax: null,
    active: true,
    barcodes: [p.barcode],
  };
}

beforeAll(async () => {
  server = await startServerWithClient();
  tenant = await createTestTenant(server, 'tablet');
  for (const key of Object.keys(PRODUCTS) as Key[]) ids[key] = crypto.randomUUID();
  await withTenant(server.orm, tenant.tenantId, (em) =>
    upsertProducts(em, (Object.keys(PRODUCTS) as Key[]).map(productInput), new PendingEvents()),
  );
  const warehouseId = tenant.stores[0]!.warehouseId;
  // All at a net unit cost of $500: leche and arroz 50, yogur 20.
  await receiveStock(server, tenant, warehouseId, [ids.leche, ids.arroz], '50');
  await receiveStock(server, tenant, warehouseId, [ids.yogur], '20');
  await addCaf(server, tenant, 39, 1, 50);

  // A second warehouse worker of store A, for the second tablet.
  const admin = await connectClient(server.url, tenant.slug, {
    token: await tokenFor(server.url, tenant.emails.admin),
    screen: 'backoffice',
  });
  secondWarehouseEmail = `bodega2-${tenant.slug}@test.cl`;
  const created = await admin.emitWithAck('user:create', {
    email: secondWarehouseEmail,
    name: 'Ana Bodega',
    password: TEST_PASSWORD,
    role: 'warehouse',
    storeId: tenant.stores[0]!.id,
  });
  admin.close();
  if (!created.ok) throw new Error(JSON.stringify(created.error));
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A warehouse worker's tablet, signed in, connected, with the catalog on the device. */
async function openTablet(email: string): Promise<Page> {
  const page = await openSignedIn(browser, server.url, email, VIEWPORTS.tablet);
  const tiles = page.locator('button.tile');
  await tiles.first().waitFor();
  expect(await tiles.allTextContents()).toEqual([expect.stringContaining('Tablet de bodega')]);
  await tiles.first().click();
  await page.waitForURL(`${server.url}/tablet/`);
  await page.getByTestId('connection-badge').getByText('Conectado').waitFor();
  await page.getByText('3 productos en el equipo').waitFor();
  expect(await text(page, 'warehouse-name')).toBe('Bodega Tienda A');
  return page;
}

/** Opens a section by its tab and waits for it (a scan typed before it shows would go nowhere). */
async function openSection(page: Page, id: string): Promise<void> {
  await page.getByTestId(`tab-${id}`).click();
  await page.getByTestId(`section-${id}`).waitFor();
}

/** The row of a warehouse in the stock-by-warehouse table. */
function levelRow(page: Page, warehouse: string) {
  return page.locator(`[data-testid="stock-level"][data-warehouse="${warehouse}"]`);
}

/** Generous: the machine is shared; every wait inside is for something that must happen. */
const STEP_TIMEOUT = 120_000;

describe('stock tablet (Chromium, real server)', () => {
  let tablet: Page;
  let second: Page | undefined;

  // What the tablets showed when a step failed.
  afterEach(async (context) => {
    if (context.task.result?.state !== 'fail') return;
    const step = context.task.name.split(' ').slice(0, 3).join('-');
    if (tablet) await screenshot(tablet, `tablet-failure-${step}`);
    if (second) await screenshot(second, `tablet-failure-${step}-second`);
  });

  it(
    'looks a product up in every warehouse with its kardex, and a sale at the POS moves it live',
    async () => {
      tablet = await openTablet(tenant.emails.warehouse);
      await tablet.getByText('Escanee un producto para ver su stock en cada bodega y su kardex.').waitFor();

      await scan(tablet, PRODUCTS.leche.barcode);
      await tablet.getByTestId('stock-product').getByText(PRODUCTS.leche.name).waitFor();
      const here = levelRow(tablet, 'Bodega Tienda A');
      await here.waitFor();
      expect(await text(tablet, here)).toBe('Bodega Tienda A Esta bodega 50 $500 Sin mínimo');
      expect(await text(tablet, levelRow(tablet, 'Bodega Tienda B'))).toBe(
        'Bodega Tienda B Se actualiza al consultar 0 $0 —',
      );
      expect(await text(tablet, levelRow(tablet, 'Bodega central'))).toBe(
        'Bodega central Se actualiza al consultar 0 $0 —',
      );
      const kardex = tablet.getByTestId('kardex-row');
      await expect.poll(() => kardex.count()).toBe(1);
      expect(await text(tablet, kardex.first())).toMatch(
        /^\d\d-\d\d \d\d:\d\d Recepción \+50 \$500 50 \$500$/,
      );

      // The cashier sells 2 (the socket sends what the POS sends).
      const till = await openTill(server, tenant, tenant.stores[0]!.terminalIds[0]!);
      const sale = await till.socket.emitWithAck('sale:commit', {
        saleId: crypto.randomUUID(),
        terminalId: till.terminalId,
        cashSessionId: till.cashSessionId,
        lines: [{ productId: ids.leche, quantity: '2', unitPrice: PRODUCTS.leche.price }],
        payments: [{ method: 'cash', tendered: 5000 }],
      });
      till.socket.close();
      expect(sale).toMatchObject({ ok: true, data: { folio: 1 } });

      // No reload: the level and the kardex follow the sale.
      await here.getByTestId('level-quantity').getByText('48', { exact: true }).waitFor();
      expect(await text(tablet, here)).toBe('Bodega Tienda A Esta bodega 48 $500 Sin mínimo');
      await expect.poll(() => kardex.count()).toBe(2);
      expect(await text(tablet, kardex.first())).toMatch(/ Venta -2 \$500 48 \$500$/);
      await screenshot(tablet, 'tablet-stock');
    },
    STEP_TIMEOUT,
  );

  it(
    'receives a purchase from a new supplier and shows the new stock and PPP',
    async () => {
      await openSection(tablet, 'recepcion');
      await tablet.getByTestId('receipt-problem').getByText('Elija el proveedor.').waitFor();

      await tablet.getByTestId('new-supplier').click();
      await tablet.getByLabel('RUT').fill('76.123.456-0');
      await tablet.getByTestId('supplier-name').fill('Lácteos del Sur SpA');
      await tablet.getByTestId('save-supplier').click();
      await tablet.getByRole('dialog').waitFor({ state: 'detached' });
      expect(await tablet.getByTestId('receipt-supplier').locator('option:checked').innerText()).toBe(
        'Lácteos del Sur SpA · 76123456-0',
      );
      await tablet.getByRole('button', { name: 'Factura', exact: true }).click();
      await tablet.getByTestId('receipt-folio').fill('4521');
      // The scanner fires while the focus is still in the folio: the scan is not typed into it.
      await scan(tablet, PRODUCTS.yogur.barcode);
      const line = tablet.getByTestId('receipt-line');
      await line.getByText(PRODUCTS.yogur.name).waitFor();
      expect(await tablet.getByTestId('receipt-folio').inputValue()).toBe('4521');
      await line.getByTestId('receipt-line-current').getByText('Stock 20 · PPP $500').waitFor();
      await tablet
        .getByTestId('receipt-problem')
        .getByText(/Costo no válido en Yogur natural 1 kg/)
        .waitFor();
      await line.getByTestId('line-quantity').fill('10');
      await line.getByTestId('line-cost').fill('800');
      expect(await text(tablet, line.getByTestId('line-total'))).toBe('$8.000');
      expect(await text(tablet, 'receipt-total')).toBe('$8.000');
      await screenshot(tablet, 'tablet-receipt');

      await tablet.getByTestId('confirm-receipt').click();
      const outcome = tablet.getByTestId('receipt-outcome');
      await outcome.waitFor();
      expect(await text(tablet, 'receipt-outcome-title')).toBe('Recepción registrada: Factura N° 4521');
      // (20 × $500 + 10 × $800) / 30 = $600.
      expect(await text(tablet, outcome.getByTestId('outcome-line'))).toBe(
        `${PRODUCTS.yogur.name} 10 $800 20 30 $500 $600`,
      );
      await screenshot(tablet, 'tablet-receipt-done');

      // The stock view shows the same.
      await openSection(tablet, 'stock');
      await scan(tablet, PRODUCTS.yogur.barcode);
      const here = levelRow(tablet, 'Bodega Tienda A');
      await here.getByTestId('level-quantity').getByText('30', { exact: true }).waitFor();
      expect(await text(tablet, here.getByTestId('level-ppp'))).toBe('$600');
      const kardex = tablet.getByTestId('kardex-row');
      await expect.poll(() => kardex.count()).toBe(2);
      expect(await text(tablet, kardex.first())).toMatch(/ Recepción \+10 \$800 30 \$600$/);

      // The same supplier document cannot be received twice: the server's reason, in Spanish.
      await openSection(tablet, 'recepcion');
      await tablet.getByTestId('new-receipt').click();
      await tablet.getByTestId('receipt-folio').fill('4521');
      await tablet.getByTestId('receipt-folio').press('Enter'); // back to the scanner
      await scan(tablet, PRODUCTS.yogur.barcode);
      await tablet.getByTestId('line-cost').fill('800');
      await tablet.getByTestId('confirm-receipt').click();
      await tablet
        .getByRole('alert')
        .getByText('El documento 33 N° 4521 de este proveedor ya fue recibido.')
        .waitFor();
    },
    STEP_TIMEOUT,
  );

  it(
    'counts with two tablets that see each other’s scans, then closes and applies the count',
    async () => {
      await openSection(tablet, 'conteo');
      await tablet.getByText('No hay conteos abiertos en esta bodega.').waitFor();
      await tablet.getByRole('button', { name: /Conteo parcial/ }).click();
      await tablet.getByTestId('start-count').click();
      await tablet.getByTestId('close-count').waitFor();

      second = await openTablet(secondWarehouseEmail);
      await openSection(second, 'conteo');
      await second.getByTestId('join-count').click();
      await second.getByTestId('close-count').waitFor();

      // The first tablet scans rice once.
      await scan(tablet, PRODUCTS.arroz.barcode);
      await tablet.getByTestId('last-scan').getByText(`${PRODUCTS.arroz.name}: +1 → contado 1`).waitFor();
      const seenBySecond = second.getByTestId('count-total');
      await seenBySecond.getByText(PRODUCTS.arroz.name).waitFor();
      expect(await text(second, seenBySecond)).toBe(`${PRODUCTS.arroz.name} 1 0 1`);
      expect(await text(second, second.getByTestId('count-feed-item').first())).toBe(
        `Bodega: +1 × ${PRODUCTS.arroz.name}`,
      );

      // The second scans a box of 6 and a barcode nobody knows.
      await second.getByTestId('count-multiplier').fill('6');
      await second.getByTestId('scan-input').focus();
      await scan(second, PRODUCTS.arroz.barcode);
      await scan(second, UNKNOWN_BARCODE);
      await second.getByTestId('unknown-barcode').waitFor();
      expect(await second.getByTestId('count-multiplier').inputValue()).toBe('6');

      const total = tablet.getByTestId('count-total');
      await total.getByTestId('count-total-counted').getByText('7', { exact: true }).waitFor();
      expect(await text(tablet, total)).toBe(`${PRODUCTS.arroz.name} 7 1 6`);
      await tablet.getByTestId('unknown-barcode').getByText(UNKNOWN_BARCODE).waitFor();
      expect(await text(tablet, 'unknown-barcode')).toBe(`${UNKNOWN_BARCODE} · 6`);
      const feed = tablet.getByTestId('count-feed-item');
      await expect.poll(() => feed.count()).toBe(3);
      expect(await text(tablet, feed.first())).toBe(`Ana Bodega: +6 × ${UNKNOWN_BARCODE}`);
      expect(await text(tablet, feed.nth(1))).toBe(`Ana Bodega: +6 × ${PRODUCTS.arroz.name}`);
      await screenshot(tablet, 'tablet-count');
      await screenshot(second, 'tablet-count-second');

      // Closing on the first tablet shows the variances on both: 7 counted of 50 in the system.
      await tablet.getByTestId('close-count').click();
      await tablet.getByTestId('confirm-close-count').click();
      for (const page of [tablet, second]) {
        const variance = page.getByTestId('variance-line');
        await variance.waitFor();
        expect(await text(page, variance)).toBe(`${PRODUCTS.arroz.name} 50 7 -43`);
      }
      await screenshot(tablet, 'tablet-count-result');
      await second.getByTestId('apply-count').click();
      await second.getByTestId('count-applied').waitFor();
      await tablet.getByTestId('count-applied').waitFor();

      // The adjustment reached the stock.
      await openSection(tablet, 'stock');
      await scan(tablet, PRODUCTS.arroz.barcode);
      const here = levelRow(tablet, 'Bodega Tienda A');
      await here.getByTestId('level-quantity').getByText('7', { exact: true }).waitFor();
      expect(await text(tablet, tablet.getByTestId('kardex-row').first())).toMatch(
        / Ajuste de conteo -43 \$500 7 \$500$/,
      );
    },
    STEP_TIMEOUT,
  );

  it(
    'receives a transfer from the central warehouse live, and lists low stock live',
    async () => {
      // Goods leave the central warehouse for store A (sent from the back office).
      const central = tenant.centralWarehouseId!;
      await receiveStock(server, tenant, central, [ids.leche], '30');
      const admin = await connectClient(server.url, tenant.slug, {
        token: await tokenFor(server.url, tenant.emails.admin),
        screen: 'backoffice',
      });
      await openSection(tablet, 'transferencias');
      await tablet.getByText('No hay transferencias por recibir.').waitFor();
      const sent = await admin.emitWithAck('transfer:send', {
        fromWarehouseId: central,
        toWarehouseId: tenant.stores[0]!.warehouseId,
        lines: [{ productId: ids.leche, quantity: '12' }],
      });
      admin.close();
      expect(sent.ok).toBe(true);

      const incoming = tablet.getByTestId('incoming-transfer');
      await incoming.waitFor();
      expect(await text(tablet, 'tab-transferencias')).toBe('Transferencias 1');
      expect(await text(tablet, incoming)).toContain(`Desde Bodega central`);
      // One carton arrived broken: 11 of 12.
      await incoming.getByTestId('received-quantity').fill('11');
      await screenshot(tablet, 'tablet-transfers');
      await incoming.getByTestId('receive-transfer').click();
      await tablet
        .getByTestId('transfer-received')
        .getByText(
          'Transferencia de Bodega central recibida con diferencias: quedan registradas en la transferencia.',
        )
        .waitFor();
      expect(await text(tablet, 'tab-transferencias')).toBe('Transferencias');

      // 48 + 11 = 59 of milk; a minimum of 60 puts it on the low-stock list at once.
      await openSection(tablet, 'stock');
      await scan(tablet, PRODUCTS.leche.barcode);
      const here = levelRow(tablet, 'Bodega Tienda A');
      await here.getByTestId('level-quantity').getByText('59', { exact: true }).waitFor();
      await here.getByRole('button', { name: 'Cambiar mínimo' }).click();
      await tablet.getByTestId('minimum-input').fill('60');
      await tablet.getByRole('button', { name: 'Guardar mínimo' }).click();
      await tablet.getByRole('dialog').waitFor({ state: 'detached' });
      expect(await text(tablet, here)).toBe('Bodega Tienda A Esta bodega 59 $500 60');

      await openSection(tablet, 'stock-bajo');
      const item = tablet.getByTestId('low-item');
      await item.waitFor();
      expect(await text(tablet, item)).toBe(`${PRODUCTS.leche.name} 59 60 1 Consultar stock`);

      // A sale takes one more: the list follows without reload.
      const till = await openTill(server, tenant, tenant.stores[0]!.terminalIds[1]!);
      const sale = await till.socket.emitWithAck('sale:commit', {
        saleId: crypto.randomUUID(),
        terminalId: till.terminalId,
        cashSessionId: till.cashSessionId,
        lines: [{ productId: ids.leche, quantity: '1', unitPrice: PRODUCTS.leche.price }],
        payments: [{ method: 'cash', tendered: 2000 }],
      });
      till.socket.close();
      expect(sale.ok).toBe(true);
      await item.getByTestId('low-quantity').getByText('58', { exact: true }).waitFor();
      expect(await text(tablet, item)).toBe(`${PRODUCTS.leche.name} 58 60 2 Consultar stock`);
      expect(await text(tablet, 'tab-stock-bajo')).toBe('Stock bajo 1');
      await screenshot(tablet, 'tablet-low-stock');
    },
    STEP_TIMEOUT,
  );
});
