import type { ProductInput } from '@erp/shared';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { upsertProducts } from '../../server/src/catalog/index.ts';
import { withTenant } from '../../server/src/platform/orm.ts';
import { PendingEvents } from '../../server/src/realtime/pending-events.ts';
import { createTestTenant, TEST_PIN, type TestServer, type TestTenant } from '../../server/test/harness.ts';
import { addCaf, receiveStock } from '../../server/test/selling.ts';
import {
  launchChromium,
  scan,
  screenshot,
  signedInPage,
  startServerWithClient,
  tenantQuery,
  visibleText as text,
  VIEWPORTS,
} from './harness.ts';

/**
 * Returns and cash at the touch POS: a boleta is rung up, then one of its lines is returned by
 * scanning the receipt's timbre (a 2D scanner types the TED XML as keyboard input), authorized by
 * a supervisor picked at the till with their approval PIN; the nota de crédito 61 comes back from the
 * server, and the till's session and X report follow the refund and a cash withdrawal.
 */
const PRODUCTS = [
  { code: 'LEC-01', name: 'Leche entera 1 L Colún', price: 1190, barcode: '7802900001018' },
  { code: 'BEB-01', name: 'Bebida cola 1,5 L', price: 1990, barcode: '7801610001622' },
];

let server: TestServer;
let tenant: TestTenant;
let browser: Browser;
let pos: Page;

const query = <T>(sql: string, params: unknown[] = []) =>
  tenantQuery<T>(server, tenant.tenantId, sql, params);

beforeAll(async () => {
  server = await startServerWithClient();
  tenant = await createTestTenant(server, 'posret');
  const products = PRODUCTS.map((p): ProductInput & { id: string } => ({
    id: crypto.randomUUID(),
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
  }));
  await withTenant(server.orm, tenant.tenantId, (em) => upsertProducts(em, products, new PendingEvents()));
  await receiveStock(
    server,
    tenant,
    tenant.stores[0]!.warehouseId,
    products.map((p) => p.id),
    '50',
  );
  await addCaf(server, tenant, 39, 1, 50);
  await addCaf(server, tenant, 61, 1, 50);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && pos) await screenshot(pos, 'pos-returns-failure');
});

async function openOptions(choice: string): Promise<void> {
  await pos.getByTestId('till-actions').click();
  await pos.getByRole('button', { name: choice, exact: true }).click();
}

