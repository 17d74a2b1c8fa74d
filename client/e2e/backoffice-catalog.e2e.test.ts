import type { ProductInput } from '@erp/shared';
import { withEan13CheckDigit } from '@erp/shared/ean13';
import { buildScaleLabel, gramsPreset } from '@erp/shared/scale-label';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { upsertProducts } from '../../server/src/catalog/index.ts';
import { withTenant } from '../../server/src/platform/orm.ts';
import { PendingEvents } from '../../server/src/realtime/pending-events.ts';
import { createTestTenant, type TestServer, type TestTenant } from '../../server/test/harness.ts';
import {
  launchChromium,
  scan,
  screenshot,
  signedInPage,
  startServerWithClient,
  visibleText as text,
  VIEWPORTS,
} from './harness.ts';

/**
 * The back office's catalog and settings end to end: an admin in Chromium at 1366×768 creates a
 * product with a barcode and changes its price while a cashier's POS (a second browser context)
 * shows it without reloading; a CSV import reports a barcode conflict before anything is
 * written, then applies with progress; company settings and users. That a cashier cannot open
 * the back office is covered by login.e2e.test.ts ("no tiene permiso").
 */
const SEEDED: [name: string, category: string, price: number][] = [
  ['Aceite maravilla 1 L', 'Almacén', 2790],
  ['Arroz grado 1 1 kg', 'Almacén', 1590],
  ['Azúcar granulada 1 kg', 'Almacén', 1290],
  ['Fideos spaghetti 400 g', 'Almacén', 890],
  ['Harina sin polvos 1 kg', 'Almacén', 1150],
  ['Lentejas 6 mm 1 kg', 'Almacén', 2390],
  ['Sal de mesa 1 kg', 'Almacén', 590],
  ['Salsa de tomate 200 g', 'Almacén', 490],
  ['Atún lomitos en aceite 160 g', 'Conservas', 1690],
  ['Duraznos en almíbar 590 g', 'Conservas', 1890],
  ['Choclo grano 300 g', 'Conservas', 1190],
  ['Leche entera 1 L', 'Lácteos', 1190],
  ['Leche descremada 1 L', 'Lácteos', 1150],
  ['Yogur batido frutilla 125 g', 'Lácteos', 450],
  ['Mantequilla con sal 250 g', 'Lácteos', 2690],
  ['Queso gauda laminado 250 g', 'Lácteos', 3290],
  ['Bebida cola 1,5 L', 'Bebidas', 1990],
  ['Agua mineral sin gas 1,6 L', 'Bebidas', 990],
  ['Jugo néctar durazno 1,5 L', 'Bebidas', 1490],
  ['Cerveza lager lata 470 cc', 'Bebidas', 1090],
  ['Detergente líquido 3 L', 'Limpieza', 7990],
  ['Lavalozas limón 750 ml', 'Limpieza', 1790],
  ['Cloro tradicional 1 L', 'Limpieza', 990],
  ['Papel higiénico doble hoja 4 un', 'Limpieza', 2990],
  ['Pan de molde blanco 700 g', 'Panadería', 2490],
  ['Galletas de agua 210 g', 'Galletas', 890],
  ['Galletas de chocolate 120 g', 'Galletas', 690],
  ['Café instantáneo 170 g', 'Infusiones', 5490],
  ['Té negro 100 bolsitas', 'Infusiones', 2990],
];
/** A weighable product for the label tester: PLU 123 on the default `20 + PLU5 + grams5` rule. */
const CHEESE: ProductInput = {
  code: 'QUE-GRANEL',
  name: 'Queso mantecoso granel',
  brand: '',
  category: 'Fiambrería',
  unit: 'kg',
  weighable: true,
  plu: 123,
  price: 9990,
  exempt: false,
  additionalTax: null,
  active: true,
  barcodes: [],
};

const NEW_PRODUCT = {
  code: 'BO-001',
  name: 'Galletas de avena 300 g',
  barcode: withEan13CheckDigit('780123450001'),
};

