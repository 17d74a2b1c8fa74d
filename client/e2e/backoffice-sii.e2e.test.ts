import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestCaf, makeTestCertificate } from '@erp/sii-core/test-authority';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, type TestServer, type TestTenant } from '../../server/test/harness.ts';
import {
  addProducts,
  openTill,
  receiveStock,
  type TestProduct,
  type Till,
} from '../../server/test/selling.ts';
import {
  documentFailedToSign,
  startTestPipeline,
  type TestPipeline,
} from '../../server/test/sii-pipeline.ts';
import {
  launchChromium,
  screenshot,
  signedInPage,
  startServerWithClient,
  VIEWPORTS,
  visibleText,
} from './harness.ts';

/**
 * The back office's SII sections in Chromium at 1366×768, against the real server, worker and
 * SII simulator: the admin uploads the CAF and the certificate the pipeline then uses, watches
 * boletas go from the till to accepted or rejected live, retries one whose signing failed,
 * filters, reads a history with the SII's raw answers and opens the PDF and the XML.
 */
const RUT = '76192083-9';
/** The simulator rejects this folio, with this reason. */
const REJECTED_FOLIO = 3;
const REJECTION = { code: 'RCH', reason: 'Monto total no cuadra (prueba e2e)' };
/** Waits for live changes: generous, as the machine is shared; what is asserted stays exact. */
const LIVE_MS = 45_000;

let server: TestServer;
let tenant: TestTenant;
let products: TestProduct[];
let pipeline: TestPipeline;
let till: Till;
let browser: Browser;
let page: Page;
const files = mkdtempSync(join(tmpdir(), 'backoffice-sii-'));
const folioSale = new Map<number, string>();

function file(name: string, content: Buffer): string {
  const path = join(files, name);
  writeFileSync(path, content);
  return path;
}

async function sell(): Promise<number> {
  const saleId = randomUUID();
  const sale = await till.socket.emitWithAck('sale:commit', {
    saleId,
    terminalId: till.terminalId,
    cashSessionId: till.cashSessionId,
    docType: 39,
    lines: [{ productId: products[1]!.id, quantity: '1', unitPrice: 1190 }],
    payments: [{ method: 'cash', tendered: 2000 }],
  });
  if (!sale.ok) throw new Error(JSON.stringify(sale.error));
  folioSale.set(sale.data.folio, saleId);
  return sale.data.folio;
}

async function openSection(label: string): Promise<void> {
  await page.getByTestId('backoffice-menu').getByRole('link', { name: label }).click();
}

const row = (folio: number) => page.locator(`[data-testid="dte-row"][data-folio="${folio}"]`);

async function waitForState(folio: number, state: string): Promise<void> {
  await page
    .locator(`[data-testid="dte-row"][data-folio="${folio}"][data-state="${state}"]`)
    .waitFor({ timeout: LIVE_MS });
}

beforeAll(async () => {
  server = await startServerWithClient();
  tenant = await createTestTenant(server, 'bo-sii');
  products = await addProducts(server, tenant);
  await receiveStock(server, tenant, tenant.stores[0]!.warehouseId, [products[1]!.id], '100');
  till = await openTill(server, tenant, tenant.stores[0]!.terminalIds[0]!);
  pipeline = await startTestPipeline([tenant.tenantId]);
  pipeline.simulator.setFaults({ rejections: { [`39-${REJECTED_FOLIO}`]: REJECTION } });
  browser = await launchChromium();
  page = await signedInPage(browser, server.url, tenant.emails.admin, VIEWPORTS.backoffice);
  await page.getByRole('button', { name: /Back office/ }).click();
  await page.waitForURL(`${server.url}/backoffice/`);
  await page.getByTestId('connection-badge').getByText('Conectado').waitFor();
}, 180_000);

afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && page) await screenshot(page, 'backoffice-sii-failure');
});

afterAll(async () => {
  till?.socket.close();
  await browser?.close();
  await pipeline?.close();
  await server?.close();
});

