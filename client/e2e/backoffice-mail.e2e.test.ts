import { randomUUID } from 'node:crypto';
import { makeTestCertificate } from '@erp/sii-core/test-authority';
import type { Browser, Page } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../server/src/platform/orm.ts';
import { storeCertificate } from '../../server/src/sii/certificate.store.ts';
import { createTestTenant, type TestServer, type TestTenant } from '../../server/test/harness.ts';
import { addCaf, addProducts, openTill, receiveStock, type Till } from '../../server/test/selling.ts';
import { startTestPipeline, type TestPipeline } from '../../server/test/sii-pipeline.ts';
import { launchChromium, screenshot, signedInPage, startServerWithClient, VIEWPORTS } from './harness.ts';

/**
 * The back office's «Correo de documentos» and the documents' mail state in Chromium at its
 * target size, against the real server, worker and a local SMTP server: the admin saves the
 * company's SMTP server, a factura's mail that the server refuses shows «Falló» with a
 * «Reenviar correo» button, and once the server takes mail again the resent one arrives.
 */
const LIVE_MS = 60_000;
const PFX_PASSWORD = 'clave-pfx-e2e';

let server: TestServer;
let tenant: TestTenant;
let pipeline: TestPipeline;
let till: Till;
let productId: string;
let browser: Browser;
let page: Page;
let smtpServer: SMTPServer;
let smtpPort = 0;
const smtp = { refuse: true, delivered: [] as string[] };

beforeAll(async () => {
  smtpServer = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      stream.resume();
      stream.on('end', () => {
        if (smtp.refuse) return callback(Object.assign(new Error('Casilla llena'), { responseCode: 452 }));
        smtp.delivered.push(...session.envelope.rcptTo.map((r) => r.address));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtpServer.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtpServer.server.address() as { port: number }).port;

  server = await startServerWithClient();
  tenant = await createTestTenant(server, 'bo-mail');
  const products = await addProducts(server, tenant);
  productId = products[1]!.id;
  await receiveStock(server, tenant, tenant.stores[0]!.warehouseId, [productId], '100');
  await addCaf(server, tenant, 33, 1, 20);
  const pfx = makeTestCertificate({ rut: '11111111-1', name: 'Firmante Prueba', password: PFX_PASSWORD });
  await withTenant(server.orm, tenant.tenantId, (em) =>
    storeCertificate(em, server.secrets, tenant.tenantId, pfx, PFX_PASSWORD),
  );
  till = await openTill(server, tenant, tenant.stores[0]!.terminalIds[0]!);
  pipeline = await startTestPipeline([tenant.tenantId]);
  browser = await launchChromium();
  page = await signedInPage(browser, server.url, tenant.emails.admin, VIEWPORTS.backoffice);
  await page.getByRole('button', { name: /Back office/ }).click();
  await page.waitForURL(`${server.url}/backoffice/`);
  await page.getByTestId('connection-badge').getByText('Conectado').waitFor();
}, 180_000);

afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && page) await screenshot(page, 'backoffice-mail-failure');
});

afterAll(async () => {
  till?.socket.close();
  await browser?.close();
  await pipeline?.close();
  await server?.close();
  await new Promise<void>((resolve) => (smtpServer ? smtpServer.close(() => resolve()) : resolve()));
});

async function openSection(label: string): Promise<void> {
  await page.getByTestId('backoffice-menu').getByRole('link', { name: label }).click();
}

describe('back office: e-mail of documents (Chromium, real worker and SMTP server)', () => {
  it('saves the SMTP server, the password write-only', async () => {
    await openSection('Correo de documentos');
    const section = page.getByTestId('mail-settings');
    await section.getByTestId('mail-not-configured').waitFor();
    await section.getByLabel('Servidor SMTP', { exact: true }).fill('127.0.0.1');
    await section.getByLabel('Puerto', { exact: true }).fill(String(smtpPort));
    await section.getByLabel('Usuario', { exact: true }).fill('');
    await section.getByLabel('Contraseña', { exact: true }).fill('secreta-123');
    await section.getByLabel('Correo remitente', { exact: true }).fill('facturas@empresa-e2e.cl');
    await section.getByTestId('save-mail').click();
    await expect
      .poll(() => section.getByTestId('mail-notice').textContent())
      .toBe('Servidor de correo guardado.');
    expect(await section.getByLabel('Contraseña', { exact: true }).inputValue()).toBe('');
    await section.getByText('Guardada: déjela en blanco para mantenerla.').waitFor();
    await screenshot(page, 'backoffice-mail-settings');
  });

  it('shows a refused mail as failed and resends it with «Reenviar correo»', async () => {
    const sale = await till.socket.emitWithAck('sale:commit', {
      saleId: randomUUID(),
      terminalId: till.terminalId,
      cashSessionId: till.cashSessionId,
      docType: 33,
      customer: {
        rut: '77123456-9',
        razonSocial: 'Cliente E2E SpA',
        giro: 'Comercio',
        address: 'Calle 1',
        comuna: 'Santiago',
        email: 'compras@cliente-e2e.cl',
      },
      lines: [{ productId, quantity: '1', unitPrice: 1190 }],
      payments: [{ method: 'cash', tendered: 2000 }],
    });
    if (!sale.ok) throw new Error(JSON.stringify(sale.error));
    const folio = sale.data.folio;
    await openSection('Documentos SII');
    await page.locator('#dte-filter-folio').fill(String(folio));
    const row = page.locator(`[data-testid="dte-row"][data-folio="${folio}"]`);
    const failed = row.locator('[data-testid="dte-mail"] [data-state="failed"]');
    // Pushed live (`dte:mail`) once the retries ran out.
    await failed.waitFor({ timeout: LIVE_MS });
    expect(await failed.textContent()).toBe('Falló');
    expect(await failed.getAttribute('title')).toContain('compras@cliente-e2e.cl: Falló (');
    await screenshot(page, 'backoffice-documents-mail-failed');

    smtp.refuse = false;
    await row.getByTestId('resend-mail').click();
    await row.locator('[data-testid="dte-mail"] [data-state="pending"]').waitFor();
    await expect.poll(() => smtp.delivered, { timeout: LIVE_MS }).toEqual(['compras@cliente-e2e.cl']);
    await row.locator('[data-testid="dte-mail"] [data-state="sent"]').waitFor({ timeout: LIVE_MS });
    expect(await row.getByTestId('resend-mail').count()).toBe(0);
  }, 180_000);
});
