/**
 * Fiado over real sockets and PostgreSQL: customer accounts kept in the back office, fiado sales
 * at the till within the account's limit (over it or blocked only with a supervisor's PIN),
 * never past the limit when two tills charge one account at once, abonos in cash or card counted
 * in the cash session (exactly once however often the till retries) with their voucher printed
 * by the store's real hub process, returns of a fiado sale credited to the account, the
 * statement's balance = fiado sales − abonos, the overdue list, and another company that can
 * neither see nor use an account.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CashTotals, type CustomerAccountInput, type PaymentInput } from '@erp/shared';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { superuserUrl, TEST_PIN, type TestClient } from '../../test/harness.ts';
import {
  type HubProcess,
  issueHubCredential,
  printedReceipts,
  startHubProcess,
  waitFor,
} from '../../test/hubs.ts';
import { addCaf, addProducts, openTill, receiveStock, type Till } from '../../test/selling.ts';
import { useSellingFixture } from '../../test/selling-fixture.ts';
import { withTenant } from '../platform/orm.ts';

const [, LECHE, BEBIDA] = [0, 1, 2];

const shop = useSellingFixture({
  label: 'fiado',
  others: ['fiadob'],
  stock: '100000',
  cafs: [
    [39, 1, 300],
    [41, 1, 50],
    [61, 1, 50],
  ],
});

let admin: TestClient;
let supervisor: TestClient;
/** The supervisor selling at store 0's second till. */
let secondTill: Till;
/** The other company's cashier at its own till. */
let strangerTill: Till;
let superuser: pg.Client;
let hub: HubProcess;
let dataDir: string;

beforeAll(async () => {
  const { tenant } = shop;
  const store = tenant.stores[0]!;
  admin = await shop.signIn(tenant, tenant.emails.admin, { screen: 'backoffice' });
  supervisor = await shop.signIn(tenant, tenant.emails.supervisor, { storeId: store.id, screen: 'pos' });
  const opened = await supervisor.emitWithAck('cash:open', {
    terminalId: store.terminalIds[1]!,
    openingFloat: 10_000,
  });
  if (!opened.ok) throw new Error(JSON.stringify(opened.error));
  secondTill = { socket: supervisor, terminalId: store.terminalIds[1]!, cashSessionId: opened.data.id };

  const other = shop.tenants[1]!;
  const otherProducts = await addProducts(shop.server, other);
  await receiveStock(
    shop.server,
    other,
    other.stores[0]!.warehouseId,
    otherProducts.map((p) => p.id),
    '100',
  );
  await addCaf(shop.server, other, 39, 1, 10);
  strangerTill = await openTill(shop.server, other, other.stores[0]!.terminalIds[0]!);
  shop.keep(strangerTill.socket);

  superuser = new pg.Client({ connectionString: superuserUrl() });
  await superuser.connect();
  dataDir = mkdtempSync(join(tmpdir(), 'erp-fiado-hub-'));
  hub = startHubProcess(shop.server.url, tenant.slug, await issueHubCredential(admin, store.id), dataDir);
  await waitFor(async () => {
    const listed = await admin.emitWithAck('hub:list', { storeId: store.id });
    return listed.ok && listed.data.devices.some((d) => d.online && d.announce !== null);
  });
});

