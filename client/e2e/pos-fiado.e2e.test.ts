import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, TEST_PIN, type TestServer, type TestTenant } from '../../server/test/harness.ts';
import { addCaf, addProducts, receiveStock, SAMPLE_PRODUCTS } from '../../server/test/selling.ts';
import {
  launchChromium,
  ringUp,
  screenshot,
  signedInPage,
  startServerWithClient,
  tenantQuery,
  visibleText as text,
  VIEWPORTS,
} from './harness.ts';

/**
 * Fiado at the touch POS (Chromium, real server): a cashier charges a ticket to Doña Juanita's
 * account within its $1.500 limit, a second one over it with the supervisor's PIN at the till,
 * and then takes a $2.000 cash abono from «Opciones»; the account ends owing what she bought
 * less what she paid. The back office lists the account with its balance, opens its statement,
 * adds another account and filters the overdue ones.
 */
const [, LECHE, BEBIDA] = SAMPLE_PRODUCTS;
const LIMIT = 1500;

let server: TestServer;
let tenant: TestTenant;
let browser: Browser;
let pos: Page;
let office: Page;
let accountId: string;

const query = <T>(sql: string, params: unknown[] = []) =>
  tenantQuery<T>(server, tenant.tenantId, sql, params);

beforeAll(async () => {
  server = await startServerWithClient();
  tenant = await createTestTenant(server, 'posfiado');
  const products = await addProducts(server, tenant);
  await receiveStock(
    server,
    tenant,
    tenant.stores[0]!.warehouseId,
    products.map((p) => p.id),
    '50',
  );
  await addCaf(server, tenant, 39, 1, 20);
  await addCaf(server, tenant, 41, 1, 20);
  accountId = crypto.randomUUID();
  await query(
    `insert into customer_account (id, tenant_id, name, rut, credit_limit) values (?, current_tenant_id(), ?, ?, ?)`,
    [accountId, 'Doña Juanita', '12345678-5', LIMIT],
  );
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && pos) await screenshot(pos, 'pos-fiado-failure');
  if (context.task.result?.state === 'fail' && office) await screenshot(office, 'backoffice-fiado-failure');
});

/** Opens payment, chooses Fiado and Doña Juanita's account (found by RUT as typed). */
async function payOnAccount(): Promise<void> {
  await pos.getByTestId('pay-button').click();
  await pos.getByRole('button', { name: 'Fiado', exact: true }).click();
  await pos.getByTestId('account-search').fill('12.345.678');
  await pos.getByTestId('account-option').filter({ hasText: 'Doña Juanita' }).click();
}