describe('returns and cash at the touch POS (Chromium, real server)', () => {
  it('returns one line of a boleta by scanning its timbre, with a supervisor, as a nota de crédito 61 (CodRef 3)', async () => {
    pos = await signedInPage(browser, server.url, tenant.emails.cashier, VIEWPORTS.pos);
    await pos.locator('button.tile').first().click();
    await pos.waitForURL(`${server.url}/pos/`);
    await pos.getByRole('button', { name: /Caja 1/ }).click();
    await pos.getByTestId('opening-float').fill('20000');
    await pos.getByRole('button', { name: 'Abrir caja' }).click();
    await pos.getByText('2 productos').waitFor();

    // The sale: two milks and a bebida, $4.370 in cash.
    await scan(pos, PRODUCTS[0]!.barcode);
    await scan(pos, PRODUCTS[0]!.barcode);
    await scan(pos, PRODUCTS[1]!.barcode);
    await expect.poll(() => text(pos, 'cart-total')).toBe('$4.370');
    await pos.getByTestId('pay-button').click();
    await pos.getByTestId('cash-tendered').fill('5000');
    await pos.getByTestId('charge').click();
    await pos.getByTestId('receipt-folio').waitFor();
    expect(await text(pos, 'receipt-folio')).toBe('Boleta electrónica N° 1');
    await pos.getByTestId('new-sale').click();

    // What the 2D scanner reads from the printed timbre: the flat TED of boleta 1.
    const [sale] = await query<{ ted: string }>('select ted from sale where doc_type = 39 and folio = 1');
    expect(sale!.ted).toMatch(/^<TED version="1.0"><DD><RE>[^<]+<\/RE><TD>39<\/TD><F>1<\/F>/);

    await openOptions('Devolución');
    await pos.getByTestId('return-view').waitFor();
    await scan(pos, sale!.ted);
    const original = pos.getByTestId('return-original');
    await original.waitFor({ timeout: 15_000 });
    expect(await text(pos, original)).toMatch(
      /^Boleta electrónica N° 1 · \d{2}-\d{2}-\d{4} Total \$4\.370 · Pagada Efectivo \$4\.370$/,
    );
    const lines = pos.getByTestId('return-line');
    expect(await lines.count()).toBe(2);
    // Product, sold, already returned, (to return), amount.
    expect(await text(pos, lines.nth(0))).toMatch(/^Leche entera 1 L Colún \$1\.190 2 0 .*\$0$/);

    // One milk back to the store's warehouse, refunded in cash.
    await pos.getByRole('button', { name: `Devolver uno más de ${PRODUCTS[0]!.name}` }).click();
    await pos.getByRole('button', { name: 'Producto defectuoso' }).click();
    expect(await text(pos, 'return-amount')).toBe('$1.190');
    expect(await text(pos, 'return-kind')).toBe('Devolución parcial: corrige montos (CodRef 3)');
    await screenshot(pos, 'pos-return');

    await pos.getByTestId('return-authorize').click();
    const dialog = pos.getByTestId('supervisor-dialog');
    const confirm = dialog.getByRole('button', { name: /^Autorizar y devolver/ });
    // The store's approvers are offered by name; the supervisor taps theirs.
    await dialog.getByRole('button', { name: 'Supervisor · Supervisor' }).click();
    // A wrong PIN is refused by the server, nothing is issued and the PIN is cleared.
    await dialog.getByTestId('approval-pin').fill('000001');
    await confirm.click();
    await dialog
      .getByRole('alert')
      .getByText(/PIN incorrecto/)
      .waitFor();
    await screenshot(pos, 'pos-return-approval');
    expect(await pos.getByTestId('return-done').count()).toBe(0);
    expect(await dialog.getByTestId('approval-pin').inputValue()).toBe('');
    // The right one, keyed on the touch pad.
    for (const digit of TEST_PIN) await dialog.getByRole('button', { name: digit, exact: true }).click();
    await confirm.click();

    await pos.getByTestId('return-done').waitFor({ timeout: 15_000 });
    expect(await text(pos, 'credit-note-folio')).toBe('Nota de crédito electrónica N° 1');
    expect(await text(pos, 'credit-note-reference')).toMatch(
      /^Referencia: Boleta electrónica N° 1 del \d{2}-\d{2}-\d{4}$/,
    );
    expect(await text(pos, 'credit-note-codref')).toBe('CodRef 3 · Corrige montos');
    expect(await text(pos, 'credit-note-total')).toBe('$1.190');
    expect(await text(pos, 'refunded')).toBe('$1.190');
    // The till's session took the cash refund (the screen asks for the session after the answer).
    await expect
      .poll(() => text(pos, 'return-drawer'))
      .toBe('Sesión de caja · Caja 1 Devoluciones en efectivo del turno $1.190 Devoluciones 1');
    const timbre = await pos.getByTestId('timbre').boundingBox();
    expect(timbre?.width).toBeGreaterThan(200);
    await screenshot(pos, 'pos-return-done');

    // What the server wrote: an NC 61 of $1.190 referencing boleta 1 with CodRef 3, one milk back in stock.
    const [note] = await query<{
      total: string;
      references: { type: string; folio: string; code: number }[];
    }>(
      `select s.total, o.payload->'document'->'references' as references
         from sale s join outbox o on o.key = 'sale-' || s.id and o.topic = 'sii.document'
        where s.kind = 'return' and s.doc_type = 61 and s.folio = 1`,
    );
    expect(note).toEqual({
      total: '1190',
      references: [
        { type: '39', folio: '1', date: expect.any(String), code: 3, reason: 'Producto defectuoso' },
      ],
    });

    // The same boleta typed by folio now shows the milk already returned once.
    await pos.getByRole('button', { name: 'Otra devolución' }).click();
    await scan(pos, '1');
    await original.waitFor();
    expect(await text(pos, original)).toContain('Notas de crédito anteriores: N° 1 ($1.190)');
    expect(await text(pos, pos.getByTestId('return-line').nth(0))).toMatch(
      /^Leche entera 1 L Colún \$1\.190 2 1 /,
    );
    await pos.getByRole('button', { name: 'Volver a vender' }).click();
    await pos.getByTestId('scan-input').waitFor();
  }, 120_000);

  it('withdraws cash with a reason and shows it in the live X report', async () => {
    await openOptions('Retiro de efectivo');
    await pos.getByTestId('cash-move-amount').fill('5000');
    await pos.getByRole('button', { name: 'Retiro a bóveda' }).click();
    expect(await text(pos, 'cash-move-submit')).toBe('Registrar retiro de $5.000');
    await screenshot(pos, 'pos-cash-move');
    await pos.getByTestId('cash-move-submit').click();
    await pos.getByTestId('cash-move-done').waitFor();
    expect(await text(pos, 'cash-move-done')).toMatch(/^Retiro registrado: \$5\.000 Retiro a bóveda/);
    await pos.getByRole('button', { name: 'Listo' }).click();

    await openOptions('Informe X');
    const report = pos.getByTestId('x-report');
    await report.getByTestId('x-blind').waitFor();
    const shown = await text(pos, report);
    // A cashier counts blind: the float, refunds and movements they handled, never the cash
    // sales or the expected cash ($20.000 + $4.370 − $1.190 − $5.000), which only a supervisor sees.
    for (const row of [
      'Fondo inicial $20.000',
      'Devoluciones en efectivo $1.190',
      'Ingresos de efectivo $0',
      'Retiros de efectivo $5.000',
      'Ventas con tarjeta $0',
      'Ventas 1',
      'Devoluciones 1',
    ]) {
      expect(shown).toContain(row);
    }
    expect(shown).not.toContain('Ventas en efectivo');
    expect(shown).not.toContain('Efectivo esperado');
    expect(shown).not.toContain('18.180');
    await screenshot(pos, 'pos-x-report');

    const [movement] = await query<{ kind: string; amount: string; reason: string }>(
      'select kind, amount, reason from cash_movement',
    );
    expect(movement).toEqual({ kind: 'out', amount: '5000', reason: 'Retiro a bóveda' });
  }, 60_000);
});