describe('back office: SII documents, CAF and certificate (Chromium, real pipeline)', () => {
  it('refuses a CAF of another RUT in Spanish and lists a good one with its range and folios', async () => {
    await openSection('Folios (CAF)');
    const section = page.getByTestId('sii-caf');
    await section.getByText('No hay CAF cargados.', { exact: false }).waitFor();
    expect(await visibleText(page, 'caf-threshold')).toBe(
      'Aviso de folios bajos: menos de 100 folios disponibles por tipo.',
    );

    const cafInput = page.getByLabel('Archivo CAF (XML del SII)');
    await cafInput.setInputFiles(
      file('otro-rut.xml', makeTestCaf({ rut: '77123456-9', type: 39, from: 1, to: 60 })),
    );
    await page.getByRole('button', { name: 'Cargar CAF' }).click();
    const alert = section.getByRole('alert');
    await alert.waitFor();
    expect(await visibleText(page, alert)).toBe(
      `! El CAF es del RUT 77123456-9, no del RUT de la empresa (${RUT}). ×`,
    );

    await cafInput.setInputFiles(file('boletas.xml', makeTestCaf({ rut: RUT, type: 39, from: 1, to: 60 })));
    await page.getByRole('button', { name: 'Cargar CAF' }).click();
    await section.getByRole('status').getByText('CAF cargado: Boleta, folios 1 a 60.').waitFor();
    const boletas = page.locator('[data-testid="caf-type"][data-type="39"]');
    await boletas.waitFor();
    expect(await section.getByRole('alert').count()).toBe(1); // only the low-folio warning now
    expect(await visibleText(page, boletas.getByTestId('caf-row'))).toMatch(
      /^1–60 \d{2}-\d{2}-\d{4} No vence 0 60 Vigente$/,
    );
    expect(await visibleText(page, boletas.getByRole('alert'))).toBe(
      '! Quedan 60 folios, menos que el aviso (100). Solicite un nuevo CAF al SII.',
    );
    expect(await visibleText(page, boletas.locator('header'))).toBe('Boleta (39) 60 folios disponibles');
    await screenshot(page, 'backoffice-sii-caf');
  });

  it('shows a boleta whose signing failed for want of a certificate, with the reason', async () => {
    const folio = await sell();
    expect(folio).toBe(1);
    await documentFailedToSign(
      pipeline,
      server.orm,
      tenant.tenantId,
      folioSale.get(1)!,
      'Cargue el certificado digital de la empresa para firmar documentos.',
    );
    await openSection('Documentos SII');
    await waitForState(1, 'failed');
    expect(await visibleText(page, row(1))).toMatch(
      /^Boleta 1 \d{2}-\d{2}-\d{4},? \d{2}:\d{2} \$1\.190 Con error Cargue el certificado digital de la empresa para firmar documentos\. — Ver Reintentar$/,
    );
  });

  it('uploads the certificate: wrong password refused, then holder, RUT and expiry with the 30-day warning', async () => {
    await openSection('Certificado digital');
    const section = page.getByTestId('sii-certificate');
    await section.getByText('No hay certificado cargado.', { exact: false }).waitFor();

    const pfx = file(
      'firma.pfx',
      makeTestCertificate({
        rut: '11111111-1',
        name: 'Firmante Prueba',
        password: 'clave-pfx',
        validDays: 20,
      }),
    );
    await page.getByLabel('Archivo del certificado (.pfx o .p12)').setInputFiles(pfx);
    await page.getByLabel('Contraseña del certificado').fill('otra-clave');
    await page.getByRole('button', { name: 'Cargar certificado' }).click();
    await section
      .getByRole('alert')
      .getByText('El certificado digital no es válido o la contraseña es incorrecta.')
      .waitFor();
    expect(await page.getByLabel('Contraseña del certificado').inputValue()).toBe('');

    await page.getByLabel('Archivo del certificado (.pfx o .p12)').setInputFiles(pfx);
    await page.getByLabel('Contraseña del certificado').fill('clave-pfx');
    await page.getByRole('button', { name: 'Cargar certificado' }).click();
    await section.getByRole('status').getByText('Certificado de Firmante Prueba cargado.').waitFor();
    expect(await visibleText(page, 'certificate-holder')).toBe('Firmante Prueba');
    expect(await visibleText(page, 'certificate-rut')).toBe('11.111.111-1');
    const validTo = new Date(Date.now() + 20 * 24 * 3600 * 1000).toLocaleDateString('es-CL');
    expect(await visibleText(page, 'certificate-valid-to')).toBe(`${validTo} Quedan 19 días`);
    expect(await visibleText(page, section.getByRole('alert'))).toBe(
      `! El certificado vence en 19 días (${validTo}). Cargue uno nuevo antes de esa fecha para seguir firmando documentos.`,
    );
    expect(await page.getByLabel('Contraseña del certificado').inputValue()).toBe('');
    expect(await page.content()).not.toContain('clave-pfx');
    await screenshot(page, 'backoffice-sii-certificate');
  });

  it('lists documents live through the pipeline, retries the failed one, filters, shows the history and the files', async () => {
    await openSection('Documentos SII');
    await waitForState(1, 'failed');
    // Sold while the list is open: the rows appear and move to their final states by themselves.
    expect([await sell(), await sell(), await sell()]).toEqual([2, REJECTED_FOLIO, 4]);
    await waitForState(2, 'accepted');
    await waitForState(REJECTED_FOLIO, 'rejected');
    await waitForState(4, 'accepted');

    await page.getByRole('button', { name: 'Reintentar Boleta N° 1' }).click();
    await page.getByRole('status').getByText('Boleta N° 1: se reintentará el envío.').waitFor();
    await waitForState(1, 'accepted');
    expect(
      await page.getByTestId('dte-row').evaluateAll((rows) => rows.map((r) => r.textContent)),
    ).toHaveLength(4);
    const states = await page
      .getByTestId('dte-row')
      .evaluateAll((rows) =>
        rows.map((r) => [Number(r.getAttribute('data-folio')), r.getAttribute('data-state')]),
      );
    expect(states).toEqual([
      [4, 'accepted'],
      [3, 'rejected'],
      [2, 'accepted'],
      [1, 'accepted'],
    ]);
    expect(await visibleText(page, row(REJECTED_FOLIO))).toContain(
      `Rechazado ${REJECTION.code}: ${REJECTION.reason}`,
    );
    expect(await visibleText(page, 'pager')).toContain('1–4 de 4');
    await screenshot(page, 'backoffice-sii-documents');

    await page.getByLabel('Estado').selectOption({ label: 'Rechazado' });
    await page.getByTestId('pager').getByText('1–1 de 1').waitFor({ timeout: LIVE_MS });
    expect(await page.getByTestId('dte-row').count()).toBe(1);
    expect(await row(REJECTED_FOLIO).getAttribute('data-state')).toBe('rejected');

    await page.getByRole('button', { name: `Ver Boleta N° ${REJECTED_FOLIO}` }).click();
    const dialog = page.getByRole('dialog', { name: `Boleta N° ${REJECTED_FOLIO}` });
    await dialog.getByTestId('dte-event').nth(4).waitFor();
    const history = await dialog
      .getByTestId('dte-event')
      .evaluateAll((rows) =>
        rows.map((r) => [...r.querySelectorAll('td')].slice(0, 3).map((td) => td.textContent?.trim())),
      );
    expect(history.map(([, state, detail]) => [state, detail])).toEqual([
      ['Timbrado', '—'],
      ['Firmado', '—'],
      ['En sobre de envío', '—'],
      ['Enviado al SII', '—'],
      ['Rechazado', `${REJECTION.code}: ${REJECTION.reason}`],
    ]);
    // Not a valid tax document: its signed XML is there, a PDF to hand out is not.
    expect(await dialog.getByRole('button', { name: 'Descargar XML' }).count()).toBe(1);
    expect(await dialog.getByRole('button', { name: 'Abrir PDF' }).count()).toBe(0);
    for (const [when] of history) expect(when).toMatch(/^\d{2}-\d{2}-\d{4},? \d{2}:\d{2}:\d{2}$/);
    const lastEvent = dialog.getByTestId('dte-event').nth(4);
    await lastEvent.getByText('Ver respuesta').click();
    expect(await lastEvent.getByTestId('dte-raw').innerText()).toContain(REJECTION.reason);
    await screenshot(page, 'backoffice-sii-document-history');
    await dialog.getByRole('button', { name: 'Cancelar' }).click();

    // An accepted boleta: its PDF opens in a new tab, its signed XML downloads.
    await page.getByRole('button', { name: 'Limpiar filtros' }).click();
    await page.getByRole('button', { name: 'Ver Boleta N° 2' }).click();
    const accepted = page.getByRole('dialog', { name: 'Boleta N° 2' });
    await accepted.getByText('Aceptado', { exact: true }).first().waitFor();
    const [popup, pdf] = await Promise.all([
      page.waitForEvent('popup'),
      page.waitForResponse((r) => /\/dte\/[0-9a-f-]{36}\/pdf$/.test(r.url())),
      accepted.getByRole('button', { name: 'Abrir PDF' }).click(),
    ]);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    // The new tab shows the PDF from a blob of that answer (the token never goes in a URL).
    await popup.waitForURL(/^blob:/, { timeout: LIVE_MS });
    const shown = await popup.evaluate(
      'fetch(location.href).then(async (r) => { const b = await r.blob(); return { type: b.type, size: b.size, head: await b.slice(0, 5).text() }; })',
    );
    expect(shown).toMatchObject({ type: 'application/pdf', head: '%PDF-' });
    expect((shown as { size: number }).size).toBeGreaterThan(1000);
    await popup.close();

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      accepted.getByRole('button', { name: 'Descargar XML' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('DTE-39-2.xml');
    const xml = readFileSync(await download.path()).toString('latin1');
    expect(xml).toMatch(/<TipoDTE>39<\/TipoDTE>\s*<Folio>2<\/Folio>/);
    expect(pipeline.simulator.stats.folioArrivals.get(`${RUT}-39-1`)).toBe(1);
  }, 120_000);
});