describe('fiado at the touch POS (Chromium, real server)', () => {
  it('charges tickets to an account (over its limit with a supervisor) and takes an abono', async () => {
    pos = await signedInPage(browser, server.url, tenant.emails.cashier, VIEWPORTS.pos);
    await pos.locator('button.tile').first().click();
    await pos.waitForURL(`${server.url}/pos/`);
    await pos.getByRole('button', { name: /Caja 1/ }).click();
    await pos.getByTestId('opening-float').fill('20000');
    await pos.getByRole('button', { name: 'Abrir caja' }).click();
    await pos.getByText(`${SAMPLE_PRODUCTS.length} productos`).waitFor();

    // Within the limit: $1.190 of $1.500.
    await ringUp(pos, LECHE!.name);
    await payOnAccount();
    expect(await text(pos, 'picked-account')).toContain('Debe $0 de $1.500 · Cupo disponible $1.500');
    expect(await text(pos, 'to-pay')).toBe('$1.190');
    await screenshot(pos, 'pos-fiado-payment');
    await pos.getByTestId('charge').click();
    await pos.getByTestId('receipt-folio').waitFor();
    expect(await text(pos, 'receipt')).toContain('Fiado (cuenta cliente)');
    await pos.getByTestId('new-sale').click();

    // Over it: $1.990 more needs the supervisor's PIN at this till.
    await ringUp(pos, BEBIDA!.name);
    await payOnAccount();
    expect(await text(pos, 'fiado-warning')).toContain(
      'El fiado de $1.990 supera el cupo disponible ($310): requiere autorización.',
    );
    expect(await pos.getByTestId('charge').isDisabled()).toBe(true);
    await pos.getByTestId('fiado-ask-approval').click();
    const supervisor = pos.getByTestId('supervisor-dialog');
    expect(await text(pos, 'approval-subject')).toBe('Fiado de $1.990 a Doña Juanita');
    await supervisor.getByRole('button', { name: 'Supervisor · Supervisor' }).click();
    for (const digit of TEST_PIN) await supervisor.getByRole('button', { name: digit, exact: true }).click();
    await supervisor.getByRole('button', { name: 'Autorizar fiado' }).click();
    await supervisor.waitFor({ state: 'detached' });
    expect(await text(pos, 'fiado-approved')).toBe('Autorizado por Supervisor');
    await pos.getByTestId('charge').click();
    await pos.getByTestId('receipt-folio').waitFor();
    await pos.getByTestId('new-sale').click();

    // An abono of $2.000 in cash from «Opciones».
    await pos.getByTestId('till-actions').click();
    await pos.getByTestId('open-abono').click();
    await pos.getByTestId('account-search').fill('Juanita');
    await pos.getByTestId('account-option').filter({ hasText: 'Doña Juanita' }).click();
    expect(await text(pos, 'picked-account')).toContain('Debe $3.180 de $1.500 · Cupo disponible $0');
    await pos.getByTestId('abono-amount').fill('2000');
    await screenshot(pos, 'pos-fiado-abono');
    await pos.getByTestId('abono-submit').click();
    await pos.getByTestId('abono-done').waitFor();
    expect(await text(pos, 'abono-done')).toContain(
      'Abono de $2.000 registrado. Saldo pendiente: $1.180. Se imprime el comprobante.',
    );
    await screenshot(pos, 'pos-fiado-abono-done');

    const ledger = await query<{ kind: string; amount: string; method: string | null }>(
      'select kind, amount, method from customer_account_movement where account_id = ? order by created_at, id',
      [accountId],
    );
    expect(ledger).toEqual([
      { kind: 'sale', amount: '1190', method: null },
      { kind: 'sale', amount: '1990', method: null },
      { kind: 'payment', amount: '2000', method: 'cash' },
    ]);
    const [session] = await query<{ cash_abonos: string }>(
      `select cash_abonos from cash_session where status = 'open'`,
    );
    expect(session).toEqual({ cash_abonos: '2000' });
  }, 180_000);

  it('keeps the accounts in the back office: a new one, the statement and the overdue list', async () => {
    office = await signedInPage(browser, server.url, tenant.emails.admin, VIEWPORTS.backoffice);
    await office.getByRole('button', { name: /Back office/ }).click();
    await office.waitForURL(`${server.url}/backoffice/`);
    await office.getByTestId('backoffice-menu').getByRole('link', { name: 'Clientes (fiado)' }).click();
    const rows = office.getByTestId('account-row');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await text(office, rows.first())).toMatch(
      /^Doña Juanita 12\.345\.678-5 \$1\.500 \$1\.180 \$320 Al día/,
    );

    await office.getByTestId('new-account').click();
    const form = office.getByTestId('account-form');
    await form.getByTestId('account-name').fill('Don Pedro');
    await form.getByTestId('account-limit').fill('20.000');
    await form.getByRole('button', { name: 'Guardar' }).click();
    await office.getByTestId('account-notice').waitFor();
    expect(await text(office, 'account-notice')).toBe('Cuenta de Don Pedro guardada.');
    await expect.poll(() => rows.count()).toBe(2);

    await rows.filter({ hasText: 'Doña Juanita' }).getByRole('button', { name: 'Estado de cuenta' }).click();
    const statement = office.getByTestId('account-statement');
    await expect.poll(() => statement.getByTestId('statement-row').count()).toBe(3);
    expect(await text(office, 'statement-totals')).toBe(
      'Ventas fiadas $3.180 − abonos y devoluciones $2.000 = saldo $1.180',
    );
    await screenshot(office, 'backoffice-fiado-statement');
    await office.getByRole('button', { name: 'Cerrar', exact: true }).click();

    // Nobody owes past their terms yet.
    await office.getByTestId('overdue-only').check();
    await expect.poll(() => rows.count()).toBe(0);
    await screenshot(office, 'backoffice-fiado-overdue');
  }, 120_000);
});
