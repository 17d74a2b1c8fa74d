// @vitest-environment happy-dom
import { fail } from '@erp/shared/errors';
import { createPinia, setActivePinia } from 'pinia';
import { describe, expect, it } from 'vitest';
import { paymentPlan } from '../apps/pos/payment-plan.ts';
import { openedSession } from '../test/cash-sessions.ts';
import { fakeRealtime, signedIn } from '../test/fake-realtime.ts';
import {
  available,
  type CustomerAccount,
  needsApproval,
  useCustomerAccountsStore,
} from './customer-accounts.store.ts';
import { useTillStore } from './till.store.ts';

const account = (fields: Partial<CustomerAccount> = {}): CustomerAccount => ({
  id: crypto.randomUUID(),
  name: 'Doña Juanita',
  rut: null,
  phone: null,
  creditLimit: 5000,
  blocked: false,
  termsDays: 30,
  balance: 3000,
  oldestUnpaidAt: null,
  overdue: false,
  ...fields,
});

function till() {
  setActivePinia(createPinia());
  signedIn();
  const server = fakeRealtime();
  const terminalId = crypto.randomUUID();
  const session = openedSession(terminalId);
  Object.assign(useTillStore(), { terminalId, cashSession: session });
  server.on('cash:current', () => session);
  return { server, session, terminalId };
}

describe('fiado at the till', () => {
  it('asks for a supervisor exactly when the server will: over the limit or blocked', () => {
    expect(needsApproval(account(), 2000)).toBe(false);
    expect(needsApproval(account(), 2001)).toBe(true);
    expect(needsApproval(account({ blocked: true }), 1)).toBe(true);
    expect(available(account({ balance: 7000 }))).toBe(0);
  });

  it('charges the exact total to the account, never rounded, once an account is chosen', () => {
    const entry = { method: 'fiado' as const, cardAmount: 0, authorizationCode: '', tendered: 0 };
    expect(paymentPlan(1993, { ...entry, fiado: null })).toMatchObject({ problem: 'account', payments: [] });
    const accountId = crypto.randomUUID();
    expect(
      paymentPlan(1993, { ...entry, fiado: { customerAccountId: accountId, approvalId: 'a' } }),
    ).toMatchObject({
      problem: null,
      toPay: 1993,
      cashDue: 0,
      payments: [{ method: 'fiado', amount: 1993, customerAccountId: accountId, approvalId: 'a' }],
    });
  });

  it('retries an unanswered abono with the same payment id, and starts a new one once answered', async () => {
    const { server, session, terminalId } = till();
    const store = useCustomerAccountsStore();
    const abono = { accountId: crypto.randomUUID(), method: 'cash' as const, amount: 1000 };
    server.on('customer:payment', () => fail('TIMEOUT'));
    expect(await store.pay(abono)).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } });
    server.on('customer:payment', (p) => ({
      paymentId: p.paymentId,
      accountId: p.accountId,
      method: p.method,
      amount: p.amount,
      balance: 0,
      createdAt: new Date().toISOString(),
    }));
    expect(await store.pay(abono)).toMatchObject({ ok: true });
    await store.pay(abono);
    const ids = server.sent
      .filter((c) => c.name === 'customer:payment')
      .map((c) => c.payload as { paymentId: string });
    expect(ids[0]!.paymentId).toBe(ids[1]!.paymentId);
    expect(ids[2]!.paymentId).not.toBe(ids[1]!.paymentId);
    expect(server.sent.find((c) => c.name === 'customer:payment')!.payload).toMatchObject({
      terminalId,
      cashSessionId: session.id,
    });
  });
});