afterAll(async () => {
  await hub?.stop();
  await superuser?.end();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

type AccountInput = z.input<typeof CustomerAccountInput>;

async function createAccount(input: Partial<AccountInput> = {}) {
  const saved = await admin.emitWithAck('customer-account:save', {
    name: `Cliente ${randomUUID().slice(0, 8)}`,
    creditLimit: 5000,
    ...input,
  });
  if (!saved.ok) throw new Error(JSON.stringify(saved.error));
  return saved.data;
}

/** A sale of `quantity` units of a product, paid with the given payments. */
function sell(
  payments: z.input<typeof PaymentInput>[],
  options: { till?: Till; product?: number; quantity?: number; saleId?: string } = {},
) {
  const till = options.till ?? shop.till;
  const product = shop.products[options.product ?? LECHE]!;
  return till.socket.emitWithAck('sale:commit', {
    saleId: options.saleId ?? randomUUID(),
    terminalId: till.terminalId,
    cashSessionId: till.cashSessionId,
    lines: [{ productId: product.id, quantity: String(options.quantity ?? 1), unitPrice: product.price }],
    payments,
  });
}

const fiado = (customerAccountId: string, amount: number, approvalId?: string) => ({
  method: 'fiado' as const,
  amount,
  customerAccountId,
  ...(approvalId ? { approvalId } : {}),
});

async function balanceOf(accountId: string): Promise<number> {
  const statement = await admin.emitWithAck('customer-account:statement', { accountId });
  if (!statement.ok) throw new Error(JSON.stringify(statement.error));
  return statement.data.account.balance;
}

function approveFiado(accountId: string, amount: number, email = shop.tenant.emails.supervisor) {
  return shop.till.socket.emitWithAck('sale:approve-fiado', {
    terminalId: shop.till.terminalId,
    accountId,
    amount,
    approval: { email, pin: TEST_PIN },
  });
}

function payment(
  accountId: string,
  method: 'cash' | 'card',
  amount: number,
  paymentId = randomUUID(),
  till: Till = shop.till,
) {
  return till.socket.emitWithAck('customer:payment', {
    paymentId,
    accountId,
    terminalId: till.terminalId,
    cashSessionId: till.cashSessionId,
    method,
    amount,
    ...(method === 'card' ? { authorizationCode: 'AUT-1' } : {}),
  });
}

/** A session's totals as a supervisor reads them: every figure, the expected cash included. */
async function sessionTotals(sessionId: string): Promise<z.infer<typeof CashTotals>> {
  const report = await supervisor.emitWithAck('cash:report', { sessionId });
  if (!report.ok) throw new Error(JSON.stringify(report.error));
  return CashTotals.parse(report.data.totals);
}

describe('customer accounts in the back office', () => {
  it('creates and edits accounts: RUT optional but valid and unique, only supervisors and admins', async () => {
    const plain = await createAccount({ name: 'Doña Juanita', phone: '+56 9 1234 5678' });
    expect(plain).toMatchObject({
      name: 'Doña Juanita',
      rut: null,
      phone: '+56 9 1234 5678',
      creditLimit: 5000,
      blocked: false,
      termsDays: 30,
      balance: 0,
      overdue: false,
    });
    const withRut = await createAccount({ name: 'Pedro Pérez', rut: '12.345.678-5' });
    expect(withRut.rut).toBe('12345678-5');
    expect(
      await admin.emitWithAck('customer-account:save', { name: 'Otro', rut: '12345678-5', creditLimit: 0 }),
    ).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: 'Ya hay una cuenta de cliente con ese RUT.' },
    });
    expect(
      await admin.emitWithAck('customer-account:save', { name: 'Malo', rut: '12.345.678-9', creditLimit: 0 }),
    ).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(
      await shop.till.socket.emitWithAck('customer-account:save', { name: 'Cajero', creditLimit: 1 }),
    ).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    const edited = await admin.emitWithAck('customer-account:save', {
      id: plain.id,
      name: 'Doña Juanita Soto',
      creditLimit: 8000,
      termsDays: 15,
    });
    expect(edited).toMatchObject({
      ok: true,
      data: { id: plain.id, name: 'Doña Juanita Soto', creditLimit: 8000, termsDays: 15 },
    });
    // The till's picker finds it by a part of the name or the start of the RUT, dots or not.
    const byName = await shop.till.socket.emitWithAck('customer-account:list', { search: 'juanita' });
    expect(byName.ok && byName.data.map((a) => a.id)).toEqual([plain.id]);
    const byRut = await shop.till.socket.emitWithAck('customer-account:list', { search: '12.345' });
    expect(byRut.ok && byRut.data.map((a) => a.id)).toEqual([withRut.id]);
  });
});

