import type { ProductInput } from '@erp/shared';
import { buildScaleLabel, gramsPreset } from '@erp/shared/scale-label';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setLabelRules, upsertProducts } from '../../server/src/catalog/index.ts';
import { withTenant } from '../../server/src/platform/orm.ts';
import { PendingEvents } from '../../server/src/realtime/pending-events.ts';
import {
  connectClient,
  createTestTenant,
  type TestServer,
  type TestTenant,
  tokenFor,
} from '../../server/test/harness.ts';
import { addCaf, receiveStock } from '../../server/test/selling.ts';
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
 * The touch POS end to end: Vite build served by the real server, a cashier in Chromium at
 * 1280×800 with a keyboard-wedge scanner (keys + Enter), and a supervisor's wall in a second
 * browser context that sees the sale arrive live.
 */
/** The tenant's scales print `25 + PLU5 + grams5` (not one of the default prefixes). */
const LABEL_RULE = gramsPreset('25');

const PRODUCTS = {
  leche: { code: 'LEC-01', name: 'Leche entera 1 L Colún', price: 1190, barcode: '7802900001018' },
  bebida: { code: 'BEB-01', name: 'Bebida cola 1,5 L', price: 1990, barcode: '7801610001622' },
  pan: { code: 'PAN-01', name: 'Pan marraqueta', price: 2490, plu: 1234 },
};

let server: TestServer;
let tenant: TestTenant;
let browser: Browser;
const ids: Record<keyof typeof PRODUCTS, string> = { leche: '', bebida: '', pan: '' };

function productInput(key: keyof typeof PRODUCTS, price?: number): ProductInput & { id: string } {
  const p = PRODUCTS[key];
  const weighable = 'plu' in p;
  return {
    id: ids[key],
    code: p.code,
    name: p.name,
    brand: '',
    category: weighable ? 'Panadería' : 'Almacén',
    unit: weighable ? 'kg' : 'unidad',
    weighable,
    plu: weighable ? p.plu : null,
    price: price ?? p.price,
    exempt: false,
    additionalTax: null,
    active: true,
    barcodes: 'barcode' in p ? [p.barcode] : [],
  };
}

/** Writes products straight to the database; the events are dropped, so open POS pages do not hear of it. */
async function saveProductsQuietly(products: (ProductInput & { id: string })[]): Promise<void> {
  await withTenant(server.orm, tenant.tenantId, (em) => upsertProducts(em, products, new PendingEvents()));
}

