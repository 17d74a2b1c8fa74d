import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type BusinessHistory, EXPECTED, ringBusinessHistory } from '../../server/test/backoffice-sales.ts';
import { createTestTenant, type TestServer, type TestTenant } from '../../server/test/harness.ts';
import {
  launchChromium,
  screenshot,
  signedInPage,
  startServerWithClient,
  visibleText as text,
  VIEWPORTS,
} from './harness.ts';

/**
 * The back office's business sections end to end: sales rung by cashiers' sockets (two stores,
 * boleta, exempt line, mixed payment, factura, a return) and then an admin in Chromium at
 * 1366×768 reads them: reports whose totals equal what was sold, with a CSV download; the sales
 * list paged and a sale opened with its nota de crédito; cash sessions and a close approved;
 * stock valued at PPP with a kardex; receipts and suppliers; the audit log.
 */

/** Extra boletas of one bebida (store A, cash), so the sales list has a second page; the first also voided a line. */
const EXTRA_SALES = 16;
/** Each: $1.990 with IVA, net round(1990 / 1,19) = 1.672, cost round(1 × 1.234,5) = 1.235. */
const EXTRA = { total: 1990, net: 1672, cost: 1235 };
const SOLD = {
  tickets: EXPECTED.totals.tickets + EXTRA_SALES,
  total: EXPECTED.totals.total + EXTRA_SALES * EXTRA.total,
  net: EXPECTED.totals.net + EXTRA_SALES * EXTRA.net,
  cost: EXPECTED.totals.cost + EXTRA_SALES * EXTRA.cost,
};
const clp = (pesos: number) => `$${pesos.toLocaleString('es-CL')}`;

let server: TestServer;
let tenant: TestTenant;
let history: BusinessHistory;
let browser: Browser;
let office: Page;

beforeAll(async () => {
  server = await startServerWithClient();
  tenant = await createTestTenant(server, 'bo-biz');
  history = await ringBusinessHistory(server, tenant);
  const [tillA, tillB] = history.tills;
  for (let i = 0; i < EXTRA_SALES; i++) {
    const sale = await tillA!.socket.emitWithAck('sale:commit', {
      saleId: randomUUID(),
      terminalId: tillA!.terminalId,
      cashSessionId: tillA!.cashSessionId,
      lines: [{ productId: history.products.bebida.id, quantity: '1', unitPrice: 1990 }],
      payments: [{ method: 'cash', tendered: 2000 }],
      voidedLines:
        i === 0
          ? [
              {
                productId: history.products.bebida.id,
                name: 'Bebida cola 1,5 L',
                quantity: '1',
                unitPrice: 1990,
              },
            ]
          : [],
    });
    if (!sale.ok) throw new Error(JSON.stringify(sale.error));
  }
  // Store B closes exactly; store A takes $5.000 to the safe and counts $1.000 short of the rest,
  // above the tolerance: it waits for approval in the back office.
  const closeB = await tillB!.socket.emitWithAck('cash:close', {
    sessionId: tillB!.cashSessionId,
    denominations: { '20000': 1, '2000': 1, '100': 1, '50': 1, '10': 3 },
    countedCard: 1000,
  });
  if (!closeB.ok) throw new Error(JSON.stringify(closeB.error));
  const out = await tillA!.socket.emitWithAck('cash:move', {
    sessionId: tillA!.cashSessionId,
    kind: 'out',
    amount: 5000,
    reason: 'Retiro a caja fuerte',
  });
  if (!out.ok) throw new Error(JSON.stringify(out.error));
  // Expected cash A: 20.000 + 5.440 + 2.380 + 16 × 1.990 − 1.190 − 5.000 = 53.470; counted 52.300.
  const closeA = await tillA!.socket.emitWithAck('cash:close', {
    sessionId: tillA!.cashSessionId,
    denominations: { '20000': 2, '10000': 1, '2000': 1, '100': 3 },
    countedCard: 7570,
  });
  if (!closeA.ok || closeA.data.session.status !== 'pending_approval')
    throw new Error(JSON.stringify(closeA));

  browser = await launchChromium();
  office = await signedInPage(browser, server.url, tenant.emails.admin, VIEWPORTS.backoffice);
  await office.getByRole('button', { name: /Back office/ }).click();
  await office.waitForURL(`${server.url}/backoffice/`);
  await office.getByTestId('connection-badge').getByText('Conectado').waitFor();
}, 180_000);

afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && office)
    await screenshot(office, 'backoffice-business-failure');
});

afterAll(async () => {
  for (const till of history?.tills ?? []) till.socket.close();
  await browser?.close();
  await server?.close();
});

async function openSection(label: string): Promise<void> {
  await office.getByTestId('backoffice-menu').getByRole('link', { name: label }).click();
}

async function closeDialog(): Promise<void> {
  await office.getByRole('dialog').getByRole('button', { name: 'Cancelar' }).first().click();
}

describe('back office: reports, sales, cash, inventory, purchases, audit (Chromium, real server)', () => {
  it('shows report totals equal to what was sold, by day and by product, and downloads the CSV', async () => {
    await openSection('Reportes');
    await office.getByLabel('Desde').fill(history.yesterday);
    await office.getByLabel('Hasta').fill(history.today);
    const totals = office.getByTestId('report-totals');
    await expect.poll(() => text(office, 'total-tickets'), { timeout: 15_000 }).toBe(String(SOLD.tickets));
    expect(await text(office, 'total-returns')).toBe('1');
    expect(await text(office, 'total-total')).toBe(clp(SOLD.total));
    expect(await text(office, 'total-net')).toBe(clp(SOLD.net));
    expect(await text(office, 'total-cost')).toBe(clp(SOLD.cost));
    // 41.929 − 29.729 = 12.200: 29,1 % of net.
    expect(await text(office, 'total-margin')).toBe('$12.200 29,1 %');
    // One row per day: yesterday's exempt-line boleta, today's everything else.
    const rows = office.getByTestId('report-row');
    expect(await rows.count()).toBe(2);
    expect(await text(office, rows.first())).toBe(
      `${history.yesterday.split('-').reverse().join('-')} 1 0 $7.570 $6.935 $4.469 $2.466 35,6 %`,
    );
    await office.getByTestId('report-chart').locator('rect').first().waitFor();
    await totals.waitFor();
    await screenshot(office, 'backoffice-reports');

    // By product: bebida first (its 16 extra sales), with the period's same totals.
    await office.getByTestId('report-kind-product').click();
    await expect.poll(() => text(office, rows.first()), { timeout: 15_000 }).toContain('BEB-01');
    const bebida = 5017 + EXTRA_SALES * EXTRA.net;
    expect(await text(office, rows.first())).toContain(
      `BEB-01 Bebida cola 1,5 L ${3 + EXTRA_SALES} ${2 + EXTRA_SALES} 0`,
    );
    expect(await text(office, rows.first())).toContain(clp(bebida));
    expect(await rows.count()).toBe(4);
    expect(await text(office, 'report-total-row')).toContain(clp(SOLD.total));

    const [download] = await Promise.all([
      office.waitForEvent('download', { timeout: 60_000 }),
      office.getByTestId('report-export').click(),
    ]);
    expect(download.suggestedFilename()).toBe(
      `ventas-por-producto_${history.yesterday}_${history.today}.csv`,
    );
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(
      csv.startsWith(
        '\uFEFFCódigo;Producto;Cantidad;Ventas;Devoluciones;Total con IVA;Neto;Costo PPP;Margen;Margen %\r\n',
      ),
    ).toBe(true);
    const lines = csv.trim().split('\r\n');
    expect(lines).toHaveLength(6);
    expect(lines[1]).toMatch(
      new RegExp(`^BEB-01;Bebida cola 1,5 L;${3 + EXTRA_SALES};${2 + EXTRA_SALES};0;`),
    );
    expect(lines[3]).toContain('HUE-01;"Huevos ""color""; docena";1;1;0;3590;3590;2000;1590;');
    expect(lines[5]).toMatch(
      new RegExp(
        `^;Total;;${SOLD.tickets};1;${SOLD.total};${SOLD.net};${SOLD.cost};${SOLD.net - SOLD.cost};`,
      ),
    );
    await office
      .getByTestId('report-notice')
      .getByText('CSV con 4 filas descargado', { exact: false })
      .waitFor();

    // By payment method: what each method collected.
    await office.getByTestId('report-kind-payment').click();
    await expect.poll(() => text(office, rows.first()), { timeout: 15_000 }).toContain('Efectivo');
    expect(await text(office, rows.first())).toBe(
      `Efectivo ${3 + EXTRA_SALES} 1 ${clp(8810 + EXTRA_SALES * 1990)}`,
    );
    expect(await text(office, rows.nth(1))).toBe('Tarjeta 2 0 $8.570');
  }, 90_000);

  it('pages through the sales list and opens a return and the sale it credits', async () => {
    await openSection('Ventas y devoluciones');
    const rows = office.getByTestId('sale-row');
    const total = 5 + EXTRA_SALES;
    await expect.poll(() => text(office, 'pager'), { timeout: 15_000 }).toContain(`1–20 de ${total}`);
    expect(await rows.count()).toBe(20);
    await office.getByTestId('pager').getByRole('button', { name: 'Siguiente' }).click();
    await expect.poll(() => text(office, 'pager')).toContain(`21–21 de ${total}`);
    // The oldest: yesterday's boleta with the exempt line.
    expect(await text(office, rows.first())).toContain('$7.570');
    await office.getByTestId('pager').getByRole('button', { name: 'Anterior' }).click();
    await expect.poll(() => text(office, 'pager')).toContain(`1–20 de ${total}`);

    await office.getByLabel('Documento').selectOption('61');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(1);
    await office.getByRole('button', { name: `Ver Nota de crédito N° ${history.folios.r1}` }).click();
    const detail = office.getByTestId('sale-detail');
    await detail.getByText('Supervisor').waitFor();
    expect(await text(office, detail)).toContain('Leche entera 1 L');

    await detail.getByTestId('open-original').click();
    await detail
      .getByTestId('sale-returns')
      .getByText(`Ver nota de crédito N° ${history.folios.r1}`)
      .waitFor();
    expect(await text(office, detail.getByTestId('sale-amounts'))).toBe(
      'Neto $4.570 IVA $868 Total $5.438 Redondeo efectivo $2',
    );
    expect(await text(office, detail.getByTestId('sale-payments'))).toContain(
      'Efectivo $5.440 $10.000 $4.560',
    );
    expect(await text(office, detail.getByTestId('sale-document'))).toContain('Documento SII');
    expect(await office.getByRole('dialog').locator('h2').innerText()).toBe(`Boleta N° ${history.folios.s1}`);
    await screenshot(office, 'backoffice-sales');
    await closeDialog();
  }, 90_000);

  it('shows cash sessions with expected against counted and approves a close over the tolerance', async () => {
    await openSection('Cajas y cierres');
    const rows = office.getByTestId('cash-row');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(2);
    const pending = office.locator('[data-testid="cash-row"][data-status="pending_approval"]');
    expect(await text(office, pending)).toContain(
      'Espera aprobación $53.470 $52.300 -$1.170 $7.570 $7.570 $0',
    );
    await pending.getByRole('button', { name: /^Ver caja/ }).click();
    const detail = office.getByTestId('cash-detail');
    expect(await text(office, detail.getByTestId('cash-methods'))).toBe(
      'Medio Esperado Contado Diferencia Efectivo $53.470 $52.300 -$1.170 Tarjeta $7.570 $7.570 $0',
    );
    expect(await text(office, detail)).toContain('Retiro a caja fuerte');
    expect(await text(office, detail.getByTestId('cash-denominations'))).toContain('2 × $20.000 $40.000');
    await screenshot(office, 'backoffice-cash');
    await detail.getByTestId('approve-close').click();
    await detail.getByText('Cierre aprobado: Z N° 1.').waitFor();
    expect(await text(office, detail.getByTestId('cash-detail-status'))).toBe('Cerrada');
    await closeDialog();
    await expect
      .poll(() => office.locator('[data-testid="cash-row"][data-status="closed"]').count(), {
        timeout: 15_000,
      })
      .toBe(2);
  }, 90_000);

  it('values every warehouse at PPP and shows a product kardex', async () => {
    await openSection('Inventario');
    // Store A: leche 16 × 700, pan 9,25 × 1.000, bebida 2 × 1.234,5, huevos 9 × 2.000; store B: leche 9 × 650, bebida 9 × 1.300.
    const storeA = 11200 + 9250 + 2469 + 18000;
    const storeB = 5850 + 11700;
    await expect
      .poll(() => text(office, 'inventory-total'), { timeout: 15_000 })
      .toBe(`Total empresa ${clp(storeA + storeB)}`);
    const card = (id: string) => office.locator(`[data-testid="warehouse-card"][data-warehouse="${id}"]`);
    expect(await text(office, card(tenant.stores[0]!.warehouseId))).toContain(clp(storeA));
    expect(await text(office, card(tenant.stores[1]!.warehouseId))).toContain(clp(storeB));
    const leche = office.locator('[data-testid="stock-row"][data-code="LEC-01"]');
    await leche.waitFor({ timeout: 15_000 });
    expect(await text(office, leche)).toContain('16 $700 $11.200');
    await screenshot(office, 'backoffice-inventory');
    await office.getByLabel('Buscar en la bodega').fill('huevos');
    await expect.poll(() => office.getByTestId('stock-row').count()).toBe(1);
    await office.getByLabel('Buscar en la bodega').fill('');
    await leche.getByRole('button', { name: 'Kardex de Leche entera 1 L' }).click();
    const kardex = office.getByTestId('kardex-row');
    await expect.poll(() => kardex.count(), { timeout: 15_000 }).toBe(5);
    expect(
      await office
        .getByTestId('kardex')
        .locator('[data-kind]')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind'))),
    ).toEqual(['return', 'sale', 'sale', 'receipt', 'receipt']);
    await closeDialog();
  }, 90_000);

  it('lists receipts with their lines, and adds and deletes a supplier', async () => {
    await openSection('Compras');
    const rows = office.getByTestId('receipt-row');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(3);
    await screenshot(office, 'backoffice-purchases');
    await office.getByRole('button', { name: 'Ver recepción de Factura N° 1001' }).click();
    const lines = office.getByTestId('receipt-line');
    await expect.poll(() => lines.count()).toBe(4);
    expect(await text(office, lines.nth(2))).toBe('BEB-01 Bebida cola 1,5 L 20 $1.234,5 $24.690');
    expect(await text(office, 'receipt-facts')).toContain('76.086.428-5 · Bodega Tienda A');
    await closeDialog();

    await openSection('Proveedores');
    await expect.poll(() => office.getByTestId('supplier-row').count(), { timeout: 15_000 }).toBe(1);
    await office.getByTestId('new-supplier').click();
    await office.getByLabel('RUT').fill('77777777-7');
    await office.getByLabel('Razón social').fill('Comercial Norte');
    await office.getByLabel('Giro').fill('Bebidas');
    await office.getByRole('button', { name: 'Guardar' }).click();
    await office.getByTestId('supplier-notice').getByText('Proveedor Comercial Norte guardado.').waitFor();
    await expect.poll(() => office.getByTestId('supplier-row').count()).toBe(2);
    office.once('dialog', (dialog) => void dialog.accept());
    await office.getByRole('button', { name: 'Eliminar Distribuidora Sur' }).click();
    await office.getByRole('alert').getByText('tiene recepciones', { exact: false }).waitFor();
    office.once('dialog', (dialog) => void dialog.accept());
    await office.getByRole('button', { name: 'Eliminar Comercial Norte' }).click();
    await office.getByTestId('supplier-notice').getByText('Proveedor Comercial Norte eliminado.').waitFor();
    await expect.poll(() => office.getByTestId('supplier-row').count()).toBe(1);
  }, 90_000);

  it('shows the audit log and filters it by kind', async () => {
    await openSection('Auditoría');
    const rows = office.getByTestId('audit-row');
    await rows.first().waitFor({ timeout: 15_000 });
    await office.getByLabel('Tipo').selectOption('return');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(1);
    expect(await text(office, rows.first())).toContain(
      `Devolución Cajero Tienda A Nota de crédito N° ${history.folios.r1} de 39-${history.folios.s1}: $1.190 en efectivo · Envase dañado`,
    );
    await office.getByLabel('Tipo').selectOption('');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await text(office, rows.first())).toContain(
      'Línea anulada Cajero Tienda A Bebida cola 1,5 L × 1 a $1.990',
    );
    await screenshot(office, 'backoffice-audit');
  }, 90_000);
});