describe('fiado at the till', () => {
  it('charges a sale to the account within its limit, alone or with cash, outside the drawer', async () => {
    const account = await createAccount({ creditLimit: 5000 });
    const before = await sessionTotals(shop.till.cashSessionId);
    const sale = await sell([fiado(account.id, 2380)], { quantity: 2 });
    expect(sale).toMatchObject({
      ok: true,
      data: { total: 2380, paidFiado: 2380, paidCash: 0, paidCard: 0 },
    });
    // Part on the account, the rest in cash rounded to $10.
    const mixed = await sell([fiado(account.id, 1000), { method: 'cash', tendered: 1000 }], {
      product: BEBIDA,
    });
    expect(mixed).toMatchObject({
      ok: true,
      data: { total: 1990, paidFiado: 1000, paidCash: 990, change: 10 },
    });
    expect(await balanceOf(account.id)).toBe(3380);
    const after = await sessionTotals(shop.till.cashSessionId);
    expect(after.cashSales - before.cashSales).toBe(990);
    expect(after.cardSales - before.cardSales).toBe(0);
    expect(after.ticketCount - before.ticketCount).toBe(2);
    // What went on the account is in the session's tally (the X and Z reports), not in the drawer.
    expect(after.fiadoSales - before.fiadoSales).toBe(3380);
    expect(after.expectedCash - before.expectedCash).toBe(990);
    if (!sale.ok) return;
    const rows = await withTenant(shop.server.orm, shop.tenant.tenantId, (em) =>
      em.execute('select method, amount from sale_payment where sale_id = ?', [sale.data.saleId]),
    );
    expect(rows).toEqual([{ method: 'fiado', amount: '2380' }]);
    // The back office's sale detail names the payment.
    const detail = await admin.emitWithAck('sale:detail', { saleId: sale.data.saleId });
    expect(detail.ok && detail.data.payments).toMatchObject([{ method: 'fiado', amount: 2380 }]);
  });

  it('refuses a fiado over the limit unless a supervisor approves it with their PIN, once', async () => {
    const account = await createAccount({ creditLimit: 3000 });
    expect(await sell([fiado(account.id, 2380)], { quantity: 2 })).toMatchObject({ ok: true });
    const over = await sell([fiado(account.id, 1990)], { product: BEBIDA });
    expect(over).toMatchObject({
      ok: false,
      error: {
        code: 'FIADO_OVER_LIMIT',
        message: expect.stringContaining('le quedan $620 de $3.000'),
      },
    });
    expect(await balanceOf(account.id)).toBe(2380);

    // A cashier never approves; a wrong amount does not cover the sale.
    expect(await approveFiado(account.id, 1990, shop.tenant.emails.cashier)).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    const small = await approveFiado(account.id, 1000);
    if (!small.ok) throw new Error(JSON.stringify(small.error));
    expect(await sell([fiado(account.id, 1990, small.data.approvalId)], { product: BEBIDA })).toMatchObject({
      ok: false,
      error: { code: 'APPROVAL_INVALID' },
    });

    const granted = await approveFiado(account.id, 1990);
    expect(granted).toMatchObject({ ok: true, data: { approver: { name: 'Supervisor' } } });
    if (!granted.ok) return;
    const approved = await sell([fiado(account.id, 1990, granted.data.approvalId)], { product: BEBIDA });
    expect(approved).toMatchObject({ ok: true, data: { paidFiado: 1990 } });
    expect(await balanceOf(account.id)).toBe(4370);
    // Used once: the next sale over the limit needs another approval.
    expect(await sell([fiado(account.id, 1990, granted.data.approvalId)], { product: BEBIDA })).toMatchObject(
      {
        ok: false,
        error: { code: 'APPROVAL_INVALID' },
      },
    );
    // Another account's approval does not serve this one.
    const otherAccount = await createAccount({ creditLimit: 0 });
    const forOther = await approveFiado(otherAccount.id, 5000);
    if (!forOther.ok) throw new Error(JSON.stringify(forOther.error));
    expect(await sell([fiado(account.id, 1190, forOther.data.approvalId)])).toMatchObject({
      ok: false,
      error: { code: 'APPROVAL_INVALID' },
    });
    if (!approved.ok) return;
    const audit = await withTenant(shop.server.orm, shop.tenant.tenantId, (em) =>
      em.execute<{ details: Record<string, unknown> }[]>(
        `select details from audit_log where kind = 'fiado' and details->>'saleId' = ?`,
        [approved.data.saleId],
      ),
    );
    expect(audit).toEqual([
      {
        details: expect.objectContaining({
          accountId: account.id,
          amount: 1990,
          balance: 4370,
          creditLimit: 3000,
          approverName: 'Supervisor',
        }),
      },
    ]);
  });

  it('refuses any fiado on a blocked account without an approval', async () => {
    const account = await createAccount({ creditLimit: 100_000, blocked: true });
    expect(await sell([fiado(account.id, 1190)])).toMatchObject({
      ok: false,
      error: { code: 'ACCOUNT_BLOCKED' },
    });
    const granted = await approveFiado(account.id, 1190);
    if (!granted.ok) throw new Error(JSON.stringify(granted.error));
    expect(await sell([fiado(account.id, 1190, granted.data.approvalId)])).toMatchObject({ ok: true });
    expect(await balanceOf(account.id)).toBe(1190);
  });

  it('never lets two tills charging one account at once pass its limit together', async () => {
    for (let round = 0; round < 5; round++) {
      const account = await createAccount({ creditLimit: 3000 });
      const results = await Promise.all([
        sell([fiado(account.id, 2380)], { quantity: 2 }),
        sell([fiado(account.id, 2380)], { quantity: 2, till: secondTill }),
      ]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok)).toMatchObject([{ error: { code: 'FIADO_OVER_LIMIT' } }]);
      expect(await balanceOf(account.id)).toBe(2380);
    }
  });
});

