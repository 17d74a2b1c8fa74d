import { PrintJob, type ProductInput } from '@erp/shared';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { columnsFor } from '../../hardware-hub/src/receipts/receipt.ts';
import { renderJob } from '../../hardware-hub/src/receipts/render.ts';
import { receiptToText } from '../../hardware-hub/src/receipts/text.ts';
import { upsertProducts } from '../../server/src/catalog/index.ts';
import { withTenant } from '../../server/src/platform/orm.ts';
import { PendingEvents } from '../../server/src/realtime/pending-events.ts';
import {
  connectClient,
  createTestTenant,
  type TestClient,
  type TestServer,
  type TestTenant,
  tokenFor,
} from '../../server/test/harness.ts';
import { connectHub, hubEmit, issueHubCredential } from '../../server/test/hubs.ts';
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
 * The POS and the store's printer, drawer and scale, in Chromium against the real server, with
 * a socket playing the store's hub: the printer runs out of paper and the sale's receipt waits
 * (shown as such) until paper is back; a receipt the hub could not confirm waits for the
 * cashier, whose copy reaches the hub marked COPIA; the drawer opens after a cash sale and on
 * request; tare from the weighing dialog.
 */
const LECHE = { code: 'LEC-01', name: 'Leche entera 1 L Colún', price: 1190, barcode: '7802900001018' };
const PAN = { code: 'PAN-01', name: 'Pan marraqueta', price: 2490, plu: 1234 };

type Job = z.output<typeof PrintJob>;

let server: TestServer;
let tenant: TestTenant;
let browser: Browser;
let admin: TestClient;
let hub: TestClient;
let pos: Page;
/** How the scripted hub answers the next print jobs: held for paper, printed, or cut mid-job. */
let printing: 'paper_out' | 'done' | 'uncertain' = 'done';
const jobs: Job[] = [];
const kicks: { reason: string }[] = [];
const tares: unknown[] = [];
const now = () => new Date().toISOString();

const query = <T>(sql: string, params: unknown[] = []) =>
  tenantQuery<T>(server, tenant.tenantId, sql, params);

const printerStatus = (state: 'ready' | 'paper_out', pendingJobs: number) =>
  hubEmit(hub, 'printer:status', {
    printerId: 'caja-1',
    state,
    paperNearEnd: state === 'paper_out',
    pendingJobs,
    at: now(),
  });
const jobState = (jobId: string, state: 'sending' | 'done') =>
  hubEmit(hub, 'print:state', { jobId, printerId: 'caja-1', state, duplicate: false, at: now() });

function reading(seq: number, weight: string, net: boolean) {
  return {
    scaleId: 'balanza-1',
    seq,
    weight,
    unit: 'kg' as const,
    stable: true,
    net,
    overload: false,
    underZero: false,
    connected: true,
    at: now(),
  };
}

/** A socket that answers like the store's hub, with what the test scripts. */
async function connectScriptedHub(): Promise<TestClient> {
  const socket = await connectHub(
    server.url,
    tenant.slug,
    await issueHubCredential(admin, tenant.stores[0]!.id),
  );
  socket.on('print:job', (payload, ack) => {
    const job = PrintJob.parse(payload);
    jobs.push(job);
    const state = printing === 'paper_out' ? 'received' : printing;
    ack({ ok: true, data: { jobId: job.jobId, printerId: 'caja-1', state, duplicate: false, at: now() } });
    if (printing === 'paper_out') void printerStatus('paper_out', 1);
  });
  socket.on('drawer:kick', (command, ack) => {
    kicks.push(command);
    ack({ ok: true, data: { commandId: command.commandId, executedAt: now() } });
  });
  socket.on('scale:watch', (_watch, ack) => ack({ ok: true, data: reading(1, '0.750', false) }));
  socket.on('scale:tare', (command, ack) => {
    tares.push(command);
    ack({ ok: true, data: { commandId: command.commandId, executedAt: now() } });
  });
  await hubEmit(socket, 'hub:announce', {
    hubVersion: 'e2e',
    printers: [
      { printerId: 'caja-1', name: 'Caja 1', connection: 'tcp', paperWidthMm: 80, pdf417: 'native' },
    ],
    scales: [{ scaleId: 'balanza-1', name: 'Balanza', protocol: 'toledo8217' }],
  });
  return socket;
}