beforeAll(async () => {
  server = await startServerWithClient();
  tenant = await createTestTenant(server, 'pos');
  for (const key of Object.keys(ids) as (keyof typeof PRODUCTS)[]) ids[key] = crypto.randomUUID();
  await saveProductsQuietly((Object.keys(PRODUCTS) as (keyof typeof PRODUCTS)[]).map((k) => productInput(k)));
  await withTenant(server.orm, tenant.tenantId, (em) => setLabelRules(em, [LABEL_RULE]));
  await receiveStock(server, tenant, tenant.stores[0]!.warehouseId, Object.values(ids), '50');
  await addCaf(server, tenant, 39, 1, 50);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

function signedInPage(email: string): Promise<Page> {
  return openSignedIn(browser, server.url, email, VIEWPORTS.pos);
}

function shot(page: Page, name: string): Promise<void> {
  return screenshot(page, `pos-${name}`);
}

describe('touch POS (Chromium, real server)', () => {
  let pos: Page;
  let wall: Page;

  // What the cashier saw when a step failed.
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail' && pos) await shot(pos, 'failure');
  });

  it('opens the till, rings up two barcodes and a scale label, takes a mixed payment and shows the folio live on the wall', async () => {
    wall = await signedInPage(tenant.emails.supervisor);
    await wall.getByRole('button', { name: /Pared de ventas/ }).click();
    await wall.getByRole('button', { name: /Tienda A/ }).click();
    await wall.waitForURL(`${server.url}/wall/`);
    await wall.getByTestId('connection-badge').getByText('Conectado').waitFor();
    await wall.getByTestId('recent-sales').getByText('Esperando ventas…').waitFor();

    pos = await signedInPage(tenant.emails.cashier);
    await pos.locator('button.tile').first().click();
    await pos.waitForURL(`${server.url}/pos/`);

    // First run on this device: which terminal it is, then the opening float.
    await pos.getByRole('button', { name: /Caja 1/ }).click();
    await pos.getByTestId('opening-float').fill('20000');
    await shot(pos, 'open-till');
    await pos.getByRole('button', { name: 'Abrir caja' }).click();

    // The local catalog is loaded (snapshot into IndexedDB) and the grid shows live stock.
    await pos.getByText('3 productos').waitFor();
    await pos.getByRole('tab', { name: 'Almacén' }).click();
    await pos
      .getByTestId('product-tile')
      .filter({ hasText: PRODUCTS.leche.name })
      .getByText('Stock 50')
      .waitFor();

    // The scanner types while the focus is elsewhere (the cashier just tapped a tab).
    await scan(pos, PRODUCTS.leche.barcode);
    await pos.getByTestId('scan-notice').getByText(`Agregado: ${PRODUCTS.leche.name}`).waitFor();
    await scan(pos, PRODUCTS.bebida.barcode);
    // 0,750 kg of bread at $2.490/kg = $1.867,5 → $1.868.
    await scan(pos, buildScaleLabel(LABEL_RULE, PRODUCTS.pan.plu, 750));
    await pos.getByTestId('scan-notice').getByText(`Agregado: ${PRODUCTS.pan.name}`).waitFor();

    const lines = pos.getByTestId('cart-line');
    await expect.poll(() => lines.count()).toBe(3);
    expect(await text(pos, 'cart')).toContain('0,750 kg × $2.490');
    expect(await text(pos, 'cart-total')).toBe('$5.048');
    await shot(pos, 'cart');

    // Mixed: $3.000 by card (exact), the rest in cash rounded to $10: $2.048 → $2.050.
    await pos.getByTestId('pay-button').click();
    await pos.getByRole('button', { name: 'Mixto' }).click();
    await pos.getByTestId('card-amount').fill('3000');
    await pos.getByTestId('authorization-code').fill('AUT123');
    await pos.getByTestId('cash-tendered').fill('5000');
    expect(await text(pos, 'to-pay')).toBe('$5.050');
    expect(await text(pos, 'change')).toBe('$2.950');
    await shot(pos, 'payment');
    await pos.getByTestId('charge').click();

    // The folio is the server's (first of the CAF), with the timbre drawn from the TED.
    const folio = pos.getByTestId('receipt-folio');
    await folio.waitFor();
    expect(await text(pos, folio)).toBe('Boleta electrónica N° 1');
    expect(await text(pos, 'receipt-change')).toBe('$2.950');
    const timbre = await pos.getByTestId('timbre').boundingBox();
    expect(timbre?.width).toBeGreaterThan(200);
    await shot(pos, 'receipt');

    // The supervisor's wall saw it arrive.
    const sale = wall.getByTestId('recent-sale').first();
    await sale.waitFor();
    expect(await text(wall, sale)).toMatch(/Boleta electrónica 1 \$5\.048$/);
    await shot(wall, 'wall');

    await pos.getByTestId('new-sale').click();
    await pos.getByText('Escanee un producto o tóquelo en la grilla.').waitFor();
    // The sale's stock movement reached the tile live.
    await pos
      .getByTestId('product-tile')
      .filter({ hasText: PRODUCTS.leche.name })
      .getByText('Stock 49')
      .waitFor();
  });

  it('shows a back-office price change live, and confirms a stale price the server refused', async () => {
    // A store price set in the back office reaches the open POS, and the line already rung up.
    await scan(pos, PRODUCTS.bebida.barcode);
    expect(await text(pos, 'cart-total')).toBe('$1.990');
    const admin = await connectClient(server.url, tenant.slug, {
      token: await tokenFor(server.url, tenant.emails.admin),
      screen: 'backoffice',
    });
    const set = await admin.emitWithAck('product:set-store-price', {
      productId: ids.bebida,
      storeId: tenant.stores[0]!.id,
      price: 1890,
    });
    expect(set.ok).toBe(true);
    admin.close();
    await pos
      .getByTestId('product-tile')
      .filter({ hasText: PRODUCTS.bebida.name })
      .getByText('$1.890')
      .waitFor();
    await pos
      .getByTestId('price-notices')
      .getByText(`Cambió el precio de ${PRODUCTS.bebida.name}: $1.990 → $1.890`)
      .waitFor();
    expect(await text(pos, 'cart-total')).toBe('$1.890');
    await shot(pos, 'line-price-changed');
    await pos.getByRole('button', { name: `Anular ${PRODUCTS.bebida.name}` }).click();
    await pos.getByRole('button', { name: 'Entendido' }).click();

    // The base price of milk changes without this POS hearing of it: its screen is stale.
    await saveProductsQuietly([productInput('leche', 1290)]);
    await scan(pos, PRODUCTS.leche.barcode);
    expect(await text(pos, 'cart-total')).toBe('$1.190');

    await pos.getByTestId('pay-button').click();
    await pos.getByTestId('cash-tendered').fill('2000');
    await pos.getByTestId('charge').click();
    const changes = pos.getByTestId('price-changes');
    await changes.waitFor();
    expect(await text(pos, 'price-changes')).toContain(`${PRODUCTS.leche.name} $1.190 $1.290`);
    await shot(pos, 'price-changed');

    await pos.getByTestId('accept-prices').click();
    expect(await text(pos, 'to-pay')).toBe('$1.290');
    await pos.getByTestId('charge').click();
    const folio = pos.getByTestId('receipt-folio');
    await folio.waitFor();
    expect(await text(pos, folio)).toBe('Boleta electrónica N° 2');
    expect(await text(pos, 'receipt-change')).toBe('$710');
    await pos.getByTestId('new-sale').click();
  });

  it('on a first load says the catalog is loading and rings up the scans typed meanwhile, in order', async () => {
    // The catalog snapshot (HTTP) is held on the wire until the scans are typed.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await pos.route(/\/catalog\/snapshot/, async (route) => {
      const response = await route.fetch();
      await held;
      await route.fulfill({ response });
    });
    // An empty browser storage: the next load is this device's first.
    // A string: the e2e files are type-checked without the DOM library.
    await pos.evaluate(
      '(async () => { for (const db of await indexedDB.databases()) if (db.name) indexedDB.deleteDatabase(db.name); })()',
    );
    await pos.reload();
    await pos.getByTestId('catalog-loading').getByText('Cargando el catálogo…').waitFor();
    await scan(pos, PRODUCTS.bebida.barcode);
    await scan(pos, PRODUCTS.leche.barcode);
    await scan(pos, PRODUCTS.bebida.barcode);
    await pos.getByTestId('scan-notice').getByText('se agrega cuando llegue el catálogo').waitFor();
    expect(await pos.getByTestId('cart-line').count()).toBe(0);
    await shot(pos, 'catalog-loading');

    release();
    await pos.getByTestId('catalog-loading').waitFor({ state: 'detached' });
    await expect.poll(() => pos.getByTestId('cart-line').count()).toBe(2);
    expect(await pos.getByTestId('line-name').allInnerTexts()).toEqual([
      expect.stringContaining('Bebida cola'),
      expect.stringContaining('Leche entera'),
    ]);
    // 2 × $1.890 (this store's price) + $1.290.
    expect(await text(pos, 'cart-total')).toBe('$5.070');
    await pos.getByRole('button', { name: `Anular ${PRODUCTS.bebida.name}` }).click();
    await pos.getByRole('button', { name: `Anular ${PRODUCTS.leche.name}` }).click();
    await pos.unroute(/\/catalog\/snapshot/);
  });

  it('drives a sale from the keyboard alone, with the keys listed on screen', async () => {
    const keys = await text(pos, 'shortcuts');
    for (const entry of [
      'F2 Buscar',
      'F3 Cantidad',
      'F4 Desc. línea',
      '⇧F4 Desc. total',
      'F8 En espera',
      'F9 Cobrar',
      'Esc',
    ])
      expect(keys).toContain(entry);
    // F2 takes the cursor back to the search field from anywhere, its text selected.
    await pos.getByRole('tab', { name: 'Almacén' }).focus();
    await pos.keyboard.press('F2');
    await pos.keyboard.type('leche');
    await pos.getByTestId('product-tile').filter({ hasText: PRODUCTS.leche.name }).waitFor();
    await pos.keyboard.press('F2');
    await scan(pos, PRODUCTS.bebida.barcode);
    await scan(pos, PRODUCTS.leche.barcode);
    const lines = pos.getByTestId('cart-line');
    await expect.poll(() => lines.count()).toBe(2);

    // ↑ picks the line above, F3 asks its quantity.
    await pos.keyboard.press('ArrowUp');
    await expect.poll(() => lines.nth(0).getAttribute('class')).toContain('selected');
    await pos.keyboard.press('F3');
    await pos.getByTestId('quantity-input').waitFor();
    await pos.keyboard.type('3');
    await pos.keyboard.press('Enter');
    await pos.getByTestId('quantity-input').waitFor({ state: 'detached' });
    // 3 × $1.890 + $1.290.
    expect(await text(pos, 'cart-total')).toBe('$6.960');

    // F4 opens the selected line's discount, F8 the parked tickets; Esc closes either.
    await pos.keyboard.press('F4');
    await pos.getByTestId('discount-dialog').waitFor();
    await pos.keyboard.press('Escape');
    await pos.getByTestId('discount-dialog').waitFor({ state: 'detached' });
    await pos.keyboard.press('F8');
    await pos.getByTestId('park-form').waitFor();
    await pos.keyboard.press('Escape');
    await pos.getByTestId('park-form').waitFor({ state: 'detached' });
    await shot(pos, 'keyboard-ticket');

    // F9 opens the payment, F9 again charges exact cash ($6.960), Esc starts the next sale.
    await pos.keyboard.press('F9');
    await pos.getByTestId('to-pay').waitFor();
    await pos.keyboard.press('F9');
    const folio = pos.getByTestId('receipt-folio');
    await folio.waitFor();
    expect(await text(pos, 'receipt-change')).toBe('$0');
    await pos.keyboard.press('Escape');
    await folio.waitFor({ state: 'detached' });
    expect(await lines.count()).toBe(0);
  });

  it('weighs by hand without a scale, keeps the open ticket across a reload, and voids lines', async () => {
    await pos.getByRole('tab', { name: 'Panadería' }).click();
    await pos
      .getByTestId('product-tile')
      .filter({ hasText: PRODUCTS.pan.name })
      .getByRole('button')
      .first()
      .click();
    await pos.getByTestId('scale-panel').getByText('Sin balanza: ingrese el peso.').waitFor();
    await pos.getByTestId('quantity-input').fill('0,5');
    await pos.getByRole('button', { name: 'Aceptar' }).click();
    await scan(pos, PRODUCTS.bebida.barcode);
    await expect.poll(() => pos.getByTestId('cart-line').count()).toBe(2);
    // 0,500 kg × $2.490 = $1.245, plus the bebida at this store's $1.890.
    expect(await text(pos, 'cart-total')).toBe('$3.135');

    await pos.reload();
    await pos.getByTestId('connection-badge').getByText('Conectado').waitFor();
    await expect.poll(() => pos.getByTestId('cart-line').count()).toBe(2);
    expect(await text(pos, 'cart-total')).toBe('$3.135');

    await pos.getByRole('button', { name: `Anular ${PRODUCTS.pan.name}` }).click();
    await pos.getByRole('button', { name: `Anular ${PRODUCTS.bebida.name}` }).click();
    await pos.getByText('Escanee un producto o tóquelo en la grilla.').waitFor();
  });

  it('keeps a sale whose answer was lost, across a reload, and resends it with the same id', async () => {
    // The socket passes through a proxy that loses the server's answer to the sale, then keeps
    // the POS offline until the test lets it reconnect.
    let answersToLose = 1;
    let loseAnswer = false;
    let offline = false;
    await pos.context().routeWebSocket(/socket\.io/, (ws) => {
      if (offline) {
        void ws.close();
        return;
      }
      const upstream = ws.connectToServer();
      ws.onMessage((message) => {
        if (answersToLose > 0 && typeof message === 'string' && message.includes('"sale:commit"')) {
          answersToLose--;
          loseAnswer = true;
        }
        upstream.send(message);
      });
      upstream.onMessage((message) => {
        if (loseAnswer && typeof message === 'string' && message.startsWith('43')) {
          loseAnswer = false;
          offline = true;
          void upstream.close();
          void ws.close({ code: 4000, reason: 'lost' });
          return;
        }
        ws.send(message);
      });
    });
    await pos.reload();
    await pos.getByTestId('scan-input').waitFor();

    await scan(pos, PRODUCTS.bebida.barcode);
    await pos.getByTestId('pay-button').click();
    await pos.getByTestId('cash-tendered').fill('2000');
    await pos.getByTestId('charge').click();

    // The server committed it, but the POS never heard back: the sale waits, no folio invented.
    await pos.getByTestId('pending-sale').waitFor();
    expect(await pos.getByTestId('receipt-folio').count()).toBe(0);
    await shot(pos, 'pending-sale');

    // A reload keeps it (IndexedDB outbox); once back online it is resent with the same sale id
    // and the server answers with the result it stored the first time.
    offline = false;
    await pos.reload();
    const folio = pos.getByTestId('receipt-folio');
    await folio.waitFor({ timeout: 15_000 });
    expect(await text(pos, folio)).toBe('Boleta electrónica N° 4');
    await pos.getByTestId('new-sale').click();

    // Exactly one sale on the wall for it.
    await expect.poll(() => wall.getByTestId('recent-sale').count()).toBe(4);
    expect(await text(wall, wall.getByTestId('recent-sale').first())).toMatch(
      /Boleta electrónica 4 \$1\.890$/,
    );
    await pos.context().unrouteAll();
  }, 60_000);

  it('closes the till blind, and the cashier sees what was counted but never the expected cash', async () => {
    await pos.getByRole('button', { name: 'Cerrar caja' }).click();
    // Drawer: $20.000 float + $2.050 + $1.290 + $6.960 + $1.890 cash = $32.190; card vouchers $3.000.
    const count = async (face: string, n: string) =>
      pos.getByLabel(`Cantidad de ${face}`, { exact: true }).fill(n);
    await count('$20.000', '1');
    await count('$10.000', '1');
    await count('$2.000', '1');
    await count('$100', '1');
    await count('$10', '9');
    await pos.getByTestId('counted-card').fill('3000');
    expect(await text(pos, 'counted-cash')).toBe('$32.190');
    await shot(pos, 'close-count');
    await pos.getByTestId('close-submit').click();

    const report = pos.getByTestId('close-report');
    await report.waitFor();
    const shown = await text(pos, 'close-report');
    expect(shown).toContain('Efectivo — $32.190 —');
    expect(shown).toContain('Tarjeta $3.000 $3.000 $0');
    expect(shown).toContain('Cierre ciego: el efectivo esperado y su diferencia los revisa el supervisor.');
    expect(shown).toContain('Caja cerrada.');
    await shot(pos, 'close-report');
    await pos.getByRole('button', { name: 'Listo' }).click();
    await pos.getByRole('button', { name: 'Abrir caja' }).waitFor();
  });
});