describe('abonos', () => {
  it('takes abonos in cash and card into the open cash session, exactly once per payment id', async () => {
    const account = await createAccount({ creditLimit: 10_000 });
    expect(await sell([fiado(account.id, 3570)], { quantity: 3 })).toMatchObject({ ok: true });
    const before = await sessionTotals(shop.till.cashSessionId);

    const paymentId = randomUUID();
    const cash = await payment(account.id, 'cash', 2000, paymentId);
    expect(cash).toEqual({
      ok: true,
      data: {
        paymentId,
        accountId: account.id,
        method: 'cash',
        amount: 2000,
        balance: 1570,
        createdAt: expect.any(String),
      },
    });
    // The till retries (a lost answer): the first result, nothing counted twice.
    expect(await payment(account.id, 'cash', 2000, paymentId)).toEqual(cash);
    const [again, other] = await Promise.all([
      payment(account.id, 'cash', 2000, paymentId),
      payment(account.id, 'cash', 500, paymentId),
    ]);
    expect(again).toEqual(cash);
    expect(other).toMatchObject({ ok: false, error: { code: 'IDEMPOTENCY_MISMATCH' } });

    expect(
      await shop.till.socket.emitWithAck('customer:payment', {
        paymentId: randomUUID(),
        accountId: account.id,
        terminalId: shop.till.terminalId,
        cashSessionId: shop.till.cashSessionId,
        method: 'card',
        amount: 500,
      }),
    ).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await payment(account.id, 'card', 1000)).toMatchObject({ ok: true, data: { balance: 570 } });

    const after = await sessionTotals(shop.till.cashSessionId);
    expect({
      cashAbonos: after.cashAbonos - before.cashAbonos,
      cardAbonos: after.cardAbonos - before.cardAbonos,
      abonoCount: after.abonoCount - before.abonoCount,
      expectedCash: after.expectedCash - before.expectedCash,
      expectedCard: after.expectedCard - before.expectedCard,
      cashSales: after.cashSales - before.cashSales,
    }).toEqual({
      cashAbonos: 2000,
      cardAbonos: 1000,
      abonoCount: 2,
      expectedCash: 2000,
      expectedCard: 1000,
      cashSales: 0,
    });
    expect(after.expectedCash).toBe(
      after.openingFloat +
        after.cashSales -
        after.cashRefunds +
        after.cashAbonos +
        after.cashIn -
        after.cashOut,
    );
    // The cashier counts blind: their till is not told the cash abonos either.
    const blind = await shop.till.socket.emitWithAck('cash:current', { terminalId: shop.till.terminalId });
    expect(blind.ok && blind.data?.totals).not.toHaveProperty('cashAbonos');
    expect(blind.ok && blind.data?.totals).toMatchObject({ cardAbonos: after.cardAbonos });
  });

  it("prints the abono's voucher at the store's hub", async () => {
    const account = await createAccount({ name: 'Señora Ñuñez', rut: '11.111.111-1', creditLimit: 10_000 });
    expect(await sell([fiado(account.id, 1190)])).toMatchObject({ ok: true });
    const paid = await payment(account.id, 'cash', 1000);
    expect(paid.ok).toBe(true);
    const compact = (text: string) => text.replace(/\s+/g, '');
    await expect
      .poll(
        () =>
          printedReceipts(dataDir)
            .filter((r) => r.includes('Ñuñez'))
            .map(compact),
        {
          timeout: 15_000,
        },
      )
      .toEqual([
        expect.stringContaining(
          'Cliente:SeñoraÑuñezRUT:11.111.111-1MediodepagoEfectivoAbono$1.000Saldopendiente$190',
        ),
      ]);
  });

  it('refuses an abono without an open session on the till', async () => {
    const account = await createAccount();
    expect(
      await shop.till.socket.emitWithAck('customer:payment', {
        paymentId: randomUUID(),
        accountId: account.id,
        terminalId: secondTill.terminalId,
        cashSessionId: secondTill.cashSessionId,
        method: 'cash',
        amount: 100,
      }),
    ).toMatchObject({ ok: false, error: { code: 'CASH_SESSION_REQUIRED' } });
    expect(await balanceOf(account.id)).toBe(0);
  });
});

