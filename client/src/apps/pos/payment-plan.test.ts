import { describe, expect, it } from 'vitest';
import { paymentPlan } from './payment-plan.ts';

const entry = { cardAmount: 0, authorizationCode: '', tendered: 0 };

describe('payment plan', () => {
  it('rounds cash to $10 (1–5 down, 6–9 up) and gives change', () => {
    expect(paymentPlan(1995, { ...entry, method: 'cash', tendered: 5000 })).toMatchObject({
      cashDue: 1990,
      toPay: 1990,
      change: 3010,
      problem: null,
      payments: [{ method: 'cash', tendered: 5000 }],
    });
    expect(paymentPlan(1996, { ...entry, method: 'cash', tendered: 1990 })).toMatchObject({
      cashDue: 2000,
      missing: 10,
      problem: 'missing',
    });
  });

  it('never rounds cards', () => {
    expect(paymentPlan(1995, { ...entry, method: 'card', authorizationCode: '123456' })).toMatchObject({
      cardPart: 1995,
      cashDue: 0,
      toPay: 1995,
      change: 0,
      payments: [{ method: 'card', amount: 1995, authorizationCode: '123456' }],
    });
    expect(paymentPlan(1995, { ...entry, method: 'card' }).problem).toBe('authorization');
  });

  it('splits a mixed payment: exact card part, rounded cash rest', () => {
    const plan = paymentPlan(7867, {
      method: 'mixed',
      cardAmount: 5000,
      authorizationCode: 'AB12',
      tendered: 3000,
    });
    expect(plan).toMatchObject({ cardPart: 5000, cashDue: 2870, toPay: 7870, change: 130, problem: null });
    expect(plan.payments).toEqual([
      { method: 'card', amount: 5000, authorizationCode: 'AB12' },
      { method: 'cash', tendered: 3000 },
    ]);
    expect(
      paymentPlan(1000, { method: 'mixed', cardAmount: 1200, authorizationCode: 'X', tendered: 0 }).problem,
    ).toBe('card-over-total');
  });
});