let server: TestServer;
let tenant: TestTenant;
let browser: Browser;
let office: Page;
let pos: Page;

beforeAll(async () => {
  server = await startServerWithClient();
  tenant = await createTestTenant(server, 'bo-e2e');
  const products: (ProductInput & { id: string })[] = SEEDED.map(([name, category, price], i) => ({
    ...CHEESE,
    id: crypto.randomUUID(),
    code: `SKU-${String(i + 1).padStart(3, '0')}`,
    name,
    category,
    unit: 'unidad',
    weighable: false,
    plu: null,
    price,
    barcodes: [withEan13CheckDigit(`78000000${String(i + 1).padStart(4, '0')}`)],
  }));
  products.push({ ...CHEESE, id: crypto.randomUUID() });
  await withTenant(server.orm, tenant.tenantId, (em) => upsertProducts(em, products, new PendingEvents()));
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const productByCode = (code: string) =>
  withTenant(server.orm, tenant.tenantId, (em) =>
    em.execute<{ name: string; price: number }[]>('select name, price from product where code = ?', [code]),
  );

async function openSection(label: string, testId: string): Promise<void> {
  await office.getByTestId('backoffice-menu').getByRole('link', { name: label, exact: true }).click();
  await office.getByTestId(testId).waitFor();
}

describe('back office: catalog and settings (Chromium, real server)', () => {
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') {
      if (office) await screenshot(office, 'backoffice-failure');
      if (pos) await screenshot(pos, 'backoffice-failure-pos');
    }
  });

  it('creates a product with a barcode and changes its price; the open POS shows both without reloading', async () => {
    // The cashier's POS is open first, with its local catalog.
    pos = await signedInPage(browser, server.url, tenant.emails.cashier, VIEWPORTS.pos);
    await pos.locator('button.tile').first().click();
    await pos.waitForURL(`${server.url}/pos/`);
    await pos.getByRole('button', { name: /Caja 1/ }).click();
    await pos.getByTestId('opening-float').fill('20000');
    await pos.getByRole('button', { name: 'Abrir caja' }).click();
    await pos.getByText('30 productos').waitFor();

    office = await signedInPage(browser, server.url, tenant.emails.admin, VIEWPORTS.backoffice);
    await office.getByRole('button', { name: /Back office/ }).click();
    await office.waitForURL(`${server.url}/backoffice/`);
    await office.getByTestId('connection-badge').getByText('Conectado').waitFor();
    // The catalog is the first section: one page of 25 of the 30 products, by name.
    const rows = office.getByTestId('product-row');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(25);
    expect(await text(office, 'pager')).toContain('1–25 de 30');
    expect(await text(office, rows.first())).toContain('Aceite maravilla 1 L');

    await office.getByTestId('new-product').click();
    await office.getByLabel('Código interno').fill(NEW_PRODUCT.code);
    await office.getByLabel('Nombre', { exact: true }).fill(NEW_PRODUCT.name);
    await office.getByLabel('Marca').fill('Costa');
    await office.getByLabel('Categoría').fill('Galletas');
    await office.getByLabel('Precio base con IVA').fill('1.490');
    await office.getByLabel('Nuevo código de barras').fill(NEW_PRODUCT.barcode);
    await office.getByRole('button', { name: 'Agregar', exact: true }).click();
    expect(await text(office, 'barcode-list')).toContain(NEW_PRODUCT.barcode);
    await office.getByTestId('save-product').click();
    await office.getByTestId('product-notice').getByText('Producto creado.', { exact: false }).waitFor();
    expect(await productByCode(NEW_PRODUCT.code)).toEqual([{ name: NEW_PRODUCT.name, price: 1490 }]);

    // The POS heard of it: a new tile in its category, at the base price.
    await pos.getByText('31 productos').waitFor();
    await pos.getByRole('tab', { name: 'Galletas' }).click();
    const tile = pos.getByTestId('product-tile').filter({ hasText: NEW_PRODUCT.name });
    await tile.getByText('$1.490').waitFor();

    // A new base price, saved in the back office, replaces it on the open POS.
    await office.getByLabel('Precio base con IVA').fill('1.690');
    await office.getByTestId('save-product').click();
    await office.getByTestId('product-notice').getByText('Producto guardado.').waitFor();
    await tile.getByText('$1.690').waitFor();
    // And the scanner finds the new barcode at the new price.
    await scan(pos, NEW_PRODUCT.barcode);
    await pos.getByTestId('scan-notice').getByText(`Agregado: ${NEW_PRODUCT.name}`).waitFor();
    expect(await text(pos, 'cart-total')).toBe('$1.690');

    // A price of its own for the POS's store (Tienda A) wins there.
    await office.getByLabel('Precio propio: Tienda A').fill('1590');
    await office.getByRole('button', { name: 'Guardar precio de Tienda A' }).click();
    await office.getByTestId('product-notice').getByText('Precio de Tienda A: $1.590.').waitFor();
    await tile.getByText('$1.590').waitFor();
    await screenshot(office, 'backoffice-product');
    await screenshot(pos, 'backoffice-pos-live-price');

    // Back in the list, the barcode finds it.
    await office.getByTestId('product-back').click();
    await office.getByTestId('catalog-search').fill(NEW_PRODUCT.barcode);
    await expect.poll(() => rows.count()).toBe(1);
    expect(await text(office, rows.first())).toContain(
      `${NEW_PRODUCT.code} ${NEW_PRODUCT.name} Costa Galletas $1.690`,
    );
    await office.getByTestId('catalog-search').fill('');
    await expect.poll(() => rows.count()).toBe(25);
    expect(await text(office, 'pager')).toContain('1–25 de 31');
    await screenshot(office, 'backoffice-catalog');
  }, 120_000);

  it('reports a barcode another product holds before applying an import, then applies a clean file with progress', async () => {
    await openSection('Importar catálogo', 'catalog-import');
    const file = (lines: string[]) => ({
      name: 'lista-proveedor.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(lines.join('\n'), 'utf8'),
    });
    const header = 'codigo;nombre;precio;codigos_barra;categoria';
    const tea = `IMP-001;Té verde 20 bolsitas;1.290;${withEan13CheckDigit('780123450002')};Infusiones`;

    await office
      .getByTestId('import-file')
      .setInputFiles(
        file([
          header,
          tea,
          `IMP-002;Café molido 250 g;3.990;${NEW_PRODUCT.barcode};Infusiones`,
          'SKU-001;;2.890;;',
        ]),
      );
    await office.getByTestId('import-summary').waitFor();
    expect(await text(office, 'import-error-count')).toBe('2');
    const errors = (await office.getByTestId('import-error').allInnerTexts()).map((row) =>
      row.replace(/\s+/g, ' ').trim(),
    );
    expect(errors).toEqual([
      `3 El código de barras ${NEW_PRODUCT.barcode} ya pertenece a ${NEW_PRODUCT.name} (${NEW_PRODUCT.code}).`,
      '4 Valor no válido en nombre.',
    ]);
    expect(await office.getByTestId('import-apply').isDisabled()).toBe(true);
    expect(await text(office, 'import-summary')).toContain('Corrija los errores antes de aplicar.');
    await screenshot(office, 'backoffice-import');
    // Nothing was written.
    expect(await productByCode('IMP-001')).toEqual([]);

    // The corrected file: a barcode of its own for the coffee, and a price list line for SKU-001.
    await office
      .getByTestId('import-file')
      .setInputFiles(
        file([
          header,
          tea,
          `IMP-002;Café molido 250 g;3.990;${withEan13CheckDigit('780123450003')};Infusiones`,
          `SKU-001;Aceite maravilla 1 L;2.890;${withEan13CheckDigit('780000000001')};Almacén`,
        ]),
      );
    await office.getByTestId('import-error-count').getByText('0').waitFor();
    expect(await text(office, 'import-create-count')).toBe('2');
    expect(await text(office, 'import-update-count')).toBe('1');
    await office.getByTestId('import-apply').click();
    await office
      .getByTestId('import-notice')
      .getByText('Importación aplicada: 2 productos nuevos y 1 actualizados.')
      .waitFor();
    expect(await text(office, 'import-progress')).toContain('3 de 3 productos');
    expect(await productByCode('IMP-002')).toEqual([{ name: 'Café molido 250 g', price: 3990 }]);
    expect(await productByCode('SKU-001')).toEqual([{ name: 'Aceite maravilla 1 L', price: 2890 }]);
    // The POS got the import live too.
    await pos.getByText('33 productos').waitFor();

    // A big file is written in chunks of 500; the bar moves as the server reports each one.
    await office.evaluate(`
      window.progressSeen = [];
      new MutationObserver(() => {
        const bar = document.querySelector('[data-testid=import-progress]');
        if (bar) window.progressSeen.push(Number(bar.getAttribute('aria-valuenow')));
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-valuenow'] });
    `);
    const many = Array.from({ length: 1200 }, (_, i) => {
      const n = String(i + 1).padStart(4, '0');
      return `MAS-${n};Producto surtido ${n};1.000;;Surtido`;
    });
    await office.getByTestId('import-file').setInputFiles(file([header, ...many]));
    await office.getByTestId('import-create-count').getByText('1200').waitFor();
    await office.getByTestId('import-apply').click();
    await office
      .getByTestId('import-notice')
      .getByText('Importación aplicada: 1.200 productos nuevos y 0 actualizados.')
      .waitFor({ timeout: 60_000 });
    expect(await text(office, 'import-progress')).toContain('1.200 de 1.200 productos');
    const seen = (await office.evaluate('window.progressSeen')) as number[];
    // 500 and 1,000 of 1,200: 42 % and 83 %.
    expect(seen.filter((percent) => percent > 0 && percent < 100)).toEqual(expect.arrayContaining([42, 83]));
    await pos.getByText('1.233 productos').waitFor({ timeout: 30_000 });
  }, 150_000);

  it('tests a scale label with the tenant rules', async () => {
    await openSection('Etiquetas de balanza', 'scale-labels');
    await expect.poll(() => office.getByTestId('label-rule').count()).toBe(4);
    await office.getByTestId('label-barcode').fill(buildScaleLabel(gramsPreset('20'), 123, 750));
    await office.getByRole('button', { name: 'Probar', exact: true }).click();
    const result = office.getByTestId('label-result');
    await result.waitFor();
    // 0,750 kg × $9.990 = $7.492,5 → $7.493.
    expect(await text(office, result)).toBe(
      'Etiqueta de balanza válida. PLU 123 Producto Queso mantecoso granel Peso 0,750 kg Monto $7.493',
    );
    await screenshot(office, 'backoffice-labels');
  });

  it('saves company data, and creates a user who then appears in the list', async () => {
    await openSection('Empresa y sucursales', 'company-settings');
    const giro = office.getByLabel('Giro');
    await expect.poll(() => giro.inputValue()).toBe('Comercio');
    await giro.fill('Venta al por menor de abarrotes');
    await office.getByLabel('Número de resolución').fill('80');
    await office.getByLabel('Fecha de resolución').fill('2014-08-22');
    await office.getByTestId('save-company').click();
    await office.getByTestId('company-notice').getByText('Datos de la empresa guardados.').waitFor();
    const [company] = await withTenant(server.orm, tenant.tenantId, (em) =>
      em.execute<{ giro: string; sii_resolution_number: number }[]>(
        'select giro, sii_resolution_number from tenant',
      ),
    );
    expect(company).toEqual({ giro: 'Venta al por menor de abarrotes', sii_resolution_number: 80 });
    expect(await office.getByTestId('store-row').allInnerTexts()).toEqual([
      expect.stringContaining('Tienda A'),
      expect.stringContaining('Tienda B'),
    ]);
    // Saving scrolled down to the button; the picture shows the form from its top.
    await office.evaluate('window.scrollTo(0, 0)');
    await screenshot(office, 'backoffice-settings');

    await openSection('Usuarios', 'users');
    const rows = office.getByTestId('user-row');
    await expect.poll(() => rows.count()).toBe(6);
    await office.getByTestId('new-user').click();
    const dialog = office.getByRole('dialog');
    await dialog.getByLabel('Nombre').fill('Cajera Nueva');
    await dialog.getByLabel('Correo').fill(`cajera-${tenant.slug}@test.cl`);
    await dialog.getByLabel('Contraseña inicial').fill('clave-segura-1');
    await dialog.getByLabel('Rol').selectOption('cashier');
    await dialog.getByLabel('Sucursal').selectOption({ label: 'Tienda B' });
    await dialog.getByRole('button', { name: 'Guardar' }).click();
    await office.getByTestId('users-notice').getByText('Usuario Cajera Nueva creado.').waitFor();
    await expect.poll(() => rows.count()).toBe(7);
    expect(await text(office, rows.filter({ hasText: 'Cajera Nueva' }))).toContain('Cajero Tienda B Activo');
    // The signed-in admin cannot change their own access.
    const self = rows.filter({ hasText: 'Usted' });
    expect(await self.getByRole('button', { name: /Cambiar acceso/ }).isDisabled()).toBe(true);
    await screenshot(office, 'backoffice-users');

    await openSection('Cajas y hubs', 'devices');
    const terminals = office.getByTestId('terminal-row');
    await expect.poll(() => terminals.count()).toBe(4);
    await office.getByLabel('Sucursal', { exact: true }).selectOption({ label: 'Tienda B' });
    await expect.poll(() => terminals.count()).toBe(2);
    await office.getByRole('button', { name: 'Nueva caja' }).click();
    await dialog.getByLabel('Código').fill('S2-C3');
    await dialog.getByLabel('Nombre').fill('Caja rápida');
    await dialog.getByRole('button', { name: 'Guardar' }).click();
    await expect.poll(() => terminals.count()).toBe(3);
    expect(await text(office, terminals.last())).toContain('S2-C3 Caja rápida Tienda B');

    // A hub credential: its token is shown once, with its expiry; the hub is listed until revoked.
    await office.getByRole('button', { name: 'Nueva credencial' }).click();
    await dialog.getByLabel('Nombre').fill('Hub mesón');
    await dialog.getByRole('button', { name: 'Nueva credencial' }).click();
    const token = await dialog.getByTestId('hub-token').locator('code').innerText();
    expect(token.length).toBeGreaterThan(20);
    expect(await text(office, dialog.getByTestId('hub-token-expiry'))).toMatch(
      /^Vence el \d{1,2}-\d{1,2}-\d{4}\.$/,
    );
    await screenshot(office, 'backoffice-hub-token');
    await dialog.getByRole('button', { name: 'Listo' }).click();
    const hub = office.getByTestId('hub-row').filter({ hasText: 'Hub mesón' });
    expect(await text(office, hub)).toContain('Hub mesón Tienda B');
    expect(await text(office, hub)).toContain('Desconectado');
    expect(await text(office, hub.getByTestId('hub-expiry'))).toMatch(/^vence el \d{1,2}-\d{1,2}-\d{4}$/);
    // Renewing shows a new token; the old credential is listed as renewed until the hub uses it.
    office.once('dialog', (confirm) => void confirm.accept());
    await hub.getByRole('button', { name: 'Renovar la credencial de Hub mesón' }).click();
    await dialog.getByText('Credencial renovada').waitFor();
    expect(await dialog.getByTestId('hub-token').locator('code').innerText()).not.toBe(token);
    await dialog.getByRole('button', { name: 'Listo' }).click();
    await expect.poll(() => hub.count()).toBe(2);
    expect(await text(office, hub.first())).toContain('Renovada: se revoca cuando el hub se conecte');
    office.once('dialog', (confirm) => void confirm.accept());
    await hub.first().getByRole('button', { name: 'Revocar la credencial de Hub mesón' }).click();
    await hub.first().getByText('Revocado').waitFor();
    await screenshot(office, 'backoffice-devices');
  }, 90_000);
});