describe('returns of a fiado sale', () => {
  it('credits the account first with what the sale charged to it, then refunds the rest', async () => {
    const account = await createAccount({ creditLimit: 10_000 });
    const sale = await sell([fiado(account.id, 2000), { method: 'cash', tendered: 2000 }], { quantity: 3 });
    expect(sale).toMatchObject({
      ok: true,
      data: { total: 3570, paidFiado: 2000, paidCash: 1570, change: 430 },
    });
    if (!sale.ok) return;
    const before = await sessionTotals(shop.till.cashSessionId);
    const giveBack = (lines?: { lineNo: number; quantity: string }[]) =>
      shop.till.socket.emitWithAck('sale:return', {
        returnId: randomUUID(),
        terminalId: shop.till.terminalId,
        cashSessionId: shop.till.cashSessionId,
        original: { saleId: sale.data.saleId },
        ...(lines ? { lines } : {}),
        refundMethod: 'cash',
        reason: 'Producto vencido',
        approval: { email: shop.tenant.emails.supervisor, pin: TEST_PIN },
      });
    // One unit back: all of it to the account.
    expect(await giveBack([{ lineNo: 1, quantity: '1' }])).toMatchObject({
      ok: true,
      data: { docType: 61, total: 1190, paidFiado: -1190, paidCash: 0, paidCard: 0, toPay: -1190 },
    });
    expect(await balanceOf(account.id)).toBe(810);
    // The rest: what is left on the account, and the cash the customer paid.
    expect(await giveBack()).toMatchObject({
      ok: true,
      data: { total: 2380, paidFiado: -810, paidCash: -1570, toPay: -2380 },
    });
    expect(await balanceOf(account.id)).toBe(0);
    const after = await sessionTotals(shop.till.cashSessionId);
    expect(after.cashRefunds - before.cashRefunds).toBe(1570);
    const statement = await admin.emitWithAck('customer-account:statement', { accountId: account.id });
    expect(
      statement.ok && statement.data.movements.map((m) => [m.kind, m.amount, m.balance, m.docType]),
    ).toEqual([
      ['sale', 2000, 2000, 39],
      ['return', 1190, 810, 61],
      ['return', 810, 0, 61],
    ]);
  });
});

