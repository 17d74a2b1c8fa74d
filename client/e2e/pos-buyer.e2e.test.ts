import type { DteDocument } from '@erp/shared';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { upsertProducts } from '../../server/src/catalog/index.ts';
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
 * A boleta above 135 UF at the touch POS (Ley 21.713): with the company's UF set low in the back
 * office, an ordinary ticket is above the threshold; Cobrar waits until the buyer is identified,
 * a registered customer without a phone gets only that blank filled in, and the boleta is issued
 * to the buyer.
 */
const PARLANTE = { code: 'PAR-01', name: 'Parlante bluetooth', price: 14_990, barcode: '7800000000017' };
/** Registered earlier (for a factura) with an e-mail but no phone. */
const STORED = {
  rut: '77.123.456-9',
  razonSocial: 'Comercial Ñuñoa Ltda.',
  giro: 'Almacén',
  address: 'Irarrázaval 100',
  comuna: 'Ñuñoa',
  email: 'compras@nunoa.cl',
};

let server: TestServer;
let tenant: TestTenant;
let browser: Browser;
let pos: Page;
let customerId: string;

beforeAll(async () => {
  server = await startServerWithClient();
  tenant = await createTestTenant(server, 'buyer');
  const productId = crypto.randomUUID();
  await withTenant(server.orm, tenant.tenantId, (em) =>
    upsertProducts(
      em,
      [
        {
          id: productId,
          code: PARLANTE.code,
          name: PARLANTE.name,
          brand: '',
          category: 'Electrónica',
          unit: 'unidad',
          weighable: false,
          plu: null,
          price: PARLANTE.price,
          exempt: false,
          additionalTax: null,
          active: true,
          barcodes: [PARLANTE.barcode],
        },
      ],
      new PendingEvents(),
    ),
  );
  await receiveStock(server, tenant, tenant.stores[0]!.warehouseId, [productId], '10');
  await addCaf(server, tenant, 39, 1, 10);

  // The back office sets the UF at $100,00: 135 UF = $13.500, below one parlante.
  const owner = await connectClient(server.url, tenant.slug, {
    token: await tokenFor(server.url, tenant.emails.owner),
    screen: 'backoffice',
  });
  const profile = await owner.emitWithAck('tenant:get', {});
  if (!profile.ok) throw new Error(JSON.stringify(profile.error));
  const { slug: _, ...company } = profile.data;
  const saved = await owner.emitWithAck('tenant:save', {
    ...company,
    settings: { ...company.settings, uf: { centavos: 10_000, date: '2026-12-01' } },
  });
  if (!saved.ok) throw new Error(JSON.stringify(saved.error));
  const stored = await owner.emitWithAck('customer:create', STORED);
  if (!stored.ok) throw new Error(JSON.stringify(stored.error));
  customerId = stored.data.id;
  owner.close();

  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && pos) await screenshot(pos, 'pos-buyer-failure');
});

it('holds a boleta above 135 UF until its buyer is identified, fills only the blank phone of a registered customer, and issues the boleta to the buyer', async () => {
  pos = await openSignedIn(browser, server.url, tenant.emails.cashier, VIEWPORTS.pos);
  await pos.locator('button.tile').first().click();
  await pos.waitForURL(`${server.url}/pos/`);
  await pos.getByRole('button', { name: /Caja 1/ }).click();
  await pos.getByTestId('opening-float').fill('20000');
  await pos.getByRole('button', { name: 'Abrir caja' }).click();
  await pos.getByText('1 productos').waitFor();

  await scan(pos, PARLANTE.barcode);
  await pos.getByTestId('scan-notice').getByText(`Agregado: ${PARLANTE.name}`).waitFor();
  expect(await text(pos, 'cart-total')).toBe('$14.990');

  // Above $13.500: Cobrar is blocked until the buyer is identified.
  const identify = pos.getByTestId('identify-buyer');
  await identify.waitFor();
  expect(await text(pos, identify)).toBe('Identificar comprador (boleta sobre 135 UF)');
  expect(await pos.getByTestId('pay-button').isDisabled()).toBe(true);
  await screenshot(pos, 'pos-buyer-blocked');

  await identify.click();
  const dialog = pos.getByRole('dialog', { name: 'Comprador de la boleta' });
  expect(await text(pos, dialog)).toContain('Sobre 135 UF ($13.500) la boleta identifica al comprador');
  await dialog.getByLabel('RUT').fill(STORED.rut);
  await dialog.getByRole('button', { name: 'Buscar' }).click();
  // Registered without a phone: only the phone is asked for; the stored data stays.
  const complete = dialog.getByTestId('complete-buyer');
  await complete.waitFor();
  expect(await complete.getByRole('textbox').count()).toBe(1);
  expect(await dialog.getByTestId('buyer-done').isDisabled()).toBe(true);
  await complete.getByLabel('Teléfono').fill('+56 2 2345 6789');
  await screenshot(pos, 'pos-buyer-complete');
  await complete.getByRole('button', { name: 'Guardar datos' }).click();
  await complete.waitFor({ state: 'detached' });
  expect(await text(pos, dialog.getByTestId('customer'))).toContain('compras@nunoa.cl · +56 2 2345 6789');
  await dialog.getByTestId('buyer-done').click();

  expect(await text(pos, 'cart-buyer')).toContain(`Comprador: ${STORED.razonSocial} · ${STORED.rut}`);
  expect(await pos.getByTestId('pay-button').isDisabled()).toBe(false);
  await screenshot(pos, 'pos-buyer-identified');

  await pos.getByTestId('pay-button').click();
  await pos.getByTestId('cash-tendered').fill('15000');
  await pos.getByTestId('charge').click();
  const folio = pos.getByTestId('receipt-folio');
  await folio.waitFor();
  expect(await text(pos, folio)).toBe('Boleta electrónica N° 1');
  await screenshot(pos, 'pos-buyer-receipt');

  const [sale] = await withTenant(server.orm, tenant.tenantId, (em) =>
    em.execute<{ id: string; customer_id: string; doc_type: number }[]>(
      'select id, customer_id, doc_type from sale',
    ),
  );
  expect(sale).toMatchObject({ customer_id: customerId, doc_type: 39 });
  const [outbox] = await withTenant(server.orm, tenant.tenantId, (em) =>
    em.execute<{ payload: { document: DteDocument } }[]>(
      `select payload from outbox where topic = 'sii.document' and key = ?`,
      [`sale-${sale!.id}`],
    ),
  );
  expect(outbox!.payload.document).toMatchObject({
    type: 39,
    paymentMethod: 1,
    receiver: {
      rut: '77123456-9',
      businessName: STORED.razonSocial,
      email: STORED.email,
      phone: '+56 2 2345 6789',
    },
  });
  // The till filled the blank phone and changed nothing else.
  const [customer] = await withTenant(server.orm, tenant.tenantId, (em) =>
    em.execute('select razon_social, address, email, phone from customer where id = ?', [customerId]),
  );
  expect(customer).toEqual({
    razon_social: STORED.razonSocial,
    address: STORED.address,
    email: STORED.email,
    phone: '+56 2 2345 6789',
  });
}, 120_000);