async function sellMilkForCash(): Promise<void> {
  await scan(pos, LECHE.barcode);
  await pos.getByTestId('pay-button').click();
  await pos.getByTestId('cash-tendered').fill('2000');
  await pos.getByTestId('charge').click();
  await pos.getByTestId('receipt-folio').waitFor();
}

beforeAll(async () => {
  server = await startServerWithClient();
  tenant = await createTestTenant(server, 'poshw');
  const products = [LECHE, PAN].map((p): ProductInput & { id: string } => ({
    id: crypto.randomUUID(),
    code: p.code,
    name: p.name,
    brand: '',
    category: 'plu' in p ? 'Panadería' : 'Almacén',
    unit: 'plu' in p ? 'kg' : 'unidad',
    weighable: 'plu' in p,
    plu: 'plu' in p ? p.plu : null,
    price: p.price,
    exempt: false,
    additionalTax: null,
    active: true,
    barcodes: 'barcode' in p ? [p.barcode] : [],
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
  admin = await connectClient(server.url, tenant.slug, {
    token: await tokenFor(server.url, tenant.emails.admin),
    screen: 'backoffice',
  });
  hub = await connectScriptedHub();
  await printerStatus('ready', 0);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  for (const socket of [hub, admin]) socket?.close();
  await server?.close();
});

describe('POS with the store hub (Chromium, real server, scripted hub)', () => {
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail' && pos) await screenshot(pos, 'pos-hardware-failure');
  });

  it('shows the printer out of paper, keeps the receipt waiting, and prints it when paper is back', async () => {
    pos = await signedInPage(browser, server.url, tenant.emails.cashier, VIEWPORTS.pos);
    await pos.locator('button.tile').first().click();
    await pos.waitForURL(`${server.url}/pos/`);
    await pos.getByRole('button', { name: /Caja 1/ }).click();
    await pos.getByTestId('opening-float').fill('20000');
    await pos.getByRole('button', { name: 'Abrir caja' }).click();
    const printer = pos.getByTestId('printer-status');
    await printer.and(pos.locator('[data-state="ready"]')).waitFor();
    expect(await text(pos, printer)).toBe('Impresora: Lista');

    await printerStatus('paper_out', 0);
    await printer.and(pos.locator('[data-state="paper_out"]')).waitFor();
    expect(await text(pos, printer)).toBe('Impresora: Sin papel');

    printing = 'paper_out';
    await sellMilkForCash();
    expect(await text(pos, 'receipt-folio')).toBe('Boleta electrónica N° 1');
    // A cash sale opens the drawer right away.
    await expect.poll(() => kicks.map((k) => k.reason), { timeout: 10_000 }).toEqual(['sale']);
    await pos.getByTestId('new-sale').click();

    const job = pos.getByTestId('print-job');
    await job.and(pos.locator('[data-state="received"]')).waitFor();
    expect(await text(pos, job)).toBe(
      'Boleta electrónica N° 1 Esperando: sin papel. Se imprime al resolverlo.',
    );
    // The printer's status is its own message from the hub, not ordered with the job's.
    await expect.poll(() => text(pos, printer)).toBe('Impresora: Sin papel · 1 en cola');
    expect(jobs).toHaveLength(1);
    await screenshot(pos, 'pos-printer-status');

    // Paper back: the hub prints the waiting receipt and says so.
    const [waiting] = jobs;
    await printerStatus('ready', 1);
    await jobState(waiting!.jobId, 'sending');
    await jobState(waiting!.jobId, 'done');
    await printerStatus('ready', 0);
    await pos.getByTestId('last-printed').waitFor();
    expect(await text(pos, 'last-printed')).toBe('✓ Impreso: Boleta electrónica N° 1.');
    expect(await job.count()).toBe(0);
    await expect.poll(() => text(pos, printer)).toBe('Impresora: Lista');
    expect(jobs.map((j) => j.isCopy)).toEqual([false]);
  });

  it('lists a receipt the hub could not confirm; the cashier’s copy reaches the hub marked COPIA, audited', async () => {
    printing = 'uncertain';
    await sellMilkForCash();
    expect(await text(pos, 'receipt-folio')).toBe('Boleta electrónica N° 2');
    await pos.getByTestId('new-sale').click();

    const job = pos.getByTestId('print-job');
    await job.and(pos.locator('[data-state="uncertain"]')).waitFor();
    expect(await text(pos, job)).toBe(
      'Boleta electrónica N° 2 ¿Se imprimió? La impresora se cortó mientras imprimía. Revise el papel. Imprimir copia Sí, salió bien',
    );
    await screenshot(pos, 'pos-uncertain-job');
    const original = jobs.at(-1)!;
    expect(jobs).toHaveLength(2);

    printing = 'done';
    await job.getByRole('button', { name: 'Imprimir copia' }).click();
    await expect.poll(() => jobs.length, { timeout: 10_000 }).toBe(3);
    const copy = jobs.at(-1)!;
    expect(copy).toMatchObject({ isCopy: true, reprintOf: original.jobId });
    expect(copy.jobId).not.toBe(original.jobId);
    expect(copy.document).toEqual(original.document);
    // What the hub prints from it: the same boleta, marked COPIA.
    const printed = receiptToText(
      renderJob(
        copy,
        {
          name: 'Caja 1',
          connection: 'tcp',
          codePage: 'cp858',
          pdf417: 'native',
          paperWidthMm: 80,
          columns: columnsFor(80),
        },
        'America/Santiago',
        new Date(),
      ),
    );
    // Double-width lines print spaced out (`C O P I A`).
    const compact = printed.replace(/\s+/g, '');
    expect(compact.match(/\*\*\*COPIA\*\*\*/g)).toHaveLength(2);
    expect(compact).toContain('BOLETAELECTRÓNICAN°2');

    await pos.getByTestId('last-printed').getByText('Impreso: Boleta electrónica N° 2 (copia).').waitFor();
    expect(await job.count()).toBe(0);
    expect(
      await query(`select kind, details->>'saleId' as sale from audit_log where details->>'jobId' = ?`, [
        copy.jobId,
      ]),
    ).toEqual([{ kind: 'reprint', sale: original.jobId }]);
  });

  it('tares the scale from the weighing dialog and opens the drawer without a sale, audited', async () => {
    await pos.getByRole('tab', { name: 'Panadería' }).click();
    await pos.getByTestId('product-tile').filter({ hasText: PAN.name }).getByRole('button').first().click();
    await pos.getByTestId('scale-panel').getByText('0,750 kg', { exact: true }).waitFor();
    await pos.getByTestId('scale-tare').click();
    await pos.getByTestId('scale-outcome').getByText('Tara aplicada.').waitFor();
    expect(tares).toHaveLength(1);
    await hubEmit(hub, 'scale:reading', reading(2, '0.000', true));
    await pos.getByTestId('scale-net').waitFor();
    await pos.getByRole('button', { name: 'Cancelar' }).click();

    await pos.getByTestId('open-drawer').click();
    await pos.getByRole('button', { name: 'Sin venta' }).click();
    await pos.getByText('Cajón abierto.').waitFor();
    expect(kicks.map((k) => k.reason)).toEqual(['sale', 'sale', 'no_sale']);
    expect(
      await query(`select details->>'reason' as reason from audit_log where kind = 'drawer_open'`),
    ).toEqual([{ reason: 'no_sale' }]);
  });
});