describe('statement and overdue list', () => {
  it('gives every movement with its running balance: the balance is fiado sales less abonos', async () => {
    const account = await createAccount({ creditLimit: 20_000 });
    const sales = [
      await sell([fiado(account.id, 2380)], { quantity: 2 }),
      await sell([fiado(account.id, 1990)], { product: BEBIDA }),
    ];
    await payment(account.id, 'cash', 3000);
    sales.push(await sell([fiado(account.id, 1190)]));
    await payment(account.id, 'card', 500);
    const statement = await admin.emitWithAck('customer-account:statement', { accountId: account.id });
    if (!statement.ok) throw new Error(JSON.stringify(statement.error));
    const { movements, account: view } = statement.data;
    expect(movements.map((m) => [m.kind, m.amount, m.balance, m.method])).toEqual([
      ['sale', 2380, 2380, null],
      ['sale', 1990, 4370, null],
      ['payment', 3000, 1370, 'cash'],
      ['sale', 1190, 2560, null],
      ['payment', 500, 2060, 'card'],
    ]);
    const sold = movements.filter((m) => m.kind === 'sale').reduce((sum, m) => sum + m.amount, 0);
    const paid = movements.filter((m) => m.kind === 'payment').reduce((sum, m) => sum + m.amount, 0);
    expect(view.balance).toBe(sold - paid);
    expect(movements.filter((m) => m.kind === 'sale').map((m) => [m.saleId, m.docType, m.folio])).toEqual(
      sales.map((s) => (s.ok ? [s.data.saleId, s.data.docType, s.data.folio] : null)),
    );
  });

  it('lists as overdue the accounts whose oldest unpaid fiado is older than their terms', async () => {
    const late = await createAccount({ name: 'Moroso', creditLimit: 20_000, termsDays: 30 });
    const paidUp = await createAccount({ name: 'Al día', creditLimit: 20_000, termsDays: 30 });
    const recent = await createAccount({ name: 'Reciente', creditLimit: 20_000, termsDays: 30 });
    for (const account of [late, paidUp, recent]) {
      await sell([fiado(account.id, 2380)], { quantity: 2 });
      await sell([fiado(account.id, 1190)]);
    }
    // Their fiados were 40 and 10 days ago (the ledger is append-only for the server: set as the owner).
    await superuser.query(
      `update customer_account_movement m
          set created_at = now() - make_interval(days => case when m.amount = 2380 then 40 else 10 end)
        where account_id = any($1::uuid[])`,
      [[late.id, paidUp.id]],
    );
    // Paid-up pays the old one (abonos go to the oldest fiado first); Late pays less than it.
    await payment(paidUp.id, 'cash', 2380);
    await payment(late.id, 'cash', 2000);

    const overdue = await admin.emitWithAck('customer-account:list', { overdueOnly: true });
    if (!overdue.ok) throw new Error(JSON.stringify(overdue.error));
    expect(overdue.data.map((a) => a.id)).toEqual([late.id]);
    expect(overdue.data[0]).toMatchObject({
      balance: 1570,
      overdue: true,
      oldestUnpaidAt: expect.any(String),
    });
    const all = await admin.emitWithAck('customer-account:list', {});
    const byId = new Map((all.ok ? all.data : []).map((a) => [a.id, a]));
    expect(byId.get(paidUp.id)).toMatchObject({ balance: 1190, overdue: false });
    expect(byId.get(recent.id)).toMatchObject({ balance: 3570, overdue: false });
  });
});

describe('tenant isolation', () => {
  it("keeps another company's tills away from an account: not listed, not charged, not paid", async () => {
    const account = await createAccount({
      name: 'Cliente privado',
      rut: '22.222.222-2',
      creditLimit: 50_000,
    });
    const listed = await strangerTill.socket.emitWithAck('customer-account:list', { search: 'privado' });
    expect(listed).toEqual({ ok: true, data: [] });
    expect(
      await strangerTill.socket.emitWithAck('customer-account:statement', { accountId: account.id }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const product = (
      await withTenant(shop.server.orm, shop.tenants[1]!.tenantId, (em) =>
        em.execute<{ id: string; price: string }[]>('select id, price from product order by code limit 1'),
      )
    )[0]!;
    const charged = await strangerTill.socket.emitWithAck('sale:commit', {
      saleId: randomUUID(),
      terminalId: strangerTill.terminalId,
      cashSessionId: strangerTill.cashSessionId,
      lines: [{ productId: product.id, quantity: '1', unitPrice: Number(product.price) }],
      payments: [fiado(account.id, Number(product.price))],
    });
    expect(charged).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await payment(account.id, 'cash', 1000, randomUUID(), strangerTill)).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await balanceOf(account.id)).toBe(0);
  });
});
